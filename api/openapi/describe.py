"""What FastAPI cannot infer about ntm-map, written into its generated definition (OpenAPI 3.0).

Clients read the definition to decide what to send. GDAL's OAPIF driver (3.6 to 3.12) looks up
the items operation of `/collections/{name}/items` and pushes `-where "crop = 'tea'"` to the
server as `crop=tea` only if that operation lists a query parameter named `crop`; so the Features
paths are written once per collection (OGC's collection-specific paths), each items operation
with one typed parameter per queryable property. (GDAL sends a `filter` only when `filter-lang`
offers the pre-standard `cql-text` or `json-filter-expr`, which this server does not speak.)
Besides: operation ids after OGC's (getFeatures_growing_areas, getTile…), every status an
operation can answer with the JSON error schema, response schemas (api.openapi.schemas), `bbox`
as an array of numbers, and the security of writes.
"""
from __future__ import annotations

import copy
import re

from fastapi.routing import APIRoute, iter_route_contexts

from api.auth import current_user, optional_user
from api.http.limits import client_slot, expensive, expensive_page
from api.openapi.schemas import SCHEMAS, SECURITY_SCHEMES, STRING, ref
from api.query.params import MAX_LIMIT
from api.query.queryable_params import queryable_parameters
from layers.read.registry import LAYERS, Layer

GEOJSON, NDJSON, MVT = "application/geo+json", "application/x-ndjson", "application/vnd.mapbox-vector-tile"
OAS30 = "application/vnd.oai.openapi+json;version=3.0"
HTML = {"text/html": {"schema": STRING}}
COLLECTION = "/collections/{collectionId}"
# Features resources: written per collection (the tiles keep {collectionId}, as OGC API - Tiles does).
PER_COLLECTION = (COLLECTION, f"{COLLECTION}/items", f"{COLLECTION}/items/{{featureId}}", f"{COLLECTION}/queryables")


def _json(schema: str, media: str = "application/json") -> dict:
    return {media: {"schema": ref(schema)}}


TILE_CONTENT = {MVT: {"schema": {"type": "string", "format": "binary"}}}
TILES = "/tiles/{tileMatrixSetId}"
COLLECTION_TILES = f"{COLLECTION}/tiles/{{tileMatrixSetId}}"
TILE = "/{tileMatrix}/{tileCol}/{tileRow}"
# (method, path) → (operation id, media types of a success). A per-collection operation's id
# gets `_<collection id>` appended.
OPERATIONS = {
    ("get", "/"): ("getLandingPage", {**_json("landingPage"), **HTML}),
    ("get", "/conformance"): ("getConformanceDeclaration", {**_json("confClasses"), **HTML}),
    ("get", "/api"): ("getAPI", {OAS30: {"schema": {"type": "object"}}, **HTML}),
    ("get", "/collections"): ("getCollections", {**_json("collections"), **HTML}),
    ("get", COLLECTION): ("describeCollection", {**_json("collection"), **HTML}),
    ("get", f"{COLLECTION}/items"): ("getFeatures", {
        **_json("featureCollectionGeoJSON", GEOJSON), **HTML, "text/csv": {"schema": STRING},
        NDJSON: {"schema": STRING}}),
    ("get", f"{COLLECTION}/items/{{featureId}}"): ("getFeature", {**_json("featureGeoJSON", GEOJSON), **HTML}),
    ("get", f"{COLLECTION}/queryables"): ("getQueryables", {**_json("queryables", "application/schema+json"),
                                                            **HTML}),
    ("get", "/tileMatrixSets"): ("getTileMatrixSetsList", _json("tileMatrixSets")),
    ("get", "/tileMatrixSets/{tileMatrixSetId}"): ("getTileMatrixSet", _json("tileMatrixSet")),
    ("get", "/tiles"): ("getTileSetsList", _json("tileSetsList")),
    ("get", TILES): ("getTileSet", _json("tileSet")),
    ("get", f"{TILES}/tilejson.json"): ("getTileJSON", _json("tileJSON")),
    ("get", TILES + TILE): ("getTile", TILE_CONTENT),
    ("get", f"{COLLECTION}/tiles"): ("getCollectionTileSetsList", _json("tileSetsList")),
    ("get", COLLECTION_TILES): ("getCollectionTileSet", _json("tileSet")),
    ("get", f"{COLLECTION_TILES}/tilejson.json"): ("getCollectionTileJSON", _json("tileJSON")),
    ("get", COLLECTION_TILES + TILE): ("getCollectionTile", TILE_CONTENT),
    ("get", "/search"): ("search", {**_json("featureCollectionGeoJSON", GEOJSON), **HTML}),
    ("get", "/healthz"): ("getHealth", None),
    ("get", "/auth/me"): ("getCurrentUser", None),
    ("get", "/styles/default/style.json"): ("getStyle_default", None),
    ("get", "/styles/map/style.json"): ("getStyle_map", None),
    ("get", "/styles/map/labels/{layer}.geojson"): ("getMapLabels", _json("featureCollectionGeoJSON", GEOJSON)),
    ("get", "/collections/growing_areas/items/{area_id}/history"): ("getFeatureHistory_growing_areas", None),
    ("post", "/collections/growing_areas/items/{featureId}/actions/{action}"): ("takeAction_growing_areas", None),
    ("post", "/collections/growing_areas/uploads"): ("uploadFeatures_growing_areas", None),
    ("post", "/collections/growing_areas/items"): ("createFeature_growing_areas", None),
    ("put", "/collections/growing_areas/items/{featureId}"): ("replaceFeature_growing_areas", None),
    ("patch", "/collections/growing_areas/items/{featureId}"): ("updateFeature_growing_areas", None),
    ("delete", "/collections/growing_areas/items/{featureId}"): ("deleteFeature_growing_areas", None),
}
# Statuses no dependency or path reveals: (method, path) → extra statuses.
EXTRA_STATUSES = {("post", "/auth/login"): {401, 413, 415, 429},
                  ("get", f"{COLLECTION}/items"): {304}, ("get", f"{COLLECTION}/items/{{featureId}}"): {304},
                  ("get", "/opendata/releases/{version}/{name}"): {304}}
NO_DATABASE = {"/", "/conformance", "/api", "/tileMatrixSets", "/tileMatrixSets/{tileMatrixSetId}", "/tiles",
               f"{COLLECTION}/tiles", f"{COLLECTION}/queryables"}
DESCRIPTIONS = {
    304: "Not modified: the ETag in If-None-Match is current",
    400: "A parameter, the body or the Host header is not valid: the description says which and why",
    401: "No credentials, or credentials that are unknown, expired or revoked",
    403: "The caller's role or area may not do this, or a session write came without its CSRF header",
    404: "No such resource",
    406: "None of the media types the Accept header names is served here",
    409: "Conflicts with stored data or the resource's state",
    412: "If-Match names a version that is no longer current",
    413: "The body is larger than allowed",
    415: "The body's media type is not one this operation reads",
    422: "A rule on the content failed (the body names the rule)",
    428: "If-Match is required",
    429: "Too many requests from this client at once; retry after Retry-After seconds",
    500: "An unexpected error, logged under the response's X-Request-Id",
    503: "The database is busy or unavailable, or the query took too long; retry after Retry-After seconds",
}


def describe(doc: dict, app) -> dict:
    facts = _route_facts(app)
    components = doc.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):  # validation failures are 400 (api.errors)
        schemas.pop(name, None)
    schemas.update(copy.deepcopy(SCHEMAS))
    components["securitySchemes"] = copy.deepcopy(SECURITY_SCHEMES)
    paths: dict[str, dict] = {}
    for path, item in doc["paths"].items():
        for method, op in item.items():
            name, content = OPERATIONS.get((method, path), (None, None))
            op["operationId"] = name or _camel(facts[method, path].name if (method, path) in facts else op["operationId"])
            _responses(method, path, op, facts.get((method, path)), content)
            _parameters(op)
        if path in PER_COLLECTION:
            for layer in LAYERS:
                concrete = path.replace("{collectionId}", layer.id)
                for method, op in item.items():
                    paths.setdefault(concrete, {})[method] = _for_layer(op, layer, concrete)
        else:
            paths.setdefault(path, {}).update(item)
    doc["paths"] = paths
    _check_unique_ids(paths)
    return doc


class _Facts:
    def __init__(self, route: APIRoute) -> None:
        self.name = route.name
        self.calls = set()
        stack = [route.dependant]
        while stack:
            dependant = stack.pop()
            if dependant.call is not None:
                self.calls.add(dependant.call)
            stack.extend(dependant.dependencies)


def _route_facts(app) -> dict[tuple[str, str], _Facts]:
    out = {}
    for context in iter_route_contexts(app.routes):  # FastAPI wraps included routers
        route = context.original_route
        if isinstance(route, APIRoute) and route.include_in_schema:
            for method in route.methods:
                out[method.lower(), context.path_format or route.path_format] = _Facts(route)
    return out


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(w[:1].upper() + w[1:] for w in rest)


def _responses(method: str, path: str, op: dict, facts: _Facts | None, content: dict | None) -> None:
    responses = op.setdefault("responses", {})
    fastapi_422 = responses.get("422", {})
    if "HTTPValidationError" in str(fastapi_422):  # FastAPI's guess; this API answers those with 400
        del responses["422"]
    statuses = {400, 500} | EXTRA_STATUSES.get((method, path), set())
    if path not in NO_DATABASE:
        statuses.add(503)
    if "{" in path or path.startswith("/opendata"):  # opendata: 404 until a release is published
        statuses.add(404)
    calls = facts.calls if facts else set()
    if calls & {expensive, expensive_page, client_slot}:
        statuses.add(429)
    if current_user in calls:
        statuses |= {401, 403}
        op["security"] = _security(method)
    elif optional_user in calls:
        statuses.add(401)
        op["security"] = [{}, *_security(method)]  # anyone; staff see more
    if "requestBody" in op:
        statuses.add(413)
    for status in sorted(statuses):
        responses.setdefault(str(status), {"description": DESCRIPTIONS[status]})
    for status, response in responses.items():
        if status.isdigit() and int(status) >= 400 and "content" not in response:
            response["content"] = {"application/json": {"schema": ref("exception")}}
    success = next((s for s in ("200", "201", "204") if s in responses), None)
    if content is not None and success:
        responses[success]["content"] = copy.deepcopy(content)
    elif success and _offers_html(op) and "text/html" not in responses[success].get("content", {}):
        responses[success].setdefault("content", {}).update(copy.deepcopy(HTML))


def _security(method: str) -> list[dict]:
    if method in ("get", "head"):
        return [{"bearerToken": []}, {"sessionCookie": []}]
    return [{"bearerToken": []}, {"sessionCookie": [], "csrfHeader": []}]


def _offers_html(op: dict) -> bool:
    return any(p.get("name") == "f" and "html" in p.get("schema", {}).get("enum", ()) for p in op.get("parameters", ()))


def _parameters(op: dict) -> None:
    for p in op.get("parameters", ()):
        if p.get("in") != "query":
            continue
        # OGC's fragments spell out form/no explode (ogctests checks limit and datetime for it);
        # for one value it changes nothing, for bbox it means comma-separated.
        p.update(style="form", explode=False)
        if p["name"] == "bbox":  # OGC: an array of 4 or 6 numbers
            p["schema"] = {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}
        elif p["name"] == "limit" and op["operationId"] == "getFeatures":
            # OGC's maximum: documented, yet a bigger limit is served as it, not refused
            # (Part 1, /req/core/fc-limit-response-1 C), so it is not validated (api.query.params).
            p["schema"]["maximum"] = MAX_LIMIT
        elif p["name"] == "filter-lang":
            p["schema"] = {"type": "string", "enum": ["cql2-text", "cql2-json"], "default": "cql2-text"}


def _for_layer(op: dict, layer: Layer, path: str) -> dict:
    out = copy.deepcopy(op)
    out["operationId"] = f"{op['operationId']}_{layer.id}"
    out["parameters"] = [p for p in out.get("parameters", ()) if p.get("name") != "collectionId"]
    if "{" not in path:
        out["responses"].pop("404", None)
    if op["operationId"] == "getFeatures":
        out["summary"] = f"Features of {layer.title_en}"
        out["parameters"] += property_parameters(layer)
        out["responses"]["200"]["links"] = {"feature": {  # for clients and fuzzers that follow links
            "operationId": f"getFeature_{layer.id}", "parameters": {"featureId": "$response.body#/features/0/id"},
            "description": "The first feature of the page"}}
    elif "summary" in out:
        out["summary"] = f"{out['summary']} ({layer.title_en})"
    if not out["parameters"]:
        del out["parameters"]
    return out


def property_parameters(layer: Layer) -> list[dict]:
    """`?crop=tea`: one query parameter per queryable with a simple value, with the queryable's
    schema (the parameters api.query.queryable_params reads, so the two cannot disagree)."""
    out = []
    for name, schema in queryable_parameters(layer).items():
        title = schema.get("title", name)
        out.append({"name": name, "in": "query", "required": False, "style": "form", "explode": False,
                    "schema": dict(schema),
                    "description": f"Only features whose {name} ({title}) equals this value"})
    return out


def _check_unique_ids(paths: dict) -> None:
    seen: dict[str, str] = {}
    for path, item in paths.items():
        for method, op in item.items():
            key = op["operationId"]
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", key) or key in seen:
                raise RuntimeError(f"operation id {key!r} of {method.upper()} {path} is taken or malformed")
            seen[key] = path
