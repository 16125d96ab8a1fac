"""One lot as its writer sees it: the public row, the private quantity and who, its areas."""
from __future__ import annotations

from sqlalchemy import text

from geo.said import Said
from layers.write.growing.errors import NotFound

_ONE = ("SELECT l.*, (l.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS registered_on, "
        "p.quantity AS private_quantity, p.created_by, p.updated_by FROM harvest_lots l "
        "LEFT JOIN private.harvest_lot_private p ON p.lot_id = l.id WHERE l.id = :id")
_AREAS = text("SELECT a.growing_area_id, g.code, a.status_at_harvest, g.status AS status_now "
              "FROM harvest_lot_areas a JOIN growing_areas g ON g.id = a.growing_area_id "
              "WHERE a.lot_id = :id ORDER BY a.growing_area_id")


async def one(conn, lot_id: int, lock: bool = False):
    row = (await conn.execute(text(_ONE + (" FOR UPDATE OF l" if lock else "")), {"id": lot_id})).first()
    if row is None:
        raise NotFound(Said(f"no harvest lot {lot_id}", "lots.error.not_found", id=str(lot_id)))
    return row


async def areas(conn, lot_id: int) -> list[dict]:
    """Each area with its status on the harvest date and today ("then and now")."""
    return [dict(r._mapping) for r in await conn.execute(_AREAS, {"id": lot_id})]


async def record(conn, lot_id: int) -> dict:
    """The lot for its cooperative: the quantity wherever it is kept, the areas' ids."""
    row = await one(conn, lot_id)
    out = {k: v for k, v in row._mapping.items() if k != "private_quantity"}
    out["quantity"] = row.private_quantity if row.confidential_quantity else row.quantity
    out["growing_area_ids"] = [a["growing_area_id"] for a in await areas(conn, lot_id)]
    return out
