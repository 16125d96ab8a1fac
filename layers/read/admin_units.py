"""Admin units as the staff pages need them: the current communes a user may work in.

The staff form offers these communes and the map zooms to their extents; the scope rule is the
same SQL truth the writes check (layers.write.accounts.scope_condition), so the form never offers
a commune the API would refuse.
"""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from layers.db.models import AdminUnit
from layers.write.accounts import User, scope_condition


async def communes_in_scope(engine: AsyncEngine, user: User) -> list[dict]:
    """Current communes in `user`'s scope by Vietnamese name: code, names (English falls back to
    Vietnamese), province and bbox [xmin, ymin, xmax, ymax] rounded to 6 decimals."""
    box = func.Box2D(AdminUnit.geom)
    stmt = (select(AdminUnit.code, AdminUnit.name_vi, AdminUnit.name_en, AdminUnit.parent_code,
                   func.ST_XMin(box), func.ST_YMin(box), func.ST_XMax(box), func.ST_YMax(box))
            .where(AdminUnit.level == "commune", or_(AdminUnit.valid_to.is_(None), AdminUnit.valid_to > func.current_date()),
                   scope_condition(user, AdminUnit.code))
            .order_by(AdminUnit.name_vi))
    async with engine.connect() as conn:
        rows = (await conn.execute(stmt)).all()
    return [{"code": r.code, "name_vi": r.name_vi, "name_en": r.name_en or r.name_vi, "province": r.parent_code,
             "bbox": [round(v, 6) for v in r[4:8]]} for r in rows]
