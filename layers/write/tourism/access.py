"""Who may edit which tourism listing (place, route, event): the one decision every tourism write
asks, the listing's own fields and, for others (photos, route files), `check_edit`.

* a `tourism_promoter` edits the listings they own (created, or were given by tourism staff) and
  only while the listing lies in their areas: a competitor's listing, or their own moved out of
  their areas, is a 403, guessed ids too;
* `tourism_staff` (province tourism staff) and `admin` edit and moderate every listing in their
  areas (admins everywhere) and may give a listing to another owner;
* anyone else is refused (403).

The owner is compared by account name, read with the row (`private.users`), so a token needs no
database id and an account renamed or re-assigned is seen at once.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from geo.said import Said
from layers.write.accounts import area_covers
from layers.write.growing.errors import Forbidden, NotFound, Stale

# Collection id → table (they are the same words; a fixed list, so no request string reaches SQL).
TABLES = ("tourism_places", "tourism_routes", "tourism_events")
MODERATORS = ("tourism_staff", "admin")
PROMOTERS = ("tourism_promoter",)
WRITERS = PROMOTERS + MODERATORS
# The etag prefix per table, so a place's ETag never matches a route's.
_PREFIX = {"tourism_places": "tp", "tourism_routes": "tr", "tourism_events": "te"}


@dataclass(frozen=True)
class Listing:
    """What the access decision reads of a listing (and what callers need next: status, version)."""
    table: str
    id: int
    status: str
    commune_code: str | None
    province_code: str | None
    owner_id: int | None
    owner_name: str | None
    row_version: int
    has_pending: bool


def table_of(collection: str) -> str:
    if collection not in TABLES:
        raise NotFound(Said(f"no tourism collection {collection}", "tourism_write.error.no_collection",
                            collection=collection))
    return collection


def _select(table: str, lock: bool) -> str:
    table = table_of(table)
    return (f"SELECT t.id, t.status, t.commune_code, c.province_code, t.owner_id, u.name AS owner_name, "
            f"t.row_version, t.pending IS NOT NULL AS has_pending FROM {table} t "
            "LEFT JOIN communes c ON c.code = t.commune_code LEFT JOIN private.users u ON u.id = t.owner_id "
            "WHERE t.id = :id" + (" FOR UPDATE OF t" if lock else ""))


def what(table: str, listing_id: int) -> Said:
    """"tourism place 12", in the reader's language."""
    kind = table_of(table).removeprefix("tourism_")[:-1]  # place, route, event
    return Said(f"tourism {kind} {listing_id}", f"tourism_write.what.{kind}", id=str(listing_id))


async def listing(conn, table: str, listing_id: int, lock: bool = False) -> Listing:
    """The listing as the access rules see it, or NotFound; `lock` holds the row until the
    transaction ends (FOR UPDATE), so the decision and the write see the same row."""
    row = (await conn.execute(text(_select(table, lock)), {"id": listing_id})).first()
    if row is None:
        raise NotFound(Said(f"no {what(table, listing_id)}", "tourism_write.error.not_found",
                            what=what(table, listing_id)))
    return Listing(table, row.id, row.status, row.commune_code, row.province_code, row.owner_id, row.owner_name,
                   row.row_version, row.has_pending)


def in_scope(user, commune_code: str | None, province_code: str | None) -> bool:
    """The user's areas hold that commune (admins: everywhere; no commune: admins only)."""
    if user.role == "admin":
        return True
    return commune_code is not None and area_covers(user.areas, commune_code, province_code, user.role)


def is_moderator(user) -> bool:
    return user.role in MODERATORS


def is_owner(user, item: Listing) -> bool:
    return item.owner_name is not None and item.owner_name == user.name


def may_edit(user, item: Listing) -> bool:
    """The rule: promoters their own listings in their areas; tourism staff and admins any in theirs."""
    if user.role in MODERATORS:
        return in_scope(user, item.commune_code, item.province_code)
    if user.role in PROMOTERS:
        return is_owner(user, item) and in_scope(user, item.commune_code, item.province_code)
    return False


def check_role(user) -> None:
    """403 for accounts that never write tourism listings (viewers, agriculture staff, cooperatives)."""
    if user.role not in WRITERS:
        raise Forbidden(Said(f"a {user.role} may not write tourism listings", "tourism_write.error.role",
                             role=user.role))


def check_may_edit(user, item: Listing) -> None:
    check_role(user)
    if may_edit(user, item):
        return
    if user.role in PROMOTERS and not is_owner(user, item):
        raise Forbidden(Said(f"{what(item.table, item.id)} is not one of {user.name}'s listings",
                             "tourism_write.error.not_owner", what=what(item.table, item.id), name=user.name))
    areas = ", ".join(user.areas) or "-"
    raise Forbidden(Said(f"{what(item.table, item.id)} is in commune {item.commune_code or '-'}, outside the areas "
                         f"of {user.name} ({areas})", "tourism_write.error.outside", what=what(item.table, item.id),
                         commune=item.commune_code or "-", name=user.name, areas=areas))


def check_moderator(user, item: Listing | None = None) -> None:
    check_role(user)
    if not is_moderator(user):
        raise Forbidden(Said(f"only tourism staff moderate listings; {user.name} is a {user.role}",
                             "tourism_write.error.not_moderator", name=user.name, role=user.role))
    if item is not None:
        check_may_edit(user, item)


async def check_edit(conn, user, table: str, listing_id: int, lock: bool = True) -> Listing:
    """The listing if `user` may edit it (photos, route files, fields); NotFound or Forbidden
    otherwise. Locks the row by default: call it inside the write's transaction."""
    check_role(user)
    item = await listing(conn, table, listing_id, lock=lock)
    check_may_edit(user, item)
    return item


def etag(table: str, listing_id: int, version: int) -> str:
    return f'"{_PREFIX[table_of(table)]}-{listing_id}-{version}"'


def check_version(if_match: str | None, item: Listing) -> int:
    """The version the request saw; None or '*' means the current one (the API answers 428 itself)."""
    current = etag(item.table, item.id, item.row_version)
    if if_match is None or if_match.strip() == "*":
        return item.row_version
    if current not in [t.strip().removeprefix("W/") for t in if_match.split(",")]:
        raise Stale(Said(f"{what(item.table, item.id)} has changed since you read it (now {current}); read it again "
                         "and re-apply your change", "tourism_write.error.stale", what=what(item.table, item.id),
                         etag=current))
    return item.row_version


async def user_id(conn, user) -> int | None:
    """The account's id (a listing's owner_id), None for an account that no longer exists."""
    return (await conn.execute(text("SELECT id FROM private.users WHERE name = :n"), {"n": user.name})).scalar()
