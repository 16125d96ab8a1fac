"""Register a harvest lot: the product, the quantity, the harvest, the areas it came from."""
from __future__ import annotations

from sqlalchemy import insert, text

from layers.db.models.lots import HarvestLot
from layers.write.lots import access, checks
from layers.write.lots.fields import DEFAULTS, clean
from layers.write.lots.session import vn_today

LOTS = HarvestLot.__table__
COLUMNS = ("unit", "harvest_date", "certification", "certification_valid_from", "certification_valid_to",
           "confidential_quantity")
_LINK = text("INSERT INTO harvest_lot_areas (lot_id, growing_area_id) VALUES (:lot, :area)")
_UNLINK = text("DELETE FROM harvest_lot_areas WHERE lot_id = :lot AND growing_area_id = :area")
_PRIVATE_QUANTITY = text("UPDATE private.harvest_lot_private SET quantity = :q WHERE lot_id = :lot")


def columns(values: dict) -> dict:
    """The public row's values: a confidential quantity is not among them."""
    public = {k: values[k] for k in COLUMNS}
    public["quantity"] = None if values["confidential_quantity"] else values["quantity"]
    return public


async def save_quantity(conn, lot_id: int, values: dict) -> None:
    """The private side of the quantity: set when confidential, empty otherwise."""
    await conn.execute(_PRIVATE_QUANTITY, {"lot": lot_id, "q": values["quantity"] if values["confidential_quantity"] else None})


async def link(conn, lot_id: int, add: list[int], remove: list[int] = ()) -> None:
    for area in remove:
        await conn.execute(_UNLINK, {"lot": lot_id, "area": area})
    for area in add:
        await conn.execute(_LINK, {"lot": lot_id, "area": area})


async def create(conn, user, body) -> int:
    """Insert an active lot of the user's cooperative; returns its id."""
    cooperative = await access.cooperative_of(conn, user)
    values = {**DEFAULTS, **clean(body)}
    await checks.check(conn, values, cooperative, await vn_today(conn))
    stmt = insert(LOTS).values(cooperative_id=cooperative, product_id=values["product_id"],
                               lot_code=values["lot_code"], **columns(values)).returning(LOTS.c.id)
    lot_id = (await conn.execute(stmt)).scalar_one()
    if values["confidential_quantity"]:
        await save_quantity(conn, lot_id, values)
    await link(conn, lot_id, values["growing_area_ids"])
    return lot_id


__all__ = ["COLUMNS", "LOTS", "columns", "create", "link", "save_quantity"]
