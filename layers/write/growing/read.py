"""Staff views of growing areas: every field (private ones included), scope-filtered."""
from __future__ import annotations

import json

from sqlalchemy import text

from geo.said import Said
from layers.write.growing.errors import NotFound
from layers.write.growing.fields import PRIVATE

COLUMNS = ("id", "code", "name", "crop", "variety", "commune_code", "address", "cooperative_id",
           "owner_name", "owner_phone", "households_count", "expected_output_tonnes", "certification",
           "farming_diary", "residue_monitoring", "target_markets", "status", "valid_from", "valid_to",
           "area_ha", "row_version", "status_note", "created_at", "updated_at")
# The personal fields are a private table's (migration 0008), joined for staff only.
SELECT = (", ".join(f"p.{c}" if c in PRIVATE else f"g.{c}" for c in COLUMNS)
          + ", c.province_code, ST_AsGeoJSON(g.geom, 7) AS geometry "
            "FROM growing_areas g LEFT JOIN communes c ON c.code = g.commune_code "
            "LEFT JOIN private.growing_area_private p ON p.growing_area_id = g.id")
# The SQL truth of layers.write.accounts.area_covers for the row's commune.
SCOPE = "(:admin OR g.commune_code = ANY(:areas) OR c.province_code = ANY(:areas))"


def scope_params(user) -> dict:
    return {"admin": user.role == "admin", "areas": list(user.areas)}


def etag(row_id: int, version: int) -> str:
    return f'"ga-{row_id}-{version}"'


PERSONAL = PRIVATE  # hidden from roles that only read (layers.write.growing.access.sees_personal)


def feature(row, personal: bool = True) -> dict:
    m = dict(row._mapping)
    geometry = json.loads(m.pop("geometry"))
    props = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in m.items()
             if k != "id" and (personal or k not in PERSONAL)}
    return {"type": "Feature", "id": m["id"], "geometry": geometry, "properties": props}


async def one(conn, area_id: int, lock: bool = False):
    """The row (with its province), or NotFound; `lock` holds it until the transaction ends."""
    sql = f"SELECT {SELECT} WHERE g.id = :id" + (" FOR UPDATE OF g" if lock else "")
    row = (await conn.execute(text(sql), {"id": area_id})).first()
    if row is None:
        raise NotFound(Said(f"no growing area {area_id}", "errors.api.growing.not_found", id=str(area_id)))
    return row


async def listing(conn, user, status: str | None, commune: str | None, limit: int,
                  personal: bool = True) -> list[dict]:
    sql = f"SELECT {SELECT} WHERE {SCOPE}"
    params = {**scope_params(user), "limit": limit}
    if status:
        sql += " AND g.status = :status"
        params["status"] = status
    if commune:
        sql += " AND g.commune_code = :commune"
        params["commune"] = commune
    sql += " ORDER BY g.updated_at DESC, g.id DESC LIMIT :limit"
    return [feature(r, personal) for r in (await conn.execute(text(sql), params))]
