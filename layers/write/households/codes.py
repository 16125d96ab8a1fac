"""The address code of a new household point: its cell's next serial, with the check character.

Codes are given by the server when the point reaches it (an offline point is shown as "code on
sync" on the phone): a device holds no block of serials that a lost phone would waste or a copied
one hand out twice. Per cell, the next serial follows the highest ever given there, retired ones
included (their rows stay for ever, migration 0014), so no code is handed out twice; a
transaction advisory lock per cell makes two points placed at once in one cell take turns.
"""
from __future__ import annotations

from sqlalchemy import text

from geo import address_code, plus_code

LOCK_CLASS = 74016
_HIGHEST = text(
    "SELECT max(substr(address_code, 6, 4)) FROM households "
    "WHERE address_code >= :low AND address_code < :high AND left(address_code, 4) = :cell")


async def new_codes(conn, lon: float, lat: float) -> tuple[str, str]:
    """(address code, Plus Code) for a point; call inside the transaction that inserts it."""
    cell = address_code.cell_of(lon, lat)
    digits = address_code.make(cell, 0)[:4]
    await conn.execute(text("SELECT pg_advisory_xact_lock(:k, :cell)"), {"k": LOCK_CLASS, "cell": cell})
    highest = (await conn.execute(_HIGHEST, {"low": f"{digits}-", "high": f"{digits}.", "cell": digits})).scalar()
    serial = address_code.decode(highest) + 1 if highest else 1
    return address_code.make(cell, serial), plus_code.encode(lon, lat)
