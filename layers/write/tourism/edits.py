"""Create, change and delete tourism listings (places, routes, events), each checked and version-checked.

A new listing is a draft owned by the promoter who made it (tourism staff may name an owner).
A change to a listing that is not published is saved at once; a promoter's change to a published
listing becomes its pending revision (`revision.propose`) while the published version stays up.
The version check is part of the UPDATE itself (`WHERE row_version = :v`) on a locked row.
"""
from __future__ import annotations

import shapely
import shapely.geometry
from sqlalchemy import delete as sql_delete
from sqlalchemy import func, insert, text
from sqlalchemy import update as sql_update

from geo.area_rules import Problem
from geo.said import Said
from layers.db.models.tourism import TourismEvent, TourismPlace, TourismRoute
from layers.write.growing.errors import BadBody, Conflict, Forbidden, RuleFailure, Stale
from layers.write.tourism import access, read, revision, shapes
from layers.write.tourism.fields import COLUMNS, REQUIRED, clean

TABLES = {"tourism_places": TourismPlace.__table__, "tourism_routes": TourismRoute.__table__,
          "tourism_events": TourismEvent.__table__}
COMMUNE_TOLERANCE_M = 100
DEFAULTS = {"wifi": False, "parking": False, "accessible": False, "season_months": [], "ocop_product_ids": [],
            "cooperative_ids": [], "place_ids": []}


def problem(rule: str, key: str, english: str, where: dict | None = None, **values) -> RuleFailure:
    return RuleFailure([Problem(rule, Said(english, f"tourism_write.problem.{key}", **values), where)])


def feature_parts(body) -> tuple[dict | None, object]:
    if not isinstance(body, dict):
        raise BadBody(Said("the body must be a GeoJSON Feature object", "tourism_write.field.feature_object"))
    if body.get("type", "Feature") != "Feature":
        raise BadBody(Said(f"the body must be a GeoJSON Feature, not a {body.get('type')!r}",
                           "tourism_write.field.feature_type", type=repr(body.get("type"))))
    extra = sorted(k for k in body if k not in ("type", "geometry", "properties", "bbox"))
    if extra:
        raise BadBody(Said(f"{', '.join(extra)} cannot be set in a request (the id is assigned by the server)",
                           "tourism_write.field.feature_members", names=", ".join(extra)))
    return body.get("geometry"), body.get("properties")


async def to_wgs84(conn, table: str, geojson, crs) -> object:
    """The body's geometry as a shapely geometry in WGS 84 (Content-Crs transformed by PostGIS)."""
    srid, lat_first = (crs.srid, crs.lat_first) if crs is not None else (4326, False)
    geom = shapes.geometry(table, geojson, srid, lat_first)
    if srid != 4326:
        raw = (await conn.execute(text("SELECT ST_AsBinary(ST_Transform(ST_GeomFromWKB(:wkb, :srid), 4326))"),
                                  {"wkb": shapes.wkb(geom), "srid": srid})).scalar_one()
        geom = shapely.from_wkb(bytes(raw))
    return geom


def _anchor(geom):
    """The point a listing's commune is decided by: the place, or a route's start."""
    if geom is None or geom.geom_type == "Point":
        return geom
    return shapely.Point(geom.geoms[0].coords[0])


async def commune_of(conn, given: str | None, geom) -> tuple[str, str | None]:
    """The declared commune (which must exist and hold the point, within COMMUNE_TOLERANCE_M) or
    the one holding it; with its province."""
    point = _anchor(geom)
    where = shapely.geometry.mapping(point) if point is not None else None
    if given:
        row = (await conn.execute(text(
            "SELECT code, province_code, CAST(:p AS bytea) IS NULL OR ST_DWithin(geom::geography, "
            "ST_GeomFromWKB(CAST(:p AS bytea), 4326)::geography, :tol) AS near FROM communes WHERE code = :c"),
            {"c": given, "p": shapely.to_wkb(point) if point is not None else None, "tol": COMMUNE_TOLERANCE_M})).first()
        if row is None:
            raise problem("unknown_commune", "unknown_commune", f"no current commune has the code {given}",
                          commune=given)
        if not row.near:
            raise problem("outside_commune", "outside_commune", f"the point lies outside commune {given}", where,
                          commune=given)
        return row.code, row.province_code
    if point is None:
        raise problem("missing_attribute", "required", "commune_code is required", field="commune_code")
    row = (await conn.execute(text(
        "SELECT code, province_code FROM communes WHERE ST_Intersects(geom, ST_GeomFromWKB(:p, 4326)) "
        "ORDER BY code LIMIT 1"), {"p": shapely.to_wkb(point)})).first()
    if row is None:
        raise problem("unknown_commune", "in_no_commune", "the point lies in no commune of this database; check the "
                      "coordinates and their CRS", where)
    return row.code, row.province_code


async def owner_id(conn, name: str | None) -> int | None:
    """The id of the promoter a listing is given to (tourism staff only); 422 for anyone else."""
    if name is None:
        return None
    row = (await conn.execute(text("SELECT id, role, disabled FROM private.users WHERE name = :n"),
                              {"n": name})).first()
    if row is None or row.disabled or row.role != "tourism_promoter":
        raise problem("owner", "owner", f"{name} is not an active tourism promoter account", name=name)
    return row.id


async def check_references(conn, table: str, values: dict) -> None:
    """A route's stops and an event's place must exist (the database checks products and cooperatives)."""
    ids = values.get("place_ids") or []
    if table == "tourism_routes" and ids:
        found = set((await conn.execute(text("SELECT id FROM tourism_places WHERE id = ANY(:ids)"),
                                        {"ids": ids})).scalars())
        missing = [str(i) for i in ids if i not in found]
        if missing:
            raise problem("stops", "stops", f"no tourism place {', '.join(missing)}", ids=", ".join(missing))
    if table == "tourism_events" and values.get("place_id") is not None:
        if (await conn.execute(text("SELECT 1 FROM tourism_places WHERE id = :id"),
                               {"id": values["place_id"]})).first() is None:
            raise problem("reference", "place", f"no tourism place {values['place_id']}", id=str(values["place_id"]))


def check_content(table: str, values: dict) -> None:
    problems = [Problem("missing_attribute", Said(f"{k} is required", "tourism_write.problem.required", field=k))
                for k in REQUIRED[table] if values.get(k) in (None, "")]
    if not values.get("name_vi") and not values.get("name_en"):
        problems.append(Problem("name", Said("a listing needs a name in Vietnamese or English",
                                             "tourism_write.problem.name")))
    if table == "tourism_events" and values.get("starts_on") and values.get("ends_on"):
        if values["ends_on"] < values["starts_on"] or (values["ends_on"] - values["starts_on"]).days > 366:
            problems.append(Problem("dates", Said("an event ends on or after its first day, within a year, between "
                                                  "2000 and 2200", "tourism_write.problem.dates")))
    if problems:
        raise RuleFailure(problems)


async def _place_point(conn, values: dict):
    """An event with no geometry of its own takes its place's point."""
    if values.get("place_id") is None:
        return None
    raw = (await conn.execute(text("SELECT ST_AsBinary(geom) FROM tourism_places WHERE id = :id"),
                              {"id": values["place_id"]})).scalar()
    return shapely.from_wkb(bytes(raw)) if raw is not None else None


def geom_value(table: str, geom):
    wkb = func.ST_GeomFromWKB(shapely.to_wkb(geom), 4326)
    return func.ST_Multi(wkb) if table == "tourism_routes" else wkb


def _owner_field(user, values: dict) -> str | None:
    if "owner" not in values:
        return None
    if not access.is_moderator(user):
        raise Forbidden(Said("only tourism staff give a listing to another owner", "tourism_write.error.owner_staff"))
    return values.pop("owner") or ""


async def create(conn, user, table: str, body, crs=None) -> int:
    """Insert a draft; returns its id."""
    access.check_role(user)
    geometry, props = feature_parts(body)
    values = {**{k: v for k, v in DEFAULTS.items() if k in COLUMNS[table]}, **clean(table, props)}
    owner = _owner_field(user, values)
    check_content(table, values)
    await check_references(conn, table, values)
    geom = await to_wgs84(conn, table, geometry, crs) if geometry is not None else None
    if geom is None and table == "tourism_events":
        geom = await _place_point(conn, values)
    if geom is None:
        raise problem("geometry_invalid", "no_geometry", "the feature has no geometry")
    values["commune_code"], province = await commune_of(conn, values.get("commune_code"), geom)
    if not access.in_scope(user, values["commune_code"], province):
        raise Forbidden(Said(f"commune {values['commune_code']} is outside the areas of {user.name}",
                             "tourism_write.error.commune_outside", commune=values["commune_code"], name=user.name))
    if access.is_moderator(user):  # staff's listings belong to nobody until given to a promoter
        owner_id_ = await owner_id(conn, owner or None) if owner else None
    else:
        owner_id_ = await access.user_id(conn, user)
    t = TABLES[table]
    stmt = insert(t).values(**values, status="draft", owner_id=owner_id_, geom=geom_value(table, geom)).returning(t.c.id)
    return (await conn.execute(stmt)).scalar_one()


async def update(conn, user, table: str, listing_id: int, body, if_match: str | None, crs=None) -> None:
    """PATCH: merge the body into the listing (or into its pending revision when it is published
    and the editor is its promoter)."""
    item = await access.check_edit(conn, user, table, listing_id)
    version = access.check_version(if_match, item)
    geometry, props = feature_parts(body)
    given = clean(table, props)
    owner = _owner_field(user, given)
    current_row = await read.row(conn, table, listing_id)
    current = {k: getattr(current_row, k) for k in COLUMNS[table]}
    proposal = revision.proposed(current_row) if item.status == "published" and not access.is_moderator(user) else {}
    values = {**current, **proposal.get("properties", {}), **given}
    check_content(table, values)
    await check_references(conn, table, values)
    geom = await to_wgs84(conn, table, geometry, crs) if geometry is not None else None
    if geom is not None or values["commune_code"] != current["commune_code"]:
        anchor = geom if geom is not None else revision.geometry_of(proposal) or await _current_geom(conn, table, listing_id)
        declared = values["commune_code"] if "commune_code" in given else None
        values["commune_code"], province = await commune_of(conn, declared, anchor)
        if not access.in_scope(user, values["commune_code"], province):
            raise Forbidden(Said(f"commune {values['commune_code']} is outside the areas of {user.name}",
                                 "tourism_write.error.commune_outside", commune=values["commune_code"], name=user.name))
    if item.status == "published" and not access.is_moderator(user):
        await revision.propose(conn, table, item, version, current, values, geom, user)
        return
    changes = {k: v for k, v in values.items() if v != current[k]}
    if owner is not None:
        changes["owner_id"] = await owner_id(conn, owner or None)
    if geom is not None:
        changes["geom"] = geom_value(table, geom)
    t = TABLES[table]
    stmt = sql_update(t).where(t.c.id == listing_id, t.c.row_version == version).values(**changes).returning(t.c.id)
    if (await conn.execute(stmt)).first() is None:
        raise Stale(Said(f"{access.what(table, listing_id)} changed while this request ran; read it again",
                         "tourism_write.error.changed_meanwhile", what=access.what(table, listing_id)))


async def _current_geom(conn, table: str, listing_id: int):
    raw = (await conn.execute(text(f"SELECT ST_AsBinary(geom) FROM {access.table_of(table)} WHERE id = :id"),
                              {"id": listing_id})).scalar_one()
    return shapely.from_wkb(bytes(raw))


async def delete(conn, user, table: str, listing_id: int, if_match: str | None) -> None:
    """Only a draft is deleted; a listing that was ever submitted is unpublished instead."""
    item = await access.check_edit(conn, user, table, listing_id)
    if item.status != "draft":
        raise Conflict(Said(f"{access.what(table, listing_id)} is {item.status}: only a draft is deleted "
                            "(unpublish a published listing)", "tourism_write.error.delete_draft",
                            what=access.what(table, listing_id), status=item.status))
    version = access.check_version(if_match, item)
    t = TABLES[table]
    done = await conn.execute(sql_delete(t).where(t.c.id == listing_id, t.c.row_version == version).returning(t.c.id))
    if done.first() is None:
        raise Stale(Said(f"{access.what(table, listing_id)} changed while this request ran; read it again",
                         "tourism_write.error.changed_meanwhile", what=access.what(table, listing_id)))
