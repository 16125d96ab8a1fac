"""Address coverage per village and commune (issue 16): households in the register against
households with a verified point and code.

* `points`: active households (a point with its address code); `verified`: those whose point
  and code staff checked on the ground (`verified_at`).
* `register`: rows of the commune's newest register matched to the village, duplicates left out;
  `unplaced`: those rows not yet paired with a point (what staff still have to place).
* `target`: the households the village should have: the register's when the commune has one (or
  the verified points when more were verified than the register lists), else the points.
  `share` = verified / target, in percent.

Counts of address points are public (an address is public); the register's counts are derived
from personal data, so public uses (open data, the map) hide a village's or commune's figures
when a count is below `min_count`, as layers.jobs.opendata.privacy does. Staff see them whole.
"""
from __future__ import annotations

import sqlalchemy as sa

_BASE = """
WITH reg AS (SELECT DISTINCT ON (commune_code) id, commune_code FROM private.household_registers
             ORDER BY commune_code, id DESC),
rr AS (SELECT r.village_id, count(*) AS register, count(*) FILTER (WHERE r.household_id IS NULL) AS unplaced
       FROM private.household_register_rows r JOIN reg ON reg.id = r.register_id
       WHERE r.duplicate_of IS NULL AND r.village_id IS NOT NULL GROUP BY r.village_id),
hh AS (SELECT village_id, count(*) AS points, count(*) FILTER (WHERE verified_at IS NOT NULL) AS verified
       FROM households WHERE status = 'active' AND village_id IS NOT NULL GROUP BY village_id),
v AS (SELECT v.id, v.code, v.name, v.commune_code, coalesce(hh.points, 0) AS points,
             coalesce(hh.verified, 0) AS verified, coalesce(rr.register, 0) AS register,
             coalesce(rr.unplaced, 0) AS unplaced, reg.id IS NOT NULL AS has_register
      FROM villages v LEFT JOIN hh ON hh.village_id = v.id LEFT JOIN rr ON rr.village_id = v.id
      LEFT JOIN reg ON reg.commune_code = v.commune_code)
"""
_TARGET = "CASE WHEN has_register THEN greatest(register, verified) ELSE points END"
_SHARE = f"CASE WHEN ({_TARGET}) > 0 THEN round(100.0 * verified / ({_TARGET}), 1)::float END"
VILLAGES = _BASE + f"""
SELECT id, code, name, commune_code, points, verified, register, unplaced, has_register,
       {_TARGET} AS target, {_SHARE} AS share
FROM v {{where}} ORDER BY {_SHARE} NULLS FIRST, code"""
COMMUNES = _BASE + f"""
SELECT commune_code, sum(points)::int AS points, sum(verified)::int AS verified, sum(register)::int AS register,
       sum(unplaced)::int AS unplaced, bool_or(has_register) AS has_register, sum({_TARGET})::int AS target,
       CASE WHEN sum({_TARGET}) > 0 THEN round(100.0 * sum(verified) / sum({_TARGET}), 1)::float END AS share
FROM v {{where}} GROUP BY commune_code ORDER BY commune_code"""
INT = sa.Integer


def village_counts() -> sa.Subquery:
    """key (village id), households (the target), with_code (verified): for the open-data indicators,
    which suppress small counts themselves."""
    return sa.text(_BASE + f"SELECT id AS key, ({_TARGET})::int AS households, verified::int AS with_code FROM v") \
        .columns(sa.column("key", INT), sa.column("households", INT), sa.column("with_code", INT)).subquery("cov_v")


def commune_counts() -> sa.Subquery:
    return sa.text(_BASE + f"SELECT commune_code AS key, sum({_TARGET})::int AS households, "
                           "sum(verified)::int AS with_code FROM v GROUP BY commune_code") \
        .columns(sa.column("key", sa.String), sa.column("households", INT), sa.column("with_code", INT)) \
        .subquery("cov_c")


def hidden(row: dict, min_count: int) -> bool:
    """A figure derived from the register that is small enough to point at a family."""
    return bool(row["has_register"]) and (0 < row["register"] < min_count or 0 < row["unplaced"] < min_count)


def public(row: dict, min_count: int) -> dict:
    """A row as the public may see it: register-derived figures hidden when small."""
    if not hidden(row, min_count):
        return row
    return {**row, "register": None, "unplaced": None, "target": None, "share": None}


async def villages(conn, communes: list[str] | None = None) -> list[dict]:
    """Every village (of `communes` when given), least covered first."""
    where, params = ("WHERE commune_code = ANY(:communes)", {"communes": communes}) if communes is not None else ("", {})
    return [dict(r._mapping) for r in await conn.execute(sa.text(VILLAGES.format(where=where)), params)]


async def communes(conn, communes: list[str] | None = None) -> list[dict]:
    where, params = ("WHERE commune_code = ANY(:communes)", {"communes": communes}) if communes is not None else ("", {})
    return [dict(r._mapping) for r in await conn.execute(sa.text(COMMUNES.format(where=where)), params)]


_UNPLACED = sa.text("""
WITH reg AS (SELECT DISTINCT ON (commune_code) id, commune_code FROM private.household_registers
             WHERE commune_code = :commune ORDER BY commune_code, id DESC)
SELECT r.register_id, r.row_number, r.village_text, r.head_name, r.address_text, r.match, v.name AS village
FROM private.household_register_rows r JOIN reg ON reg.id = r.register_id LEFT JOIN villages v ON v.id = r.village_id
WHERE r.household_id IS NULL AND r.duplicate_of IS NULL
ORDER BY v.name NULLS FIRST, r.row_number LIMIT :limit""")
_RECORD = sa.text("""
    INSERT INTO private.household_access (actor, user_id, action, household_ids, what)
    VALUES (:actor, (SELECT id FROM private.users WHERE name = :actor), 'read', '{}', :what)""")


async def unplaced(conn, commune: str, actor: str, limit: int = 200) -> list[dict]:
    """The commune's register rows not placed yet (personal data: the read is recorded)."""
    rows = [dict(r._mapping) for r in await conn.execute(_UNPLACED, {"commune": commune, "limit": limit})]
    if rows:
        await conn.execute(_RECORD, {"actor": actor, "what": f"unplaced register rows of commune {commune} "
                                                            f"(register {rows[0]['register_id']}, {len(rows)} rows)"})
    return rows


async def register_commune(conn, register_id: int) -> str | None:
    return (await conn.execute(sa.text("SELECT commune_code FROM private.household_registers WHERE id = :id"),
                               {"id": register_id})).scalar()


_GEOJSON = sa.text(_BASE + """,
c AS (SELECT commune_code, sum(verified) AS verified, sum(CASE WHEN has_register THEN greatest(register, verified)
                                                          ELSE points END) AS target,
             bool_or(has_register) AS has_register, sum(register) AS register, sum(unplaced) AS unplaced
      FROM v GROUP BY commune_code)
SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
    'type', 'Feature', 'id', m.code,
    'geometry', ST_AsGeoJSON(ST_SimplifyPreserveTopology(m.geom, 0.0005), 5)::json,
    'properties', json_build_object(
        'code', m.code, 'name_vi', m.full_name_vi, 'name_en', coalesce(m.full_name_en, m.full_name_vi),
        'verified', c.verified, 'households', CASE WHEN hide THEN NULL ELSE c.target END,
        'share', CASE WHEN hide OR coalesce(c.target, 0) = 0 THEN NULL
                      ELSE round(100.0 * c.verified / c.target, 1) END)) ORDER BY m.code), '[]'::json))::text
FROM communes m LEFT JOIN c ON c.commune_code = m.code
CROSS JOIN LATERAL (SELECT coalesce(c.has_register, false) AND (c.register BETWEEN 1 AND :min - 1
                           OR c.unplaced BETWEEN 1 AND :min - 1) AS hide) s
""")


async def communes_geojson(conn, min_count: int) -> str:
    """Every commune's coverage as GeoJSON for the map's theme: public figures only (counts from a
    register under `min_count` hidden, with the share they would reveal)."""
    return (await conn.execute(_GEOJSON, {"min": min_count})).scalar()
