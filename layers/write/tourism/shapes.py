"""A listing's geometry from a request: a point (place, event) or a line (route), checked cheaply.

The body is at most a few MB (api.routes.growing_areas.read_json) and a route at most
MAX_VERTICES vertices, counted before anything is built, so no check here is expensive; big
tracks come in as GPX/KML files, which are simplified on import (issue 14, part 5).
A Content-Crs other than CRS84 is transformed by PostGIS in the write's own statement.
"""
from __future__ import annotations

import math

import shapely
import shapely.geometry
import shapely.ops

from geo.area_rules import Problem
from geo.said import Said
from layers.write.growing.errors import RuleFailure

MAX_VERTICES = 10_000
KIND = {"tourism_places": "Point", "tourism_routes": "LineString", "tourism_events": "Point"}


def _fail(key: str, english: str, **values) -> RuleFailure:
    return RuleFailure([Problem("geometry_invalid", Said(english, f"tourism_write.problem.{key}", **values))])


def _positions(coords, depth: int) -> list:
    """The coordinate pairs of a (Multi)LineString or Point, or a 422 when the nesting is wrong."""
    if depth == 0:
        return [coords]
    if not isinstance(coords, list):
        raise _fail("coordinates", "the geometry's coordinates are not finite numbers")
    out = []
    for c in coords:
        out.extend(_positions(c, depth - 1))
        if len(out) > MAX_VERTICES:
            raise _fail("vertices", f"a route has at most {MAX_VERTICES:,} points; import a GPX or KML file "
                        "to have a longer track simplified", max=MAX_VERTICES)
    return out


def geometry(table: str, geojson, srid: int = 4326, lat_first: bool = False):
    """A shapely geometry in the CRS it came in (a MultiLineString for routes), or a 422."""
    if not isinstance(geojson, dict) or not isinstance(geojson.get("type"), str):
        raise _fail("object", "the geometry must be a GeoJSON object")
    want = KIND[table]
    kind = geojson["type"]
    allowed = ("Point",) if want == "Point" else ("LineString", "MultiLineString")
    if kind not in allowed:
        raise _fail("type", f"the geometry must be a {' / '.join(allowed)}, not a {kind}",
                    allowed=" / ".join(allowed), type=kind)
    depth = {"Point": 0, "LineString": 1, "MultiLineString": 2}[kind]
    for pos in _positions(geojson.get("coordinates"), depth):
        if (not isinstance(pos, list) or len(pos) not in (2, 3)
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in pos)):
            raise _fail("coordinates", "the geometry's coordinates are not finite numbers")
        if srid == 4326:
            lon, lat = (pos[1], pos[0]) if lat_first else (pos[0], pos[1])
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise _fail("lonlat", "the coordinates are not longitude/latitude (send Content-Crs for other systems)")
    geom = shapely.geometry.shape(geojson)
    geom = shapely.force_2d(geom)
    if lat_first:  # stored x = longitude (or easting) whatever the CRS's axis order
        geom = shapely.ops.transform(lambda x, y: (y, x), geom)
    if want == "LineString":
        lines = [geom] if geom.geom_type == "LineString" else list(geom.geoms)
        if not lines or any(shapely.get_num_coordinates(line) < 2 or line.length == 0 for line in lines):
            raise _fail("line", "each line of a route needs at least two different points")
        geom = shapely.MultiLineString(lines)
    return geom


def wkb(geom) -> bytes:
    return shapely.to_wkb(geom)
