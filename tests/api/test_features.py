"""OGC API - Features through HTTP: paging, bbox, CRS, formats, caching and every bad input."""
from __future__ import annotations

import csv
import io
import json

import psycopg
import pytest
from openapi_spec_validator import validate
from pyproj import Transformer
from shapely import wkt
from shapely.geometry import shape

from layers.read.registry import BY_ID

OGC = "http://www.opengis.net/def/crs"


def sql(url, query, *args):
    with psycopg.connect(url) as conn:
        return conn.execute(query, args).fetchall()


def walk(client, url):
    """Every feature of every page, following `next` links; also the pages' lengths."""
    feats, sizes = [], []
    while url:
        body = client.get(url).json()
        feats += body["features"]
        sizes.append(body["numberReturned"])
        url = next((l["href"] for l in body["links"] if l["rel"] == "next"), None)
    return feats, sizes


def test_conformance_and_openapi_30(reader):
    classes = reader.get("/conformance").json()["conformsTo"]
    for part in ("ogcapi-features-1/1.0/conf/core", "ogcapi-features-1/1.0/conf/geojson",
                 "ogcapi-features-2/1.0/conf/crs", "ogcapi-features-3/1.0/conf/filter"):
        assert f"http://www.opengis.net/spec/{part}" in classes
    r = reader.get("/api")
    assert r.headers["content-type"].startswith("application/vnd.oai.openapi+json")
    doc = r.json()
    assert doc["openapi"] == "3.0.3" and "/collections/villages/items" in doc["paths"]  # per collection
    validate(doc)  # the OpenAPI 3.0 schema itself, not just the version string
    assert '{"type": "null"}' not in json.dumps(doc)
    limit = next(p for p in doc["paths"]["/collections/villages/items"]["get"]["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 100000
    rels = {l["rel"] for l in reader.get("/").json()["links"]}
    assert {"conformance", "service-desc", "data"} <= rels


def test_collection_has_extent_crs_and_links(reader, shared_demo):
    c = reader.get("/collections/growing_areas").json()
    (xmin, ymin, xmax, ymax), = c["extent"]["spatial"]["bbox"]
    assert 103 < xmin < xmax < 106.5 and 18 < ymin < ymax < 20.5
    first, last = sql(shared_demo, "SELECT min(valid_from)::text, max(valid_to)::text FROM growing_areas "
                                   "WHERE status IN ('granted','suspended','revoked','expired')")[0]
    assert c["extent"]["temporal"]["interval"] == [[first, last]]
    assert f"{OGC}/EPSG/0/9217" in c["crs"] and c["storageCrs"] == f"{OGC}/OGC/1.3/CRS84"
    assert {"items", "http://www.opengis.net/def/rel/ogc/1.0/queryables"} <= {l["rel"] for l in c["links"]}
    assert reader.get("/collections/nope").status_code == 404


def test_items_are_geojson_with_public_properties_only(reader, shared_demo):
    r = reader.get("/collections/households/items?limit=50")
    assert r.status_code == 200 and r.headers["content-type"] == "application/geo+json"
    body = r.json()
    assert body["type"] == "FeatureCollection" and body["numberReturned"] == 50 == len(body["features"])
    public = set(BY_ID["households"].property_names)
    for f in body["features"]:
        assert set(f["properties"]) == public and f["geometry"]["type"] == "Point"
    names = [n for (n,) in sql(shared_demo, "SELECT head_name FROM private.household_private LIMIT 50")]
    assert names and not any(n in r.text for n in names)
    assert body["numberMatched"] == sql(shared_demo, "SELECT count(*) FROM households")[0][0]


def test_keyset_paging_walks_every_feature_once_and_back(reader, shared_demo):
    feats, sizes = walk(reader, "/collections/villages/items?limit=700&properties=code")
    total = sql(shared_demo, "SELECT count(*) FROM villages")[0][0]
    ids = [f["id"] for f in feats]
    assert len(ids) == total == len(set(ids)) and ids == sorted(ids)
    assert sizes[:-1] == [700] * (len(sizes) - 1)
    page2 = reader.get("/collections/villages/items?limit=700&properties=code").json()
    nxt = next(l["href"] for l in page2["links"] if l["rel"] == "next")
    second = reader.get(nxt).json()
    prev = next(l["href"] for l in second["links"] if l["rel"] == "prev")
    back = reader.get(prev).json()
    assert [f["id"] for f in back["features"]] == [f["id"] for f in page2["features"]]
    assert not any(l["rel"] == "prev" for l in back["links"])


def test_sortby_pages_follow_the_database_order(reader, shared_demo):
    feats, _ = walk(reader, "/collections/growing_areas/items?limit=37&sortby=crop,-area_ha&properties=crop,area_ha")
    expected = [i for (i,) in sql(shared_demo, "SELECT id FROM growing_areas WHERE status IN "
                                  "('granted','suspended','revoked','expired') ORDER BY crop NULLS LAST, "
                                  "area_ha DESC NULLS LAST, id")]
    assert [f["id"] for f in feats] == expected


def test_bbox_in_lonlat_latlon_and_vn2000_select_the_same_features(reader, shared_demo):
    lon0, lat0, lon1, lat1 = 105.3, 18.9, 105.45, 19.05
    expected = sql(shared_demo, "SELECT count(*) FROM households WHERE ST_Intersects(geom, "
                                "ST_MakeEnvelope(%s,%s,%s,%s,4326))", lon0, lat0, lon1, lat1)[0][0]
    assert expected > 0
    got = reader.get(f"/collections/households/items?bbox={lon0},{lat0},{lon1},{lat1}&limit=5000").json()
    assert got["numberReturned"] == expected
    latlon = reader.get(f"/collections/households/items?bbox={lat0},{lon0},{lat1},{lon1}"
                        f"&bbox-crs={OGC}/EPSG/0/4326&limit=5000").json()
    assert latlon["numberReturned"] == expected
    (x0, y0, x1, y1), = sql(shared_demo, "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
                                        "ST_Transform(ST_MakeEnvelope(%s,%s,%s,%s,4326), 9210) e",
                            lon0, lat0, lon1, lat1)
    vn = reader.get(f"/collections/households/items?bbox={x0},{y0},{x1},{y1}&bbox-crs=EPSG:9210&limit=5000").json()
    assert abs(vn["numberReturned"] - expected) <= expected * 0.05  # the reprojected box is slightly larger


def test_crs_transforms_and_orders_axes(reader, shared_demo):
    fid, x, y = sql(shared_demo, "SELECT id, ST_X(ST_Transform(geom, 9210)), ST_Y(ST_Transform(geom, 9210)) "
                                 "FROM tourism_places ORDER BY id LIMIT 1")[0]
    r = reader.get(f"/collections/tourism_places/items/{fid}?crs={OGC}/EPSG/0/9210")
    assert r.headers["content-crs"] == f"<{OGC}/EPSG/0/9210>"
    gx, gy = r.json()["geometry"]["coordinates"]
    assert abs(gx - x) < 0.01 and abs(gy - y) < 0.01 and 400_000 < gx < 700_000 and gy > 2_000_000
    lonlat = reader.get(f"/collections/tourism_places/items/{fid}").json()["geometry"]["coordinates"]
    px, py = Transformer.from_crs(4326, 9210, always_xy=True).transform(*lonlat)  # PROJ's VN-2000 datum shift
    assert abs(gx - px) < 0.05 and abs(gy - py) < 0.05
    latlon = reader.get(f"/collections/tourism_places/items/{fid}?crs={OGC}/EPSG/0/4326").json()["geometry"]["coordinates"]
    assert latlon == [lonlat[1], lonlat[0]]


def test_csv_and_ndjson_carry_the_same_features(reader):
    gj = reader.get("/collections/tourism_places/items?limit=1000").json()
    r = reader.get("/collections/tourism_places/items?limit=1000&f=csv")
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [int(row["id"]) for row in rows] == [f["id"] for f in gj["features"]]
    first = gj["features"][0]
    assert wkt.loads(rows[0]["wkt"]).equals_exact(shape(first["geometry"]), 1e-6)
    assert rows[0]["name_vi"] == first["properties"]["name_vi"]
    nd = reader.get("/collections/tourism_places/items?limit=1000", headers={"Accept": "application/x-ndjson"})
    lines = [json.loads(line) for line in nd.text.splitlines()]
    assert [f["id"] for f in lines] == [f["id"] for f in gj["features"]]


def test_big_pages_stream_and_keep_paging(reader, shared_demo):
    total = sql(shared_demo, "SELECT count(*) FROM households")[0][0]
    feats, sizes = walk(reader, "/collections/households/items?limit=3000&properties=address_code")
    assert len({f["id"] for f in feats}) == total and sizes[0] == 3000
    url = "/collections/households/items?limit=2100&sortby=-plus_code&properties=plus_code"
    first = reader.get(url).json()
    second = reader.get(next(l["href"] for l in first["links"] if l["rel"] == "next")).json()
    back = reader.get(next(l["href"] for l in second["links"] if l["rel"] == "prev")).json()
    assert [f["id"] for f in back["features"]] == [f["id"] for f in first["features"]]
    assert not any(l["rel"] == "prev" for l in back["links"])


def test_datetime_selects_areas_valid_at_a_date(reader, shared_demo):
    expected = sql(shared_demo, "SELECT count(*) FROM growing_areas WHERE status IN "
                                "('granted','suspended','revoked','expired') AND (valid_from IS NULL OR "
                                "valid_from <= '2024-06-30') AND (valid_to IS NULL OR valid_to >= '2024-06-30')")[0][0]
    body = reader.get("/collections/growing_areas/items?datetime=2024-06-30&limit=1000").json()
    assert body["numberReturned"] == expected and expected > 0


def test_filter_through_http(reader, shared_demo):
    expected = sql(shared_demo, "SELECT count(*) FROM growing_areas WHERE crop = 'tea' AND status IN "
                                "('granted','suspended','revoked','expired')")[0][0]
    body = reader.get("/collections/growing_areas/items", params={"filter": "crop = 'tea'", "limit": 1000}).json()
    assert body["numberReturned"] == expected > 0
    r = reader.get("/collections/growing_areas/items", params={"filter": "crop = "})
    assert r.status_code == 400 and "column 8" in r.json()["description"]


def test_etag_304_and_edits_show_on_the_next_request(writer, demo_db):
    url = "/collections/tourism_places/items?limit=5"
    first = writer.get(url)
    etag = first.headers["etag"]
    assert writer.get(url, headers={"If-None-Match": etag}).status_code == 304
    fid = first.json()["features"][0]["id"]
    with psycopg.connect(demo_db, autocommit=True) as conn:
        conn.execute("UPDATE tourism_places SET name_vi = 'Đã đổi tên' WHERE id = %s", (fid,))
    again = writer.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 200 and again.headers["etag"] != etag
    assert again.json()["features"][0]["properties"]["name_vi"] == "Đã đổi tên"


def test_html_pages(reader):
    page = reader.get("/collections/growing_areas/items?f=html&lang=en&limit=5")
    assert page.status_code == 200 and "Growing-area code" in page.text and 'rel="next"' in page.text
    item = reader.get("/collections/growing_areas/items", params={"limit": 1}).json()["features"][0]
    html = reader.get(f"/collections/growing_areas/items/{item['id']}?f=html").text
    assert "Mã số vùng trồng" in html and item["properties"]["code"] in html
    assert "Vùng trồng" in reader.get("/collections/growing_areas?f=html").text


def test_unpublished_rows_are_not_found(reader, shared_demo):
    rows = sql(shared_demo, "SELECT id FROM growing_areas WHERE status NOT IN "
                            "('granted','suspended','revoked','expired') LIMIT 1")
    assert rows, "the demo should hold draft areas"
    assert reader.get(f"/collections/growing_areas/items/{rows[0][0]}").status_code == 404


@pytest.mark.parametrize("query, needle", [
    ("limit=0", "limit"), ("limit=ten", "limit"),
    ("bbox=1,2,3", "4 numbers"), ("bbox=a,b,c,d", "numbers"), ("bbox=105,19,104,20", "lower corner"),
    ("bbox=105,19,106,95", "latitude"), ("bbox-crs=EPSG:4326", "without a bbox"),
    ("bbox=1,2,3,4&bbox-crs=EPSG:2154", "unsupported CRS"), ("crs=EPSG:27700", "unsupported CRS"),
    ("datetime=2024-13-45", "datetime"), ("datetime=2025-01-01/2024-01-01", "ends before"),
    ("datetime=..", "interval"), ("sortby=owner_name", "owner_name"), ("sortby=target_markets", "target_markets"),
    ("properties=phone_number", "phone_number"), ("cursor=bm9wZQ", "cursor"), ("f=kml", "kml"),
    ("filter=owner_name='x'", "owner_name"), ("filter-lang=sql&filter=1=1", "filter"),
    ("filter-crs=EPSG:1&filter=crop='tea'", "filter-crs"),
])
def test_bad_queries_get_a_400_that_says_why(reader, query, needle):
    r = reader.get(f"/collections/growing_areas/items?{query}")
    assert r.status_code == 400, (query, r.text)
    body = r.json()
    assert body["code"] == "InvalidParameterValue" and needle in body["description"], body


def test_values_the_database_refuses_are_400s(reader):
    import base64

    huge = base64.urlsafe_b64encode(json.dumps({"k": [10 ** 30]}).encode()).decode().rstrip("=")
    r = reader.get("/collections/villages/items", params={"cursor": huge})
    assert r.status_code == 400 and "cursor" in r.json()["description"]
    for filt in ("name = 'a\x00b'", "name LIKE '%\x00'"):
        r = reader.get("/collections/villages/items", params={"filter": filt})
        assert r.status_code == 400 and "not valid" in r.json()["description"], r.text
    r = reader.get("/search", params={"q": "Vinh\x00"})
    assert r.status_code == 400, r.text


def test_unknown_feature_and_bad_id(reader):
    assert reader.get("/collections/villages/items/999999999").status_code == 404
    assert reader.get("/collections/villages/items/8904248786692061790208").status_code == 404  # > bigint
    assert reader.get("/collections/villages/items/-3").status_code == 404
    r = reader.get("/collections/villages/items/abc")
    assert r.status_code == 400 and "featureId" in r.json()["description"]


def test_a_query_that_runs_too_long_is_cancelled_with_503(app_client, shared_demo):
    r = app_client(shared_demo, statement_timeout_ms=1).get("/collections/households/items?limit=100000&sortby=-plus_code")
    assert r.status_code == 503 and r.headers["retry-after"] and "too long" in r.json()["description"]


def test_filter_geometries_follow_filter_crs_axis_order(reader, shared_demo):
    lon0, lat0, lon1, lat1 = 105.3, 18.9, 105.45, 19.05
    expected = sql(shared_demo, "SELECT count(*) FROM households WHERE ST_Intersects(geom, "
                                "ST_MakeEnvelope(%s,%s,%s,%s,4326))", lon0, lat0, lon1, lat1)[0][0]
    lonlat = reader.get("/collections/households/items", params={
        "filter": f"S_INTERSECTS(geometry, BBOX({lon0},{lat0},{lon1},{lat1}))", "limit": 5000}).json()
    latlon = reader.get("/collections/households/items", params={
        "filter": f"S_INTERSECTS(geometry, POLYGON(({lat0} {lon0}, {lat0} {lon1}, {lat1} {lon1}, {lat1} {lon0}, {lat0} {lon0})))",
        "filter-crs": f"{OGC}/EPSG/0/4326", "limit": 5000}).json()
    assert lonlat["numberReturned"] == latlon["numberReturned"] == expected > 0


def test_number_matched_is_counted_only_when_asked(reader, shared_demo):
    url = "/collections/households/items?bbox=105.3,18.9,105.45,19.05&limit=10"
    expected = sql(shared_demo, "SELECT count(*) FROM households WHERE ST_Intersects(geom, "
                                "ST_MakeEnvelope(105.3,18.9,105.45,19.05,4326))")[0][0]
    assert expected > 10
    assert "numberMatched" not in reader.get(url).json()  # filtered and paged: not free to know
    assert reader.get(url + "&numberMatched=true").json()["numberMatched"] == expected


def test_queryables_list_public_properties_only(reader):
    r = reader.get("/collections/growing_areas/queryables?lang=en")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/schema+json")
    props = r.json()["properties"]
    assert {"crop", "status", "valid_from", "geometry"} <= set(props)
    assert not {"owner_name", "owner_phone", "created_at", "updated_at"} & set(props)
    assert props["valid_from"]["format"] == "date"
    assert reader.get("/collections/nope/queryables").status_code == 404
    html = reader.get("/collections/growing_areas/queryables?f=html&lang=vi").text
    assert "Thuộc tính lọc được" in html and "<code>crop</code>" in html and "owner_name" not in html
