"""Staff views of household points: the public address with its campaign state, and, only when
asked by someone who may see them, the personal fields (each such read is recorded)."""
from __future__ import annotations

from sqlalchemy import bindparam, text

from geo.said import Said
from layers.write.growing.errors import NotFound
from layers.write.households.fields import PRIVATE

COLUMNS = ("h.id, h.address_code, h.plus_code, h.village_id, v.name AS village_name, h.commune_code, "
           "c.province_code, c.name_vi AS commune_name, h.status, h.verified_at, h.retired_at, h.successor_code, "
           "h.row_version, h.created_at, h.updated_at, ST_X(h.geom) AS lon, ST_Y(h.geom) AS lat")
FROM = ("FROM households h LEFT JOIN communes c ON c.code = h.commune_code "
        "LEFT JOIN villages v ON v.id = h.village_id")
MAX_LIST = 10_000


def etag(household_id: int, version: int) -> str:
    return f'"hh-{household_id}-{version}"'


def not_found(what) -> NotFound:
    return NotFound(Said(f"no household {what}", "addresses_field.error.not_found", what=str(what)))


async def one(conn, household_id: int, lock: bool = False):
    sql = f"SELECT {COLUMNS} {FROM} WHERE h.id = :id" + (" FOR UPDATE OF h" if lock else "")
    row = (await conn.execute(text(sql), {"id": household_id})).first()
    if row is None:
        raise not_found(household_id)
    return row


async def by_code(conn, code: str, lock: bool = False):
    sql = f"SELECT {COLUMNS} {FROM} WHERE h.address_code = :code" + (" FOR UPDATE OF h" if lock else "")
    row = (await conn.execute(text(sql), {"code": code})).first()
    if row is None:
        raise not_found(code)
    return row


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def feature(row) -> dict:
    """A GeoJSON Feature of the public address and its campaign state (no personal field)."""
    props = {k: _iso(getattr(row, k)) for k in (
        "address_code", "plus_code", "village_id", "village_name", "commune_code", "commune_name", "status",
        "verified_at", "retired_at", "successor_code", "row_version", "updated_at")}
    props["verified"] = row.verified_at is not None
    props["etag"] = etag(row.id, row.row_version)
    return {"type": "Feature", "id": row.id, "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]},
            "properties": props}


async def personal(conn, household_id: int) -> dict:
    row = (await conn.execute(text(f"SELECT {', '.join(PRIVATE)} FROM private.household_private "
                                   "WHERE household_id = :id"), {"id": household_id})).first()
    return dict.fromkeys(PRIVATE) if row is None else dict(row._mapping)


async def listing(conn, commune: str, bbox: tuple[float, float, float, float] | None, retired: bool,
                  limit: int) -> tuple[list[dict], bool]:
    """A commune's points (newest edits last), at most `limit`; True when there were more."""
    sql = f"SELECT {COLUMNS} {FROM} WHERE h.commune_code = :commune"
    params: dict = {"commune": commune, "limit": limit + 1}
    if not retired:
        sql += " AND h.status = 'active'"
    if bbox is not None:
        sql += " AND h.geom && ST_MakeEnvelope(:w, :s, :e, :n, 4326)"
        params.update(zip("wsen", bbox))
    sql += " ORDER BY h.id LIMIT :limit"
    rows = list(await conn.execute(text(sql), params))
    return [feature(r) for r in rows[:limit]], len(rows) > limit


async def versions(conn, ids: list[int]) -> dict[int, int]:
    stmt = text("SELECT id, row_version FROM households WHERE id IN :ids").bindparams(bindparam("ids", expanding=True))
    return {r.id: r.row_version for r in await conn.execute(stmt, {"ids": ids})} if ids else {}


_COMMUNES = ("SELECT code, province_code, name_vi, name_en, ST_XMin(e) AS w, ST_YMin(e) AS s, ST_XMax(e) AS e, "
             "ST_YMax(e) AS n FROM (SELECT code, province_code, name_vi, name_en, ST_Envelope(geom) AS e "
             "FROM communes) c")


def _commune(row) -> dict:
    return {"code": row.code, "province_code": row.province_code, "name_vi": row.name_vi, "name_en": row.name_en,
            "bbox": [row.w, row.s, row.e, row.n]}


async def commune(conn, code: str) -> dict:
    row = (await conn.execute(text(f"{_COMMUNES} WHERE code = :code"), {"code": code})).first()
    if row is None:
        raise NotFound(Said(f"no current commune has the code {code}", "addresses_field.error.no_commune", code=code))
    return _commune(row)


async def communes_of(conn, user) -> list[dict]:
    """The communes a user's areas cover, by code (admin: all)."""
    sql = f"{_COMMUNES} WHERE (:admin OR code = ANY(:areas) OR province_code = ANY(:areas)) ORDER BY code"
    rows = await conn.execute(text(sql), {"admin": user.role == "admin", "areas": list(user.areas)})
    return [_commune(r) for r in rows]
