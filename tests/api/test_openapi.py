"""The OpenAPI definition at /api describes the API (issue 12 items 2 and 4): per-collection items
with a typed parameter per queryable, filter-lang and bbox as OGC defines them, OGC operation ids
and tile parameter names, every status with the error schema, response schemas that real
responses satisfy (and wrong ones do not), the security of writes, Swagger UI served offline."""
from __future__ import annotations

import re

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from api.query.queryable_params import RESERVED
from layers.read.registry import LAYERS, BY_ID

JSON_TYPES = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean", "date": "string"}
WRITES = [("post", "/collections/growing_areas/items"), ("put", "/collections/growing_areas/items/{featureId}"),
          ("patch", "/collections/growing_areas/items/{featureId}"),
          ("delete", "/collections/growing_areas/items/{featureId}")]


@pytest.fixture(scope="module")
def doc(reader):
    r = reader.get("/api")
    assert r.status_code == 200 and r.headers["content-type"] == "application/vnd.oai.openapi+json;version=3.0"
    return r.json()


def operations(doc):
    for path, item in doc["paths"].items():
        for method, op in item.items():
            yield method, path, op


def test_the_definition_is_valid_openapi_30(doc):
    validate(doc)
    assert doc["openapi"] == "3.0.3" and '"type": "null"' not in str(doc)
    assert "/collections/{collectionId}/items" not in doc["paths"]  # written per collection instead


def test_items_list_each_queryable_as_a_typed_parameter(doc):
    """The parameters GDAL reads to push `-where` (tests/api/test_gdal_pushdown.py), checked
    against the registry's property types, not against the code that writes them."""
    for layer in LAYERS:
        op = doc["paths"][f"/collections/{layer.id}/items"]["get"]
        params = {p["name"]: p for p in op["parameters"]}
        assert "collectionId" not in params and all(p["in"] == "query" for p in params.values())
        for prop in layer.properties:
            if prop.type == "array":  # not a simple value: filter with A_CONTAINS instead
                assert prop.name not in params, (layer.id, prop.name)
                continue
            schema = params[prop.name]["schema"]
            assert schema["type"] == JSON_TYPES[prop.type], (layer.id, prop.name, schema)
            assert (schema.get("format") == "date") == (prop.type == "date")
        assert params[layer.id_column]["schema"]["type"] == "integer"
        assert params["filter-lang"]["schema"]["enum"] == ["cql2-text", "cql2-json"]
        for name in ("limit", "datetime", "bbox", "crop" if layer.id == "growing_areas" else "limit"):
            # OGC's fragments (ogctests /ats/core/fc-limit-definition, fc-time-definition)
            assert (params[name]["style"], params[name]["explode"], params[name]["required"]) == ("form", False, False)
        bbox = params["bbox"]
        assert bbox["schema"] == {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}
        assert not set(params) - set(RESERVED) - {p.name for p in layer.properties} - {layer.id_column}
    ga = {p["name"]: p["schema"] for p in doc["paths"]["/collections/growing_areas/items"]["get"]["parameters"]}
    assert ga["crop"]["type"] == "string" and ga["households_count"]["type"] == "integer"
    assert ga["farming_diary"]["type"] == "boolean" and ga["valid_from"]["format"] == "date"
    assert "target_markets" not in ga


def test_operation_ids_are_ogcs_and_unique(doc):
    ids = [op["operationId"] for _, _, op in operations(doc)]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", i) for i in ids)
    expected = {"getLandingPage", "getConformanceDeclaration", "getAPI", "getCollections", "getTileMatrixSetsList",
                "getTileMatrixSet", "getTileSetsList", "getTileSet", "getTile", "getCollectionTileSetsList",
                "getCollectionTileSet", "getCollectionTile", "createFeature_growing_areas",
                "replaceFeature_growing_areas", "updateFeature_growing_areas", "deleteFeature_growing_areas"}
    for layer in LAYERS:
        expected |= {f"{kind}_{layer.id}" for kind in ("describeCollection", "getFeatures", "getFeature", "getQueryables")}
    assert expected <= set(ids), expected - set(ids)
    assert doc["paths"]["/collections/tourism_places/items/{featureId}"]["get"]["operationId"] == "getFeature_tourism_places"


def test_tile_parameters_carry_ogc_names_and_match_the_templated_link(doc, reader):
    path = "/collections/{collectionId}/tiles/{tileMatrixSetId}/{tileMatrix}/{tileCol}/{tileRow}"
    op = doc["paths"][path]["get"]
    assert {p["name"] for p in op["parameters"]} == {"collectionId", "tileMatrixSetId", "tileMatrix", "tileRow", "tileCol"}
    assert "/tiles/{tileMatrixSetId}/{tileMatrix}/{tileCol}/{tileRow}" in doc["paths"]
    links = reader.get("/collections/communes/tiles/WebMercatorQuad").json()["links"]
    template = next(link["href"] for link in links if link["rel"] == "item")
    assert template.endswith("/collections/communes/tiles/WebMercatorQuad/{tileMatrix}/{tileCol}/{tileRow}")
    values = {"collectionId": "communes", "tileMatrixSetId": "WebMercatorQuad", "tileMatrix": "8",
              "tileCol": "202", "tileRow": "114"}  # z/x/y of a tile over the demo province
    url = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)
    assert url == "/collections/communes/tiles/WebMercatorQuad/8/202/114"
    assert re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], template).endswith(url)
    tile = reader.get(url)
    assert tile.status_code == 200 and tile.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    assert tile.content  # the tile has features: the names were filled in the right places
    assert reader.get("/collections/communes/tiles/WebMercatorQuad/8/114/202").content != tile.content


def test_every_error_status_is_documented_with_the_error_schema(doc):
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/exception"}}}
    for method, path, op in operations(doc):
        statuses = set(op["responses"])
        assert {"400", "500"} <= statuses, (method, path)
        assert "422" not in statuses or method != "get", (method, path)  # FastAPI's guess is gone
        for status, response in op["responses"].items():
            if int(status) >= 400:
                assert response["content"] == error, (method, path, status)
        if "{" in path:
            assert "404" in statuses, (method, path)
    for method, path in WRITES:
        op = doc["paths"][path][method]
        assert {"401", "403", "404", "409", "412", "422", "428", "503"} <= set(op["responses"]), (method, path)
        assert op["security"] == [{"bearerToken": []}, {"sessionCookie": [], "csrfHeader": []}]
    assert "413" in doc["paths"]["/collections/growing_areas/items"]["post"]["responses"]
    assert {"304", "429", "503"} <= set(doc["paths"]["/collections/villages/items"]["get"]["responses"])
    assert "security" not in doc["paths"]["/collections/villages/items"]["get"]
    schemes = doc["components"]["securitySchemes"]
    assert schemes["bearerToken"] == {**schemes["bearerToken"], "type": "http", "scheme": "bearer"}
    assert (schemes["sessionCookie"]["in"], schemes["sessionCookie"]["name"]) == ("cookie", "ntm_session")
    assert (schemes["csrfHeader"]["in"], schemes["csrfHeader"]["name"]) == ("header", "X-CSRF-Token")
    assert "HTTPValidationError" not in str(doc)


def _validator(doc, method, path, status, media):
    schema = doc["paths"][path][method]["responses"][status]["content"][media]["schema"]
    return OAS30Validator({**schema, "components": doc["components"]})


@pytest.mark.parametrize("url, path", [
    ("/", "/"), ("/conformance", "/conformance"), ("/collections", "/collections"),
    ("/collections/growing_areas", "/collections/growing_areas"),
    ("/collections/growing_areas/items?limit=5", "/collections/growing_areas/items"),
    ("/collections/households/items?limit=3", "/collections/households/items"),
    ("/collections/tourism_routes/items?limit=2", "/collections/tourism_routes/items"),
    ("/collections/growing_areas/queryables", "/collections/growing_areas/queryables"),
    ("/tileMatrixSets", "/tileMatrixSets"), ("/tileMatrixSets/WebMercatorQuad", "/tileMatrixSets/{tileMatrixSetId}"),
    ("/tiles", "/tiles"), ("/tiles/WebMercatorQuad", "/tiles/{tileMatrixSetId}"),
    ("/tiles/WebMercatorQuad/tilejson.json", "/tiles/{tileMatrixSetId}/tilejson.json"),
    ("/search?q=yen", "/search"),
])
def test_responses_satisfy_their_schemas(doc, reader, url, path):
    r = reader.get(url)
    media = r.headers["content-type"].split(";")[0]
    assert r.status_code == 200 and media in doc["paths"][path]["get"]["responses"]["200"]["content"]
    _validator(doc, "get", path, "200", media).validate(r.json())


def test_the_schemas_tell_wrong_bodies_apart(doc, reader):
    """The schemas are not vacuous: each refuses what another resource sends."""
    feature_id = reader.get("/collections/villages/items?limit=1").json()["features"][0]["id"]
    feature = reader.get(f"/collections/villages/items/{feature_id}").json()
    item = _validator(doc, "get", "/collections/villages/items/{featureId}", "200", "application/geo+json")
    items = _validator(doc, "get", "/collections/villages/items", "200", "application/geo+json")
    item.validate(feature)
    assert not items.is_valid(feature) and not item.is_valid({"type": "FeatureCollection", "features": []})
    landing = _validator(doc, "get", "/", "200", "application/json")
    assert not landing.is_valid(reader.get("/conformance").json())
    error = _validator(doc, "get", "/collections/villages/items", "400", "application/json")
    bad = reader.get("/collections/villages/items?limit=abc")
    assert bad.status_code == 400 and error.is_valid(bad.json())
    assert not error.is_valid({"detail": "FastAPI's default error shape"})
    for method, path in WRITES:
        error = _validator(doc, method, path, "401", "application/json")
        url = path.replace("{featureId}", str(feature_id))
        r = reader.request(method.upper(), url, json={"type": "Feature"})
        assert r.status_code == 401 and error.is_valid(r.json()), (method, url, r.status_code)


def test_collection_ids_in_paths_are_the_registry(doc):
    concrete = {m.group(1) for p in doc["paths"] if (m := re.match(r"^/collections/([a-z_]+)/items$", p))}
    # Harvest lots have no map layer: cooperatives only POST to their items (api/routes/lots.py).
    assert concrete - {"harvest_lots"} == set(BY_ID) and "get" not in doc["paths"]["/collections/harvest_lots/items"]


def test_api_as_html_and_docs_are_swagger_ui_from_this_server(reader):
    for url in ("/docs", "/api?f=html"):
        page = reader.get(url)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        scripts = re.findall(r'<script src="([^"]+)"', page.text)
        assert scripts == ["/static/vendor/swagger-ui/swagger-ui-bundle.js", "/static/docs/swagger-init.js"]
        assert "<script>" not in page.text and "https://" not in page.text
    for url, media in (("/static/vendor/swagger-ui/swagger-ui-bundle.js", "text/javascript"),
                       ("/static/vendor/swagger-ui/swagger-ui.css", "text/css"),
                       ("/static/docs/swagger-init.js", "text/javascript")):
        r = reader.get(url)
        assert r.status_code == 200 and r.headers["content-type"].startswith(media) and len(r.content) > 200, url
    # Only the files the page loads: the package's demo page would fetch a definition from the internet.
    assert reader.get("/static/vendor/swagger-ui/index.html").status_code == 404
    moved = reader.get("/openapi.json", follow_redirects=False)
    assert moved.status_code == 308 and moved.headers["location"].endswith("/api?f=json")
