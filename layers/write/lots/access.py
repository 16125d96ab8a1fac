"""Who may write which lot: a `cooperative` account, for its own cooperative only (403 otherwise)."""
from __future__ import annotations

from sqlalchemy import text

from layers.write.growing.errors import Conflict, Forbidden, Stale

_COOPERATIVE = text("SELECT role, cooperative_id FROM private.users WHERE name = :name AND NOT disabled")


async def cooperative_of(conn, user) -> int:
    """The cooperative the user acts for; 403 for any other account."""
    row = (await conn.execute(_COOPERATIVE, {"name": user.name})).first()
    if row is None or row.role != "cooperative" or row.cooperative_id is None:
        raise Forbidden(f"only a cooperative account registers, corrects and recalls harvest lots; "
                        f"{user.name} is a {user.role}")
    return row.cooperative_id


async def check_lot(conn, user, lot) -> int:
    cooperative = await cooperative_of(conn, user)
    if lot.cooperative_id != cooperative:
        raise Forbidden(f"harvest lot {lot.id} belongs to another cooperative than {user.name}'s")
    return cooperative


def check_active(lot) -> None:
    if lot.status == "recalled":
        raise Conflict(f"harvest lot {lot.id} ({lot.lot_code}) was recalled and can no longer be changed")


def etag(lot_id: int, version: int) -> str:
    return f'"lot-{lot_id}-{version}"'


def check_version(if_match: str | None, lot) -> int:
    """The version the request saw; None or '*' means the current one (the API answers 428 itself)."""
    current = lot.row_version
    if if_match is None or if_match.strip() == "*":
        return current
    tags = [t.strip().removeprefix("W/") for t in if_match.split(",")]
    if etag(lot.id, current) not in tags:
        raise Stale(f"harvest lot {lot.id} has changed since you read it (now {etag(lot.id, current)}); "
                    "read it again and re-apply your change")
    return current
