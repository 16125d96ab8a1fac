"""What a cooperative account reads to write lots: its lots (paged), one lot whole, the growing
areas it may cite and its products. Staff in scope read the same (layers.write.lots.access)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import text

from layers.write.lots import access, read

MAX_PAGE = 500
# A lot as its cooperative lists it: the quantity wherever it is kept (private when confidential).
_PAGE = text(
    "SELECT l.id, l.product_id, o.name AS product_name, l.lot_code, "
    "coalesce(l.quantity, p.quantity) AS quantity, l.unit, l.harvest_date, l.certification, "
    "l.confidential_quantity, l.status, l.row_version, l.created_at, l.updated_at, "
    "(SELECT array_agg(a.growing_area_id ORDER BY a.growing_area_id) FROM harvest_lot_areas a "
    " WHERE a.lot_id = l.id) AS growing_area_ids "
    "FROM harvest_lots l JOIN ocop_products o ON o.id = l.product_id "
    "LEFT JOIN private.harvest_lot_private p ON p.lot_id = l.id "
    "WHERE l.cooperative_id = :coop AND (CAST(:status AS text) IS NULL OR l.status = :status) "
    "AND (CAST(:before AS integer) IS NULL OR l.id < :before) ORDER BY l.id DESC LIMIT :limit")
# Every area linked to the cooperative, with whether a harvest today may cite it.
_AREAS = text(
    "SELECT g.id, g.code, g.name, g.crop, g.status, g.valid_from, g.valid_to, g.commune_code, "
    "ntm_growing_status_on(g.id, (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) = 'granted' AS citable "
    "FROM growing_areas g WHERE g.cooperative_id = :coop ORDER BY g.code NULLS LAST, g.id")


def plain(value):
    """A value as JSON writes it: dates in ISO form, quantities as numbers."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


async def page(conn, cooperative_id: int, limit: int, before: int | None, status: str | None) -> tuple[list[dict], int | None]:
    """Newest first; returns the lots and the id to continue before (None: the last page)."""
    rows = list(await conn.execute(_PAGE, {"coop": cooperative_id, "status": status, "before": before,
                                           "limit": min(limit, MAX_PAGE) + 1}))
    more = len(rows) > limit
    lots = [{k: plain(v) for k, v in r._mapping.items()} for r in rows[:limit]]
    return lots, (lots[-1]["id"] if more else None)


async def lot(conn, lot_id: int) -> tuple[dict, str]:
    """One lot whole, for its cooperative and staff: the private quantity, who registered and last
    changed it, each area with its code and status then and now; and its ETag."""
    record = await read.record(conn, lot_id)
    areas = await read.areas(conn, lot_id)
    out = {k: plain(v) for k, v in record.items() if k not in ("registered_on",)}
    out["areas"] = [{k: plain(v) for k, v in a.items()} for a in areas]
    return out, access.etag(lot_id, record["row_version"])


async def areas(conn, cooperative_id: int) -> list[dict]:
    """The cooperative's growing areas: id, code, name, crop, status and validity, and `citable`
    (granted today: a lot harvested today may come from it)."""
    return [{k: plain(v) for k, v in r._mapping.items()} for r in await conn.execute(_AREAS, {"coop": cooperative_id})]
