"""An area's personal fields (owner name and phone, the staff note) in their private table.

They live in `private.growing_area_private` (migration 0008) so that neither the public table
nor its history ever holds them. A row is made only when there is something to keep, and
written only when a value changes, so the private history records real changes only.
"""
from __future__ import annotations

from sqlalchemy import insert, select, update

from layers.db.models.agriculture import GrowingAreaPrivate

PERSONAL_TABLE = GrowingAreaPrivate.__table__


async def save(conn, area_id: int, values: dict) -> None:
    """Set the given personal fields (others unchanged)."""
    t = PERSONAL_TABLE
    row = (await conn.execute(select(t).where(t.c.growing_area_id == area_id).with_for_update())).first()
    if row is None:
        if any(v is not None for v in values.values()):
            await conn.execute(insert(t).values(growing_area_id=area_id, **values))
    elif any(getattr(row, k) != v for k, v in values.items()):
        await conn.execute(update(t).where(t.c.growing_area_id == area_id).values(**values))
