"""Correct an active lot (If-Match): its quantity, unit, dates, certification, confidentiality, areas.

The product and the lot code are printed on the labels and never change (400 naming them);
a recalled lot is not corrected (409). The row is locked first and the version checked inside
the UPDATE, so two writers holding the same ETag cannot both win.
"""
from __future__ import annotations

from sqlalchemy import update

from geo.said import Said
from layers.write.growing.errors import Stale
from layers.write.lots import access, checks, read
from layers.write.lots.fields import clean
from layers.write.lots.register import COLUMNS, LOTS, columns, link, save_quantity
from layers.write.lots.session import vn_today


async def correct(conn, user, lot_id: int, body, if_match: str | None) -> int:
    """Apply the changes; returns the lot's new version (its ETag's number)."""
    lot = await read.one(conn, lot_id, lock=True)
    cooperative = await access.check_lot(conn, user, lot)
    access.check_active(lot)
    version = access.check_version(if_match, lot)
    changes = clean(body, correcting=True)
    before = await read.record(conn, lot_id)
    values = {**{k: before[k] for k in (*COLUMNS, "quantity", "growing_area_ids")}, **changes}
    await checks.check(conn, values, cooperative, await vn_today(conn), product=False, registered=lot.registered_on)
    old, new = set(before["growing_area_ids"]), set(values["growing_area_ids"])
    # Links that go are removed before the harvest date changes (it checks the remaining ones again).
    await link(conn, lot_id, [], sorted(old - new))
    # Always written, so the version moves even when only the areas change.
    stmt = (update(LOTS).where(LOTS.c.id == lot_id, LOTS.c.row_version == version)
            .values(**columns(values)).returning(LOTS.c.row_version))
    done = (await conn.execute(stmt)).first()
    if done is None:
        raise Stale(Said(f"harvest lot {lot_id} changed while this request ran; read it again",
                         "lots.error.changed_meanwhile", id=str(lot_id)))
    await save_quantity(conn, lot_id, values)
    await link(conn, lot_id, sorted(new - old))
    return done.row_version
