"""Who may change a cooperative's profile and products: its own cooperative account, and province
staff and admins whose areas hold the cooperative's commune (who alone award OCOP stars)."""
from __future__ import annotations

from sqlalchemy import text

from geo.said import Said
from layers.write.accounts import area_covers
from layers.write.growing.errors import Forbidden
from layers.write.lots.access import READERS, check_read, cooperative_of, covers_cooperative

_PROVINCE = text("SELECT parent_code FROM admin_units WHERE code = :code")


async def check_writer(conn, user, cooperative_id: int) -> bool:
    """True for staff (may set the award), False for the cooperative itself; 403 for anyone else."""
    if user.role == "cooperative":
        if await cooperative_of(conn, user) != cooperative_id:
            raise Forbidden(Said(f"{user.name} acts for another cooperative, not cooperative {cooperative_id}",
                                 "lots.error.other_cooperative_record", name=user.name, id=str(cooperative_id)))
        return False
    if await covers_cooperative(conn, user, cooperative_id):
        return True
    raise Forbidden(Said(f"a {user.role} may not change cooperative {cooperative_id} or its products "
                         "(its own cooperative account and province staff of its province may)",
                         "lots.error.not_writer", role=user.role, id=str(cooperative_id)))


async def _covers_commune(conn, user, commune_code: str) -> bool:
    if user.role == "admin":
        return True
    if user.role not in READERS:
        return False
    province = (await conn.execute(_PROVINCE, {"code": commune_code})).scalar()
    return area_covers(user.areas, commune_code, province, user.role)


async def check_product_writer(conn, user, row) -> bool:
    """As check_writer, for a product; one of no cooperative (a household's) is staff's alone."""
    if row.cooperative_id is not None:
        return await check_writer(conn, user, row.cooperative_id)
    if await _covers_commune(conn, user, row.commune_code):
        return True
    raise Forbidden(Said(f"a {user.role} may not change OCOP product {row.id}: it belongs to no cooperative of theirs",
                         "lots.error.product_not_writer", role=user.role, id=str(row.id)))


async def check_product_reader(conn, user, row, what: Said) -> None:
    if row.cooperative_id is not None:
        await check_read(conn, user, row.cooperative_id, what)
    elif not await _covers_commune(conn, user, row.commune_code):
        raise Forbidden(Said(f"{user.name} may not read {what}: it belongs to another cooperative",
                             "lots.error.not_readable", name=user.name, what=what))
