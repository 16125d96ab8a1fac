"""A lot's scan counts per day, for its cooperative and the province (issue 15).

Who may read them: the account of the lot's cooperative, province staff whose areas cover the
cooperative's commune (or province), and admins; anyone else gets a 403 naming why, an unknown
lot a 404. Counts are numbers of distinct clients a day (layers.write.scans): nobody is in them.
"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from geo.said import Said
from layers.write.accounts import User, area_covers
from layers.write.growing.errors import Forbidden, NotFound

_LOT = text("SELECT l.id, l.lot_code, l.cooperative_id, c.commune_code, cm.province_code FROM harvest_lots l "
            "JOIN cooperatives c ON c.id = l.cooperative_id LEFT JOIN communes cm ON cm.code = c.commune_code "
            "WHERE l.id = :id")
_ACCOUNT = text("SELECT cooperative_id FROM private.users WHERE name = :name AND role = 'cooperative' "
                "AND NOT disabled")
_DAYS = text("SELECT day, scans FROM lot_scans WHERE lot_id = :id AND scans > 0 ORDER BY day")


async def may_read(conn: AsyncConnection, user: User, lot) -> bool:
    if user.role == "admin":
        return True
    if user.role == "province_staff":
        return area_covers(user.areas, lot.commune_code, lot.province_code, user.role)
    if user.role == "cooperative":
        return (await conn.execute(_ACCOUNT, {"name": user.name})).scalar() == lot.cooperative_id
    return False


async def scan_counts(conn: AsyncConnection, user: User, lot_id: int) -> dict:
    """{"lot_id", "lot_code", "days": [{"day", "scans"}], "total"}, days oldest first."""
    lot = (await conn.execute(_LOT, {"id": lot_id})).first()
    if lot is None:
        raise NotFound(Said(f"no harvest lot {lot_id}", "trace.error.no_lot_id", id=str(lot_id)))
    if not await may_read(conn, user, lot):
        raise Forbidden(Said(f"the scans of harvest lot {lot_id} are shown to its cooperative, the province's "
                             f"staff and admins; {user.name} is a {user.role}",
                             "trace.error.scans_forbidden", id=str(lot_id), name=user.name, role=user.role))
    days = [{"day": r.day.isoformat(), "scans": r.scans} for r in await conn.execute(_DAYS, {"id": lot_id})]
    return {"lot_id": lot.id, "lot_code": lot.lot_code, "days": days, "total": sum(d["scans"] for d in days)}
