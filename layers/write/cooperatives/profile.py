"""A cooperative's public profile: read it (with its ETag) and change some of its fields."""
from __future__ import annotations

from sqlalchemy import text, update

from geo.said import Said
from layers.db.models.agriculture import Cooperative
from layers.write.cooperatives import fields
from layers.write.cooperatives.session import check_version, etag
from layers.write.growing.errors import NotFound

COOPERATIVES = Cooperative.__table__
_ONE = ("SELECT c.id, c.code, c.name, c.commune_code, c.address, c.main_products, c.members, c.founded_year, "
        "c.phone, c.created_at, c.updated_at, ST_AsGeoJSON(c.geom, 7)::json AS geometry, "
        "md5(row_to_json(c)::text) AS digest FROM cooperatives c WHERE c.id = :id")


def what(cooperative_id: int) -> Said:
    return Said(f"cooperative {cooperative_id}", "lots.what.cooperative", id=str(cooperative_id))


async def one(conn, cooperative_id: int, lock: bool = False):
    row = (await conn.execute(text(_ONE + (" FOR UPDATE OF c" if lock else "")), {"id": cooperative_id})).first()
    if row is None:
        raise NotFound(Said(f"no cooperative {cooperative_id}", "lots.error.no_cooperative", id=str(cooperative_id)))
    return row


def feature(row) -> tuple[dict, str]:
    m = dict(row._mapping)
    props = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in m.items()
             if k not in ("id", "geometry", "digest")}
    return ({"type": "Feature", "id": m["id"], "geometry": m["geometry"], "properties": props},
            etag("coop", m["id"], m["digest"]))


async def patch(conn, cooperative_id: int, body, if_match: str | None) -> None:
    """Change the given profile fields; the row is locked, so the digest checked is the one replaced."""
    row = await one(conn, cooperative_id, lock=True)
    check_version(if_match, feature(row)[1], what(cooperative_id))
    values = fields.profile(fields.properties_of(body))
    if values:
        await conn.execute(update(COOPERATIVES).where(COOPERATIVES.c.id == cooperative_id).values(**values))
