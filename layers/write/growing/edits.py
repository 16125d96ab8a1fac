"""Create, replace, patch and delete growing areas, each validated and version-checked.

The version check is part of the UPDATE/DELETE itself (`WHERE row_version = :v`), and the row is
locked first, so two editors holding the same ETag cannot both win. Overlap and commune rules
are enforced again by the database trigger inside the same statement (migration 0005).
"""
from __future__ import annotations

import shapely

from sqlalchemy import delete as sql_delete
from sqlalchemy import func, insert, text
from sqlalchemy import update as sql_update

from geo import lifecycle
from geo.area_rules import Problem, check_attributes, check_minimum
from geo.ogc_crs import OgcCRS
from geo.said import Said
from layers.db.models.agriculture import GrowingArea
from layers.write.growing import access, personal, read, shapes
from layers.write.growing.errors import BadBody, Forbidden, RuleFailure, Stale
from layers.write.growing.fields import DEFAULTS, PRIVATE, WRITABLE, clean
from layers.write.growing.session import where_of

AREAS = GrowingArea.__table__


def _geom(geom):
    return func.ST_Multi(func.ST_GeomFromWKB(shapely.to_wkb(geom), 4326))


def _feature_parts(body) -> tuple[dict | None, object]:
    if not isinstance(body, dict):
        raise BadBody(Said("the body must be a GeoJSON Feature object", "errors.api.growing.feature_object"))
    if body.get("type", "Feature") != "Feature":
        raise BadBody(Said(f"the body must be a GeoJSON Feature, not a {body.get('type')!r}",
                           "errors.api.growing.feature_type", type=repr(body.get("type"))))
    extra = sorted(k for k in body if k not in ("type", "geometry", "properties", "bbox"))
    if extra:
        raise BadBody(Said(f"{', '.join(extra)} cannot be set in a request (the id is assigned by the server)",
                           "errors.api.growing.feature_members", names=", ".join(extra)))
    return body.get("geometry"), body.get("properties")


async def _commune_of(conn, values: dict, geom) -> tuple[str, str | None]:
    """The declared commune (must exist) or the one holding the area; with its province."""
    if values.get("commune_code"):
        row = (await conn.execute(text("SELECT code, province_code FROM communes WHERE code = :c"),
                                  {"c": values["commune_code"]})).first()
        if row is None:
            raise RuleFailure([Problem("unknown_commune", f"no current commune has the code {values['commune_code']}")])
        return row.code, row.province_code
    if geom is None:
        raise RuleFailure([Problem("missing_attribute", "commune_code is required")])
    row = (await conn.execute(text(
        "SELECT code, province_code FROM communes WHERE ST_Intersects(geom, ST_PointOnSurface(ST_GeomFromWKB(:wkb, 4326))) "
        "ORDER BY code LIMIT 1"), {"wkb": shapely.to_wkb(geom)})).first()
    if row is None:
        raise RuleFailure([Problem("unknown_commune", "the area lies in no commune of this database; "
                                   "check the coordinates and their CRS", where_of(geom))])
    return row.code, row.province_code


def _validate(values: dict, checked, area_ha: float | None, settings) -> list[Problem]:
    problems = list(checked.problems) if checked is not None else []
    problems += check_attributes(values)
    geom = checked.geom if checked is not None else None
    if area_ha is not None and not any(p.rule in ("geometry_invalid", "wrong_crs") for p in problems):
        problems += check_minimum(values.get("crop"), area_ha, shapes.limits_of(settings), geom)
    return problems


def _params(values: dict) -> tuple[dict, dict]:
    """The public columns' values and the personal ones (layers.write.growing.personal)."""
    every = {k: values.get(k, DEFAULTS.get(k)) for k in WRITABLE}
    return ({k: v for k, v in every.items() if k not in PRIVATE},
            {k: v for k, v in every.items() if k in PRIVATE})


async def create(conn, user, body, settings, crs: OgcCRS | None = None) -> tuple[int, str | None]:
    """Insert a draft; returns (id, what repair did or None)."""
    if not lifecycle.may_create(user.role):
        raise Forbidden(Said(f"a {user.role} may not register growing areas", "errors.api.growing.may_not_create",
                             role=user.role))
    geometry, props = _feature_parts(body)
    values = {**DEFAULTS, **clean(props)}
    if geometry is None:
        raise RuleFailure([Problem("geometry_invalid", "the feature has no geometry")])
    checked = await shapes.checked(geometry, crs, settings)
    problems = _validate(values, checked, checked.area_ha if checked.geom is not None else None, settings)
    if problems:
        raise RuleFailure(problems)
    values["commune_code"], province = await _commune_of(conn, values, checked.geom)
    if not access.covers(user, values["commune_code"], province):
        raise Forbidden(access.outside(values["commune_code"], user))
    public, private = _params(values)
    stmt = insert(AREAS).values(**public, status="draft", geom=_geom(checked.geom)).returning(AREAS.c.id)
    new_id = (await conn.execute(stmt)).scalar_one()
    await personal.save(conn, new_id, private)
    return new_id, checked.repaired


async def update(conn, user, area_id: int, body, if_match: str | None, settings,
                 crs: OgcCRS | None = None, partial: bool = False) -> str | None:
    """PUT (partial=False: the body is the whole new record) or PATCH (merge); returns repair note."""
    row = await read.one(conn, area_id, lock=True)
    access.check_edit(user, row)
    version = access.check_version(if_match, row)
    geometry, props = _feature_parts(body)
    current = {k: getattr(row, k) for k in WRITABLE}
    values = {**current, **clean(props)} if partial else {**DEFAULTS, **clean(props)}
    if geometry is None and not partial:
        raise RuleFailure([Problem("geometry_invalid", "the feature has no geometry (PUT replaces the whole area)")])
    checked = await shapes.checked(geometry, crs, settings) if geometry is not None else None
    if checked is not None and checked.geom is None:
        raise RuleFailure(checked.problems)
    area_ha = checked.area_ha if checked is not None else row.area_ha
    problems = _validate(values, checked, area_ha, settings)
    if problems:
        raise RuleFailure(problems)
    if not values.get("commune_code"):
        values["commune_code"] = row.commune_code
    if values["commune_code"] != row.commune_code:
        code, province = await _commune_of(conn, values, None)
        if not access.covers(user, code, province):
            raise Forbidden(Said(f"commune {code} is outside the areas of {user.name}", "errors.api.growing.commune_outside",
                                 commune=code, name=user.name))
    changes, private = _params(values)
    if checked is not None:
        changes["geom"] = _geom(checked.geom)
    stmt = (sql_update(AREAS).where(AREAS.c.id == area_id, AREAS.c.row_version == version)
            .values(**changes).returning(AREAS.c.row_version))
    if (await conn.execute(stmt)).first() is None:
        raise Stale(Said(f"growing area {area_id} changed while this request ran; read it again",
                         "errors.api.growing.changed_meanwhile", id=str(area_id)))
    await personal.save(conn, area_id, private)
    return checked.repaired if checked is not None else None


async def delete(conn, user, area_id: int, if_match: str | None) -> None:
    row = await read.one(conn, area_id, lock=True)
    access.check_delete(user, row)
    version = access.check_version(if_match, row)
    done = await conn.execute(sql_delete(AREAS).where(AREAS.c.id == area_id, AREAS.c.row_version == version)
                              .returning(AREAS.c.id))
    if done.first() is None:
        raise Stale(Said(f"growing area {area_id} changed while this request ran; read it again",
                         "errors.api.growing.changed_meanwhile", id=str(area_id)))
