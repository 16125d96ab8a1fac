"""The viewer's pages over plain HTTP: bad parameters are 4xx in the error shape, vendor files
are served locally (or a 503 saying how to install them), and no page links outside the server."""
from __future__ import annotations

import re

import pytest

from api.pages.map_config import map_config
from layers.read.registry import BY_ID
from tests.support import started_client


@pytest.fixture(scope="module")
def client(settings, shared_demo):
    with started_client(settings, shared_demo) as c:
        yield c


def error_of(response, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"code", "description", "status"} and body["status"] == status
    return body["description"]


@pytest.mark.parametrize("path", ["/embed", "/tourism"])
def test_bad_filters_are_400_or_404_saying_what_is_wrong(client, path):
    assert "5 digits" in error_of(client.get(f"{path}?commune=1747"), 400)
    assert "5 digits" in error_of(client.get(f"{path}?commune=17479%27%20OR%201=1"), 400)
    assert "99999" in error_of(client.get(f"{path}?commune=99999"), 404)
    assert "homestay" in error_of(client.get(f"{path}?kind=spa"), 400)
    assert "lang" in error_of(client.get(f"{path}?lang=fr"), 400)


def test_pages_are_html_and_reference_only_this_server(client):
    for path in ("/map", "/embed?kind=homestay", "/tourism?kind=craft_village", "/?f=html"):
        r = client.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        external = [u for u in re.findall(r"""(?:src|href)=["']([^"']+)""", r.text)
                    if u.startswith(("http:", "https:", "//")) and not u.startswith("http://testserver")]
        assert external == [], (path, external)
    assert 'href="/map' in client.get("/?f=html").text  # the landing page leads to the map


def test_vendor_libraries_are_served_from_node_modules(client):
    r = client.get("/static/vendor/maplibre-gl/maplibre-gl.js")
    assert r.status_code == 200 and "javascript" in r.headers["content-type"] and len(r.content) > 100_000
    assert client.get("/static/vendor/maplibre-gl/maplibre-gl.css").status_code == 200
    assert client.get("/static/vendor/leaflet/leaflet.js").status_code == 200
    assert client.get("/static/map/main.js").status_code == 200


def test_missing_vendor_libraries_answer_503_saying_how_to_install(app_client, shared_demo, tmp_path, caplog):
    c = app_client(shared_demo, vendor_dir=tmp_path)
    assert "npm ci" in caplog.text
    assert "npm ci" in error_of(c.get("/static/vendor/maplibre-gl/maplibre-gl.js"), 503)
    assert "known" in error_of(c.get("/static/vendor/nothing/x.js"), 404)
    assert c.get("/static/map/main.js").status_code == 200  # our own files still are


def test_popup_titles_come_from_the_registry_and_leave_out_nothing_public(settings):
    config = map_config(settings, "http://x", "vi")
    places = {p["name"]: p["title"] for p in config["collections"]["tourism_places"]["properties"]}
    assert places["kind"] == {"vi": "Loại hình", "en": "Kind"}
    for layer_id, doc in config["collections"].items():
        assert {p["name"] for p in doc["properties"]} <= set(BY_ID[layer_id].property_names)
    assert config["values"]["tourism_places"]["kind"]["historic_site"] == {"vi": "Di tích", "en": "Historic site"}


def test_label_points_one_per_commune_inside_it(client, shared_demo):
    import psycopg

    body = client.get("/styles/map/labels/communes.geojson")
    assert body.status_code == 200 and body.headers["content-type"] == "application/geo+json"
    features = body.json()["features"]
    with psycopg.connect(shared_demo) as conn:
        n = conn.execute("SELECT count(*) FROM communes").fetchone()[0]
        lon, lat = features[0]["geometry"]["coordinates"]
        inside = conn.execute("SELECT ST_Contains(geom, ST_SetSRID(ST_MakePoint(%s, %s), 4326)) FROM communes "
                              "WHERE code = %s", (lon, lat, features[0]["properties"]["code"])).fetchone()[0]
    assert len(features) == n and inside
    assert set(features[0]["properties"]) == {"code", "name_vi", "name_en"}
    assert client.get("/styles/map/labels/villages.geojson").status_code == 200
    assert "communes, villages" in error_of(client.get("/styles/map/labels/households.geojson"), 404)


@pytest.mark.parametrize("lang, other", [("vi", "Features"), ("en", "Số đối tượng")])
def test_layer_pages_speak_one_language_with_words(client, lang, other):
    listing = client.get(f"/collections?f=html&lang={lang}").text
    assert other not in listing
    about = client.get(f"/collections/growing_areas?f=html&lang={lang}").text
    assert ("Vùng" if lang == "vi" else "Area") in about and ">Polygon<" not in about and "MultiPolygon" not in about
    assert "features (GeoJSON)" not in about and "queryable properties" not in about  # link titles of the JSON
    assert other not in about
    assert ("Thuộc tính lọc được" if lang == "vi" else "Queryable properties") in client.get(
        f"/collections/growing_areas/queryables?f=html&lang={lang}").text
    assert ("Các chuẩn OGC" if lang == "vi" else "OGC conformance") in client.get(f"/conformance?f=html&lang={lang}").text


def test_layer_list_counts_in_the_page_language(client):
    vi = client.get("/collections?f=html&lang=vi").text
    en = client.get("/collections?f=html&lang=en").text
    assert re.search(r">\d{1,3}(\.\d{3})+<", vi) and re.search(r">\d{1,3}(,\d{3})+<", en)  # households: 1.234 / 1,234


PAGES = ["/collections?f=html", "/collections/households?f=html", "/collections/growing_areas/queryables?f=html",
         "/conformance?f=html", "/collections/growing_areas/items/999999?f=html", "/no/such/page"]


@pytest.mark.parametrize("page", [{"width": 360, "height": 740}, {"width": 1366, "height": 768}], indirect=True,
                         ids=["phone", "desktop"])
def test_layer_and_error_pages_fit_the_screen(page, page_log, live_url):
    for path in PAGES:
        response = page.goto(f"{live_url}{path}{'&' if '?' in path else '?'}lang=en")
        assert response.headers["content-type"].startswith("text/html"), path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"], (path, width)
    assert page.locator("h1").inner_text() == "Page not found"
    page.get_by_role("link", name="Go to the map").click()
    page.wait_for_url("**/map?lang=en")
    # Chromium logs a console error for every 404 document: only those two are allowed.
    assert page_log.blocked == [] and page_log.failed == []
    assert all(e.startswith("404 ") for e in page_log.http_errors) and len(page_log.http_errors) == 2


def test_household_table_names_villages_and_communes(client):
    page = client.get("/collections/households/items?f=html&lang=vi&limit=200").text
    villages = re.findall(r'data-label="Thôn"[^>]*>(.*?)</td>', page)
    communes = re.findall(r'data-label="Xã, phường"[^>]*>(.*?)</td>', page)
    assert len(villages) == len(communes) == 200
    assert all(v.startswith('<a href="/collections/villages/items/') for v in villages)
    assert all(re.search(r">(Xã|Phường|Đặc khu) ", c) for c in communes)
