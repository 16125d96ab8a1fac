"""Who may write which lot: a `cooperative` account, for its own cooperative only (403 otherwise);
who may read one: its cooperative, and province staff and admins whose areas hold the cooperative."""
from __future__ import annotations

from sqlalchemy import text

from geo.said import Said
from layers.write.accounts import area_covers
from layers.write.growing.errors import Conflict, Forbidden, Stale

_COOPERATIVE = text("SELECT role, cooperative_id FROM private.users WHERE name = :name AND NOT disabled")
_PLACE = text("SELECT c.commune_code, a.parent_code AS province_code FROM cooperatives c "
              "LEFT JOIN admin_units a ON a.code = c.commune_code WHERE c.id = :id")
READERS = ("province_staff", "admin")  # besides the lot's own cooperative


async def cooperative_of(conn, user) -> int:
    """The cooperative the user acts for; 403 for any other account. Read from the database on
    every write, so an account moved to another cooperative acts for the new one at once."""
    row = (await conn.execute(_COOPERATIVE, {"name": user.name})).first()
    if row is None or row.role != "cooperative" or row.cooperative_id is None:
        raise Forbidden(Said(f"only a cooperative account registers, corrects and recalls harvest lots; "
                             f"{user.name} is a {user.role}", "lots.error.not_cooperative", name=user.name,
                             role=user.role))
    return row.cooperative_id


async def check_lot(conn, user, lot) -> int:
    cooperative = await cooperative_of(conn, user)
    if lot.cooperative_id != cooperative:
        raise Forbidden(Said(f"harvest lot {lot.id} belongs to another cooperative than {user.name}'s",
                             "lots.error.other_cooperative", id=str(lot.id), name=user.name))
    return cooperative


async def covers_cooperative(conn, user, cooperative_id: int) -> bool:
    """A province staff member's (or an admin's) areas hold the cooperative's commune."""
    if user.role == "admin":
        return True
    if user.role not in READERS:
        return False
    place = (await conn.execute(_PLACE, {"id": cooperative_id})).first()
    return place is not None and area_covers(user.areas, place.commune_code, place.province_code, user.role)


async def check_read(conn, user, cooperative_id: int, what: Said) -> bool:
    """May `user` read `what` of that cooperative? True when it is the user's own cooperative
    (so it may also see who changed it), False for staff in scope; 403 for anyone else."""
    if user.role == "cooperative" and user.cooperative_id == cooperative_id:
        return True
    if await covers_cooperative(conn, user, cooperative_id):
        return False
    raise Forbidden(Said(f"{user.name} may not read {what}: it belongs to another cooperative",
                         "lots.error.not_readable", name=user.name, what=what))


def check_active(lot) -> None:
    if lot.status == "recalled":
        raise Conflict(Said(f"harvest lot {lot.id} ({lot.lot_code}) was recalled and can no longer be changed",
                            "lots.error.recalled", id=str(lot.id), lot=lot.lot_code))


def etag(lot_id: int, version: int) -> str:
    return f'"lot-{lot_id}-{version}"'


def check_version(if_match: str | None, lot) -> int:
    """The version the request saw; None or '*' means the current one (the API answers 428 itself)."""
    current = lot.row_version
    if if_match is None or if_match.strip() == "*":
        return current
    tags = [t.strip().removeprefix("W/") for t in if_match.split(",")]
    if etag(lot.id, current) not in tags:
        raise Stale(Said(f"harvest lot {lot.id} has changed since you read it (now {etag(lot.id, current)}); "
                         "read it again and re-apply your change", "lots.error.stale", id=str(lot.id),
                         etag=etag(lot.id, current)))
    return current
