"""A listing's photos: added, described, ordered, one chosen as cover, removed.

Each change locks the listing's row first (SELECT … FOR UPDATE), so two people arranging the same
listing's photos take turns and positions stay 0..n-1 with exactly one cover while any photo is
left. The database keeps the rest (migration 0015): one cover per listing, a photo once per
listing, alt text present. Who may change them is the caller's check (the listing's editors).
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from geo.photo_variants import Variants
from geo.said import Said
from layers.db.models.tourism import TourismPlace, TourismRoute
from layers.write.growing.errors import BadBody, Conflict, NotFound
from layers.write.tourism_media.files import urls
from layers.write.tourism_media.tables import listing_column, photos

MAX_PHOTOS = 20  # per listing: a page shows a dozen, a promoter keeps a few spare
TABLES = {"place": TourismPlace.__table__, "route": TourismRoute.__table__}
WORDS = {"place": "tourism place", "route": "tourism route"}


def what(kind: str, listing_id: int) -> Said:
    return Said(f"{WORDS[kind]} {listing_id}", f"tourism_share.what.{kind}", id=str(listing_id))


async def listing(conn, kind: str, listing_id: int, lock: bool = False):
    """The listing's row (id, status, owner, commune …); 404 when there is none."""
    table = TABLES[kind]
    stmt = sa.select(table).where(table.c.id == listing_id)
    row = (await conn.execute(stmt.with_for_update() if lock else stmt)).mappings().first()
    if row is None:
        raise NotFound(Said(f"no {WORDS[kind]} {listing_id}", f"tourism_share.error.no_{kind}", id=str(listing_id)))
    return row


def as_dict(row) -> dict:
    return {"id": row.id, "sha256": row.sha256, "alt_vi": row.alt_vi, "alt_en": row.alt_en,
            "position": row.position, "cover": row.cover, "reviewed": row.reviewed, "width": row.width,
            "height": row.height, "urls": urls(row.sha256)}


async def of_listing(conn, kind: str, listing_id: int) -> list[dict]:
    """Every photo of the listing, in its order (no check of the listing's status here)."""
    col = listing_column(kind)
    rows = (await conn.execute(sa.select(photos).where(col == listing_id).order_by(photos.c.position, photos.c.id))).all()
    return [as_dict(r) for r in rows]


async def _one(conn, kind: str, listing_id: int, photo_id: int):
    col = listing_column(kind)
    row = (await conn.execute(sa.select(photos).where(photos.c.id == photo_id, col == listing_id))).first()
    if row is None:
        raise NotFound(Said(f"{what(kind, listing_id)} has no photo {photo_id}", "tourism_share.error.no_photo",
                            what=what(kind, listing_id), photo=str(photo_id)))
    return row


async def _renumber(conn, kind: str, listing_id: int, order: list[int]) -> None:
    ids = sa.func.unnest(sa.cast(order, sa.ARRAY(sa.Integer))).table_valued("pid", with_ordinality="n").render_derived()
    await conn.execute(photos.update().where(photos.c.id == ids.c.pid, listing_column(kind) == listing_id)
                       .values(position=ids.c.n - 1))


async def add(conn, kind: str, listing_id: int, variants: Variants, alt_vi: str, alt_en: str | None,
              reviewed: bool = True) -> dict:
    """`reviewed` False: public only once tourism staff say so (a promoter's photo on a published listing)."""
    await listing(conn, kind, listing_id, lock=True)
    col = listing_column(kind)
    count, top, covered = (await conn.execute(sa.select(
        sa.func.count(), sa.func.max(photos.c.position), sa.func.bool_or(photos.c.cover)).where(col == listing_id))).one()
    if count >= MAX_PHOTOS:
        raise Conflict(Said(f"{what(kind, listing_id)} has {MAX_PHOTOS} photos already; remove one first",
                            "tourism_share.error.too_many", what=what(kind, listing_id), max=MAX_PHOTOS))
    values = {col.key: listing_id, "sha256": variants.sha256, "alt_vi": alt_vi, "alt_en": alt_en,
              "position": (top + 1) if top is not None else 0, "cover": not covered,
              "width": variants.width, "height": variants.height, "source_format": variants.source_format,
              "reviewed": reviewed}
    try:
        async with conn.begin_nested():
            new_id = (await conn.execute(photos.insert().values(**values).returning(photos.c.id))).scalar_one()
    except IntegrityError:
        raise Conflict(Said(f"this photo is already on {what(kind, listing_id)}", "tourism_share.error.same_photo",
                            what=what(kind, listing_id))) from None
    return as_dict(await _one(conn, kind, listing_id, new_id))


async def describe(conn, kind: str, listing_id: int, photo_id: int, changes: dict) -> dict:
    """New alt texts, `cover: true` (the cover moves to this photo), `reviewed: true` (staff's)."""
    await listing(conn, kind, listing_id, lock=True)
    await _one(conn, kind, listing_id, photo_id)
    values = {k: changes[k] for k in ("alt_vi", "alt_en", "reviewed") if k in changes}
    if changes.get("cover"):
        await conn.execute(photos.update().where(listing_column(kind) == listing_id, photos.c.cover,
                                                 photos.c.id != photo_id).values(cover=False))
        values["cover"] = True
    if values:
        await conn.execute(photos.update().where(photos.c.id == photo_id).values(**values, updated_at=sa.func.now()))
    return as_dict(await _one(conn, kind, listing_id, photo_id))


async def reorder(conn, kind: str, listing_id: int, order: list[int]) -> list[dict]:
    """`order` names every photo of the listing once, first to last; 409 when it does not."""
    await listing(conn, kind, listing_id, lock=True)
    current = [p["id"] for p in await of_listing(conn, kind, listing_id)]
    if sorted(order) != sorted(current):
        raise Conflict(Said(f"the order must name each photo of {what(kind, listing_id)} once: "
                            f"{', '.join(map(str, current)) or 'none'}", "tourism_share.error.order",
                            what=what(kind, listing_id), ids=", ".join(map(str, current)) or "-"))
    await _renumber(conn, kind, listing_id, order)
    return await of_listing(conn, kind, listing_id)


async def remove(conn, kind: str, listing_id: int, photo_id: int) -> list[dict]:
    """The photo leaves the listing; a removed cover passes to the first photo left."""
    await listing(conn, kind, listing_id, lock=True)
    row = await _one(conn, kind, listing_id, photo_id)
    await conn.execute(photos.delete().where(photos.c.id == photo_id))
    left = [p["id"] for p in await of_listing(conn, kind, listing_id)]
    await _renumber(conn, kind, listing_id, left)
    if row.cover and left:
        await conn.execute(photos.update().where(photos.c.id == left[0]).values(cover=True))
    return await of_listing(conn, kind, listing_id)


def check_order(value) -> list[int]:
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value) \
            or len(value) > MAX_PHOTOS:
        raise BadBody(Said("send a JSON object whose \"order\" lists the photo ids, first to last", "tourism_share.error.order_body"))
    return value
