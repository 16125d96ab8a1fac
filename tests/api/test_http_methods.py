"""HEAD, OPTIONS and 405s on every resource; CORS still answers browsers; the items Link header;
GeoJSON polygons wound as RFC 7946 asks."""
from __future__ import annotations

import csv
import io
import re

import psycopg
import pytest
from shapely import wkt
from shapely.geometry import LinearRing

OGC = "http://www.opengis.net/def/crs"
QUERYABLES = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
UNSTABLE = {"date", "x-request-id"}  # differ between any two requests


def sql(url, query, *args):
    with psycopg.connect(url) as conn:
        return conn.execute(query, args).fetchall()


@pytest.fixture(scope="module")
def samples(shared_demo):
    village = sql(shared_demo, "SELECT min(id) FROM villages")[0][0]
    area = sql(shared_demo, "SELECT min(id) FROM growing_areas WHERE status = 'granted'")[0][0]
    return {"collectionId": "villages", "featureId": str(village), "area": str(area)}


def get_resources(app, samples) -> list[str]:
    """Every GET operation of the OpenAPI document, its path filled with real values, one per
    template (per-collection paths count once, as villages), plus pages kept out of it."""
    fill = {"collectionId": "villages", "featureId": samples["featureId"], "tileMatrixSetId": "WebMercatorQuad",
            "tileMatrix": "8", "z": "8", "tileCol": "202", "x": "202", "tileRow": "114", "y": "114",
            "layer": "communes", "file": "swagger-ui.css", "area_id": samples["area"]}
    urls = set()
    for path, ops in app.openapi()["paths"].items():
        if "get" not in ops:
            continue
        path = re.sub(r"^/collections/[a-z_]+(?=/|$)", "/collections/{collectionId}", path)
        urls.add(re.sub(r"\{(\w+)(?::path)?\}", lambda m: fill.get(m.group(1), "x"), path))
    return sorted(urls | {"/map", "/tourism", "/embed", "/static/map/main.js", "/docs"})


def test_head_answers_every_get_resource_with_gets_headers_and_no_body(reader, samples):
    urls = get_resources(reader.app, samples)
    assert len(urls) > 20 and "/collections/villages/items" in urls
    for url in urls:
        got, head = reader.get(url), reader.head(url)
        assert head.status_code == got.status_code, (url, head.status_code, got.status_code)
        assert head.content == b"", url
        stable = lambda r: {k: v for k, v in r.headers.items() if k not in UNSTABLE | {"content-length"}}  # noqa: E731
        assert stable(head) == stable(got), url
    for url in ("/conformance", "/collections/villages/items?limit=3", "/static/map/main.js",
                "/tiles/WebMercatorQuad/8/202/114"):
        for coding in ("gzip", "identity"):
            got, head = (call(url, headers={"Accept-Encoding": coding}) for call in (reader.get, reader.head))
            assert head.headers.get("content-length") == got.headers.get("content-length"), (url, coding)
        if "content-length" in got.headers:
            assert int(got.headers["content-length"]) == len(got.content) > 0


def test_head_of_a_streamed_page_gives_its_connection_and_slot_back(app_client, shared_demo):
    url = "/collections/households/items?limit=2500&properties=address_code"
    client = app_client(shared_demo, stream_pool_size=1, client_slots=1, stream_wait_s=1.0)
    for _ in range(3):
        r = client.head(url)
        assert r.status_code == 200 and r.content == b"" and r.headers["content-type"] == "application/geo+json"
    assert client.get(url).json()["numberReturned"] == 2500


@pytest.mark.parametrize("path, allow", [
    ("/collections/growing_areas/items/{area}", "GET, HEAD, PUT, PATCH, DELETE, OPTIONS"),
    ("/collections/growing_areas/items", "GET, HEAD, POST, OPTIONS"),
    ("/collections/villages/items/{featureId}", "GET, HEAD, OPTIONS"),
    ("/collections/villages/items", "GET, HEAD, OPTIONS"),
    ("/collections/growing_areas/uploads", "POST, OPTIONS"),
    ("/auth/login", "POST, OPTIONS"),
    ("/", "GET, HEAD, OPTIONS"),
    ("/tiles/WebMercatorQuad/8/202/114", "GET, HEAD, OPTIONS"),
    ("/static/map/main.js", "GET, HEAD, OPTIONS"),
])
def test_options_names_the_methods_and_they_are_the_ones_served(reader, samples, path, allow):
    url = path.format(**samples)
    r = reader.options(url)
    assert r.status_code == 200 and r.headers["allow"] == allow and r.content == b""
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        if path.startswith("/static") and method != "GET":
            continue  # static files answer 405 their own way
        answer = reader.request(method, url, headers={"If-Match": '"x"'})
        assert (answer.status_code == 405) == (method not in allow), (method, url, answer.status_code)
        if answer.status_code == 405:
            assert answer.headers["allow"] == allow, (method, url)


def test_options_on_nothing_is_a_404(reader):
    for url in ("/collections/nope/items", "/collections/nope", "/no/such/thing"):
        r = reader.options(url)
        assert r.status_code == 404 and r.json()["code"] == "NotFound", url


def test_cors_preflight_and_cross_origin_reads_still_work(reader):
    origin = {"Origin": "https://maps.example.org"}
    pre = reader.options("/collections/villages/items", headers={**origin, "Access-Control-Request-Method": "GET"})
    assert pre.status_code == 200 and pre.headers["access-control-allow-origin"] == "*"
    assert "GET" in pre.headers["access-control-allow-methods"]
    write = reader.options("/collections/growing_areas/items", headers={**origin, "Access-Control-Request-Method": "POST"})
    assert write.status_code == 400  # writes are not opened to other origins
    got = reader.get("/collections/villages/items?limit=1", headers=origin)
    assert got.headers["access-control-allow-origin"] == "*" and "Link" in got.headers["access-control-expose-headers"]
    plain = reader.options("/collections/villages/items", headers=origin)
    assert plain.headers["allow"] == "GET, HEAD, OPTIONS" and plain.headers["access-control-allow-origin"] == "*"
    head = reader.head("/collections/villages/items?limit=1", headers=origin)
    assert head.headers["access-control-allow-origin"] == "*"


def test_items_link_to_their_queryables(reader):
    for query in ("", "?f=csv", "?f=ndjson", "?f=html", "?crop=tea&filter=households_count>3"):
        r = reader.get(f"/collections/growing_areas/items{query}")
        assert r.status_code == 200, query
        (href, rel, kind), = re.findall(r'<([^>]+)>; rel="([^"]+)"; type="([^"]+)"', r.headers["link"])
        assert rel == QUERYABLES and kind == "application/schema+json", query
        assert href.endswith("/collections/growing_areas/queryables")
    doc = reader.get(href)
    assert doc.status_code == 200 and doc.headers["content-type"].startswith("application/schema+json")
    assert "crop" in doc.json()["properties"]


def rings(geometry: dict, lat_first: bool = False):
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    for polygon in polygons:
        for i, ring in enumerate(polygon):
            yield i, LinearRing([(p[1], p[0]) if lat_first else p for p in ring])


def test_geojson_polygons_are_wound_counter_clockwise(reader, shared_demo):
    stored_cw = sql(shared_demo, "SELECT count(*) FILTER (WHERE ST_IsPolygonCW(geom)), count(*) FROM villages")[0]
    assert stored_cw[0] > 0  # the data does not happen to be wound right already
    for collection in ("villages", "growing_areas", "communes"):
        for crs, lat_first in ((None, False), (f"{OGC}/EPSG/0/9210", False), (f"{OGC}/EPSG/0/4326", True)):
            page = reader.get(f"/collections/{collection}/items", params={"limit": 300, **({"crs": crs} if crs else {})})
            features = page.json()["features"]
            assert features, collection
            for feature in features:
                for i, ring in rings(feature["geometry"], lat_first):
                    assert ring.is_ccw == (i == 0), (collection, crs, feature["id"], i)
    vid = reader.get("/collections/villages/items?limit=1").json()["features"][0]["id"]
    one = reader.get(f"/collections/villages/items/{vid}")
    assert all(ring.is_ccw == (i == 0) for i, ring in rings(one.json()["geometry"]))
    rows = csv.DictReader(io.StringIO(reader.get("/collections/villages/items?f=csv&limit=50").text))
    for row in rows:
        shape = wkt.loads(row["wkt"])
        for polygon in getattr(shape, "geoms", [shape]):
            assert polygon.exterior.is_ccw and not any(h.is_ccw for h in polygon.interiors)


def test_holes_are_wound_clockwise(writer, demo_db):
    """The demo has no holes: cut one into a village, stored wound the wrong way."""
    fid = sql(demo_db, "SELECT min(id) FROM villages")[0][0]
    with psycopg.connect(demo_db, autocommit=True) as conn:
        conn.execute("""UPDATE villages SET geom = ST_Multi(ST_ForcePolygonCW(ST_Difference(geom,
                        ST_Buffer(ST_PointOnSurface(geom), 0.0005)))) WHERE id = %s""", (fid,))
    feature = writer.get(f"/collections/villages/items/{fid}").json()
    found = list(rings(feature["geometry"]))
    assert any(i > 0 for i, _ in found)  # the hole is there
    assert all(ring.is_ccw == (i == 0) for i, ring in found)


def test_part_4_is_declared(reader):
    classes = reader.get("/conformance").json()["conformsTo"]
    part4 = "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/"
    assert {f"{part4}create-replace-delete", f"{part4}update", f"{part4}features"} <= set(classes)
    assert not any("optimistic-locking" in c for c in classes)
