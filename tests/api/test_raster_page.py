"""A raster's /collections/{name} answers a browser with a page (issue 13): its facts and legend
in the page's language, the picture's tiles served, JSON still for f=json and for API clients."""
from __future__ import annotations

import re

import pytest

from tests.support import started_client
from tests.tiles import raster_cogs as cogs


@pytest.fixture(scope="module")
def client(databases, schema_template, settings, tmp_path_factory):
    db = databases.create(template=schema_template)
    home = settings.model_copy(update={"raster_dir": tmp_path_factory.mktemp("r3-page-rasters")})
    cogs.register_all(db, home, tmp_path_factory.mktemp("r3-page-src"))
    with started_client(settings, db, raster_dir=home.raster_dir, raise_server_exceptions=False,
                        raster_recheck_s=0) as c:
        yield c


@pytest.mark.parametrize(("lang", "words"), [
    ("vi", ["Lớp phủ", "Rừng", "Lúa", "Nước", "Phân loại (mỗi màu một loại)", "Độ phân giải"]),
    ("en", ["Land cover", "Forest", "Rice", "Water", "Classes (one colour per class)", "Resolution"]),
])
def test_a_categorical_raster_page_in_each_language(client, lang, words):
    r = client.get(f"/collections/r3_landcover?f=html&lang={lang}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    for w in words:
        assert w in r.text, w
    assert 'data-colour="#1a9641"' in r.text and "/map/tiles/WebMercatorQuad/tilejson.json" in r.text
    tiles = re.findall(r'<img src="([^"]+)"', r.text)
    assert tiles and all(client.get(t).headers["content-type"] == "image/png" for t in tiles)


def test_a_browser_gets_the_page_and_an_api_client_json(client):
    assert client.get("/collections/r3_landcover", headers={"Accept": "text/html,*/*"}
                      ).headers["content-type"].startswith("text/html")
    assert client.get("/collections/r3_landcover").json()["id"] == "r3_landcover"
    assert client.get("/collections/r3_landcover?f=json", headers={"Accept": "text/html"}).json()["itemType"] == "coverage"


def test_a_continuous_raster_shows_its_ramp_with_units(client):
    text = client.get("/collections/r3_elevation?f=html&lang=en").text
    assert "Colour ramp from 0 to 1,000" in text and "linear-gradient(to right, #00ff00 0.0%, #ffff00 50.0%, #ff0000 100.0%)" in text
    assert ">m<" in text
    assert "Imagery" in client.get("/collections/r3_imagery?f=html&lang=en").text


@pytest.mark.parametrize(("lang", "words"), [("vi", ["Bộ ô ảnh của Lớp phủ", "Mức thu phóng", "Về trang lớp Lớp phủ"]),
                                             ("en", ["Tilesets of Land cover", "Zoom levels", "Back to Land cover"])])
def test_the_tilesets_page(client, lang, words):
    r = client.get(f"/collections/r3_landcover/map/tiles?f=html&lang={lang}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert all(w in r.text for w in words)
    assert "/map/tiles/WebMercatorQuad/{z}/{x}/{y}" in r.text
    assert client.get("/collections/r3_landcover/map/tiles").json()["tilesets"]
    bad = client.get("/collections/r3_landcover/map/tiles?f=xml&lang=en")
    assert bad.status_code == 400 and "f=json or f=html" in bad.json()["description"]
