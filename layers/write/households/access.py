"""Who may place and change household points, where, and the record of every access to the
personal fields (private.household_access: who, when, read/edit/export, which households).

Writers are the existing staff roles: `commune_staff` in its communes, `province_staff` in its
provinces, `admin` everywhere; a point is in scope when a commune of the user holds it up to the
growing areas' border tolerance (`NTM_GROWING_COMMUNE_TOLERANCE_M`, 50 m), so a house on the
line, or a GPS fix a few metres off, is not refused.
"""
from __future__ import annotations

from sqlalchemy import text

from geo.area_rules import Problem
from geo.said import Said
from layers.write.accounts import area_covers
from layers.write.growing.errors import Forbidden, PreconditionRequired, RuleFailure, Stale
from layers.write.households.read import etag

WRITERS = ("commune_staff", "province_staff", "admin")
_CANDIDATES = text(
    "WITH p AS (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS g) "
    "SELECT c.code, c.province_code, ST_Intersects(c.geom, p.g) AS inside "
    "FROM communes c, p WHERE ST_DWithin(c.geom, p.g, :degrees) "
    "AND ST_DWithin(c.geom::geography, p.g::geography, :metres) "
    "ORDER BY ST_Intersects(c.geom, p.g) DESC, ST_Distance(c.geom::geography, p.g::geography), c.code")
_LOG = text(
    "INSERT INTO private.household_access (actor, user_id, action, household_ids, what) "
    "VALUES (:actor, (SELECT id FROM private.users WHERE name = :actor), :action, :ids, :what)")


def may_write(user) -> None:
    if user.role not in WRITERS:
        raise Forbidden(Said(f"a {user.role} may not place or change household addresses",
                             "addresses_field.error.role", role=user.role))


def sees_personal(user) -> bool:
    return user.role in WRITERS


def covers(user, commune: str, province: str | None) -> bool:
    return area_covers(user.areas, commune, province, user.role)


def _areas(user) -> str:
    return ", ".join(user.areas) or "-"


def check_scope(user, row) -> None:
    if not covers(user, row.commune_code, row.province_code):
        raise Forbidden(Said(f"household {row.address_code} is in commune {row.commune_code}, outside the areas of "
                             f"{user.name} ({_areas(user)})", "addresses_field.error.outside_scope",
                             code=row.address_code, commune=row.commune_code, name=user.name, areas=_areas(user)))


async def commune_for(conn, user, lon: float, lat: float, tolerance_m: float) -> str:
    """The user's commune holding the point (up to the tolerance); 403 when the point is another
    commune's, 422 when no commune of this database is near it."""
    rows = list(await conn.execute(_CANDIDATES, {"lon": lon, "lat": lat, "metres": tolerance_m,
                                                 "degrees": tolerance_m / 100_000 + 0.001}))
    for row in rows:
        if covers(user, row.code, row.province_code):
            return row.code
    where = {"type": "Point", "coordinates": [lon, lat]}
    if rows:
        raise Forbidden(Said(f"the point is in commune {rows[0].code}, more than {tolerance_m:g} m outside the areas "
                             f"of {user.name} ({_areas(user)})", "addresses_field.error.point_outside",
                             commune=rows[0].code, m=tolerance_m, name=user.name, areas=_areas(user)))
    raise RuleFailure([Problem("in_no_commune", Said("the point lies in no commune of this database",
                                                     "addresses_field.problem.no_commune"), where)])


def require_if_match(value: str | None, household_id: int | None = None) -> str:
    if not value:
        raise PreconditionRequired(Said("send If-Match with the ETag you read (GET /staff/api/households/{id}), so "
                                        "a change made meanwhile is not overwritten", "addresses_field.error.if_match"))
    return value


def check_version(if_match: str, row) -> int:
    current = etag(row.id, row.row_version)
    tags = [t.strip().removeprefix("W/") for t in if_match.split(",")]
    if "*" not in tags and current not in tags:
        raise Stale(Said(f"household {row.address_code} has changed since you read it (now {current}); read it "
                         "again and re-apply your change", "addresses_field.error.stale", code=row.address_code,
                         etag=current))
    return row.row_version


async def record(conn, user, action: str, ids: list[int], what: str | None = None) -> None:
    """One line of the access record, in the caller's transaction (a write and its record commit
    together; a read records on its own)."""
    if ids:
        await conn.execute(_LOG, {"actor": user.name, "action": action, "ids": sorted(set(ids)), "what": what})
