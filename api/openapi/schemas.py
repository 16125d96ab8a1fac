"""Schemas and security schemes of the OpenAPI definition (components), after OGC's building blocks.

The shapes follow OGC API - Features Part 1 (landingPage, confClasses, collections, collection,
featureCollectionGeoJSON, featureGeoJSON, exception) and Tiles, loosened where ntm-map adds
members (every object allows more). They are checked against real responses by schemathesis's
response_schema_conformance (tests/api/test_fuzz.py), so they say what the server sends.
"""
from __future__ import annotations

from api.auth import CSRF_HEADER, SESSION_COOKIE


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _array(items: dict, **extra) -> dict:
    return {"type": "array", "items": items, **extra}


STRING, INTEGER, NUMBER = {"type": "string"}, {"type": "integer"}, {"type": "number"}
LINKS = _array(ref("link"))
BBOX = _array(NUMBER, minItems=4, maxItems=6)
GEOMETRY_TYPES = ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
                  "GeometryCollection"]

SCHEMAS: dict[str, dict] = {
    "exception": {
        "type": "object", "required": ["code", "description"],
        "description": "Every error: an OGC-style code, what was wrong, and the HTTP status. A failed "
                       "growing-area rule adds rule, where and errors; a refused upload adds report.",
        "properties": {"code": STRING, "description": STRING, "status": INTEGER},
    },
    "link": {
        "type": "object", "required": ["href", "rel"],
        "properties": {"href": STRING, "rel": STRING, "type": STRING, "title": STRING, "hreflang": STRING,
                       "templated": {"type": "boolean"}},
    },
    "landingPage": {
        "type": "object", "required": ["links"],
        "properties": {"title": STRING, "description": STRING, "links": LINKS},
    },
    "confClasses": {
        "type": "object", "required": ["conformsTo"],
        "properties": {"conformsTo": _array(STRING)},
    },
    "extent": {
        "type": "object",
        "properties": {
            "spatial": {"type": "object", "properties": {"bbox": _array(BBOX, minItems=1), "crs": STRING}},
            "temporal": {"type": "object", "properties": {
                "interval": _array(_array({"type": "string", "nullable": True}, minItems=2, maxItems=2), minItems=1),
                "trs": STRING}},
        },
    },
    "collection": {
        "type": "object", "required": ["id", "links"],
        "properties": {"id": STRING, "title": STRING, "description": STRING, "links": LINKS,
                       "extent": ref("extent"), "itemType": STRING, "crs": _array(STRING), "storageCrs": STRING},
    },
    "collections": {
        "type": "object", "required": ["links", "collections"],
        "properties": {"links": LINKS, "collections": _array(ref("collection"))},
    },
    "geometryGeoJSON": {
        "type": "object", "required": ["type"],
        "properties": {"type": {"type": "string", "enum": GEOMETRY_TYPES}, "coordinates": {"type": "array"},
                       "geometries": _array(ref("geometryGeoJSON"))},
    },
    "featureGeoJSON": {
        "type": "object", "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"oneOf": [STRING, INTEGER]},
            "geometry": {"type": "object", "nullable": True, "required": ["type"],  # no allOf: 3.0's nullable
                         "properties": {"type": {"type": "string", "enum": GEOMETRY_TYPES},  # needs a type beside it
                                        "coordinates": {"type": "array"},
                                        "geometries": _array(ref("geometryGeoJSON"))}},
            "properties": {"type": "object", "nullable": True},
            "bbox": BBOX,
            "links": LINKS,
        },
    },
    "featureCollectionGeoJSON": {
        "type": "object", "required": ["type", "features"],
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "features": _array(ref("featureGeoJSON")),
            "links": LINKS,
            "timeStamp": {"type": "string", "format": "date-time"},
            "numberMatched": {"type": "integer", "minimum": 0},
            "numberReturned": {"type": "integer", "minimum": 0},
        },
    },
    "queryables": {
        "type": "object", "required": ["type", "properties"],
        "description": "JSON Schema (2020-12) of the properties a filter, sortby or a property "
                       "parameter may name",
        "properties": {"$schema": STRING, "$id": STRING, "type": {"type": "string", "enum": ["object"]},
                       "title": STRING, "properties": {"type": "object"},
                       "additionalProperties": {"type": "boolean"}},
    },
    "tileSet": {
        "type": "object", "required": ["dataType", "crs", "links"],
        "properties": {"title": STRING, "dataType": {"type": "string", "enum": ["map", "vector", "coverage"]},
                       "crs": STRING, "tileMatrixSetURI": STRING, "links": LINKS,
                       "boundingBox": {"type": "object"}, "layers": _array({"type": "object"})},
    },
    "tileSetsList": {
        "type": "object", "required": ["tilesets"],
        "properties": {"links": LINKS, "tilesets": _array(ref("tileSet"))},
    },
    "tileMatrixSets": {
        "type": "object", "required": ["tileMatrixSets"],
        "properties": {"links": LINKS, "tileMatrixSets": _array({
            "type": "object", "required": ["id", "links"],
            "properties": {"id": STRING, "title": STRING, "uri": STRING, "crs": STRING, "links": LINKS}})},
    },
    "tileMatrixSet": {
        "type": "object", "required": ["crs", "tileMatrices"],
        "description": "OGC Two Dimensional Tile Matrix Set 2.0 (JSON)",
        "properties": {"id": STRING, "crs": STRING, "tileMatrices": _array({"type": "object"})},
    },
    "tileJSON": {
        "type": "object", "required": ["tilejson", "tiles"],
        "properties": {"tilejson": STRING, "tiles": _array(STRING), "minzoom": INTEGER, "maxzoom": INTEGER,
                       "bounds": _array(NUMBER), "vector_layers": _array({"type": "object"})},
    },
}

SECURITY_SCHEMES = {
    "bearerToken": {"type": "http", "scheme": "bearer",
                    "description": "A token from `ntm-map users token NAME` (scripts, the command line)."},
    "sessionCookie": {"type": "apiKey", "in": "cookie", "name": SESSION_COOKIE,
                      "description": "The staff pages' session, set by POST /auth/login."},
    "csrfHeader": {"type": "apiKey", "in": "header", "name": CSRF_HEADER,
                   "description": "With the session cookie, every write echoes the session's CSRF token "
                                  "(from GET /auth/me or the ntm_csrf cookie)."},
}
