"""Rasters over HTTP (issue 13 item 2): OGC map tilesets, TileJSON, PNG/WebP tiles with ETag/304,
legend, the value at a point (checked against rasterio's own sample), /collections and the map
style; every bad request answered in the API's JSON error shape, never a 500."""
from __future__ import annotations

import io
import time

import morecantile
import numpy as np
import psycopg
import pytest
import rasterio
from PIL import Image
from pyproj import Transformer

from tests.support import started_client
from tests.tiles import raster_cogs as cogs

TMS = morecantile.tms.get("WebMercatorQuad")
BASE = "/collections/{}/map/tiles/WebMercatorQuad"


@pytest.fixture(scope="module")
def db(databases, schema_template):
    return databases.create(template=schema_template)


@pytest.fixture(scope="module")
def rows(db, settings, tmp_path_factory):
    home = settings.model_copy(update={"raster_dir": tmp_path_factory.mktemp("r3-api-rasters")})
    rows = cogs.register_all(db, home, tmp_path_factory.mktemp("r3-api-src"))
    for row in rows.values():
        row["path"] = home.raster_dir / row["file"]
    return rows


@pytest.fixture(scope="module")
def client(settings, db, rows):
    with started_client(settings, db, raster_dir=rows["r3_landcover"]["path"].parent.parent,
                        raise_server_exceptions=False, raster_recheck_s=0) as c:
        yield c


def centre(row) -> tuple[float, float]:
    west, south, east, north = row["bbox"]
    return (west + east) / 2 + (east - west) * 0.113, (south + north) / 2 - (north - south) * 0.071


def sample(row, lon: float, lat: float) -> list:
    with rasterio.open(row["path"]) as ds:
        x, y = Transformer.from_crs("EPSG:4326", ds.crs, always_xy=True).transform(lon, lat)
        return [v.item() for v in next(ds.sample([(x, y)]))]


def is_error(r, status: int) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["status"] == status and body["code"] and body["description"]
    return body


def test_rasters_are_collections(client):
    listed = {c["id"]: c for c in client.get("/collections").json()["collections"]}
    assert {"r3_landcover", "r3_elevation", "r3_imagery", "communes"} <= set(listed)
    assert listed["r3_landcover"]["itemType"] == "coverage" and listed["communes"]["itemType"] == "feature"
    doc = client.get("/collections/r3_elevation", params={"lang": "en"}).json()
    assert doc["title"] == "Elevation" and doc["units"] == "m"
    rels = {link["rel"] for link in doc["links"]}
    assert "http://www.opengis.net/def/rel/ogc/1.0/tilesets-map" in rels
    assert client.get("/collections/communes").json()["itemType"] == "feature"  # vector layers unchanged
    is_error(client.get("/collections/nothing_here"), 404)
    assert client.get("/collections?f=html").status_code == 200


def test_tilesets_tilejson_and_tiles(client, rows):
    meta = client.get(BASE.format("r3_landcover")).json()
    assert meta["dataType"] == "map"
    types = {link["type"] for link in meta["links"] if link["rel"] == "item"}
    assert types == {"image/png", "image/webp"}
    tj = client.get(BASE.format("r3_landcover") + "/tilejson.json").json()
    assert tj["tilejson"] == "3.0.0" and tj["minzoom"] <= tj["maxzoom"]
    assert tj["tiles"][0].endswith("/collections/r3_landcover/map/tiles/WebMercatorQuad/{z}/{x}/{y}")
    assert int(meta["maxTileMatrix"]) == tj["maxzoom"]
    lon, lat = centre(rows["r3_landcover"])
    t = TMS.tile(lon, lat, tj["maxzoom"] - 2)
    url = f"{BASE.format('r3_landcover')}/{t.z}/{t.x}/{t.y}"
    png = client.get(url)
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    image = np.asarray(Image.open(io.BytesIO(png.content)).convert("RGBA"))
    assert (image[..., 3] == 255).any()
    # The tile's colour at the point is the legend colour of rasterio's value there.
    bounds = TMS.xy_bounds(t)
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True).transform(lon, lat)
    col = int((x - bounds.left) / (bounds.right - bounds.left) * 256)
    row = int((bounds.top - y) / (bounds.top - bounds.bottom) * 256)
    value = sample(rows["r3_landcover"], lon, lat)[0]
    colours = {c["value"]: cogs.rgb(c["colour"]) for c in cogs.LANDCOVER["classes"]}
    assert value in colours and tuple(image[row, col, :3]) == colours[value]
    webp = client.get(url, params={"f": "webp"})
    assert webp.headers["content-type"] == "image/webp" and webp.content[8:12] == b"WEBP"
    assert client.get(url, headers={"Accept": "image/webp,*/*"}).headers["content-type"] == "image/webp"
    assert webp.headers["etag"] != png.headers["etag"]


def test_etag_304_and_a_changed_legend_changes_the_tile(client, rows, db):
    lon, lat = centre(rows["r3_landcover"])
    t = TMS.tile(lon, lat, 13)
    url = f"{BASE.format('r3_landcover')}/{t.z}/{t.x}/{t.y}"
    first = client.get(url)
    tag = first.headers["etag"]
    again = client.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.headers["etag"] == tag and not again.content
    legend = {"classes": [{**c, "colour": "#000000"} for c in cogs.LANDCOVER["classes"]]}
    with psycopg.connect(db) as conn:
        conn.execute("UPDATE rasters SET legend = %s::jsonb WHERE name = 'r3_landcover'",
                     (psycopg.types.json.Json(legend),))
    try:
        changed = client.get(url, headers={"If-None-Match": tag})
        assert changed.status_code == 200 and changed.headers["etag"] != tag
        image = np.asarray(Image.open(io.BytesIO(changed.content)).convert("RGBA"))
        assert (image[image[..., 3] > 0][:, :3] == 0).all()  # every shown pixel is the new colour
    finally:
        with psycopg.connect(db) as conn:
            conn.execute("UPDATE rasters SET legend = %s::jsonb WHERE name = 'r3_landcover'",
                         (psycopg.types.json.Json(cogs.LANDCOVER),))


def test_tiles_outside_are_transparent_or_404_and_bad_addresses_are_refused(client, rows):
    tj = client.get(BASE.format("r3_landcover") + "/tilejson.json").json()
    west, south, east, north = rows["r3_landcover"]["bbox"]
    far = TMS.tile(east + 0.3, south - 0.3, tj["maxzoom"])
    r = client.get(f"{BASE.format('r3_landcover')}/{far.z}/{far.x}/{far.y}")
    assert r.status_code == 200
    assert (np.asarray(Image.open(io.BytesIO(r.content)).convert("RGBA"))[..., 3] == 0).all()
    assert str(tj["maxzoom"]) in is_error(client.get(f"{BASE.format('r3_landcover')}/{tj['maxzoom'] + 1}/0/0"),
                                          404)["description"]
    is_error(client.get(f"{BASE.format('r3_landcover')}/3/8/1"), 404)
    is_error(client.get(f"{BASE.format('r3_landcover')}/3/-1/1"), 404)
    is_error(client.get(f"{BASE.format('r3_landcover')}/x/1/1"), 400)
    is_error(client.get(f"{BASE.format('r3_landcover')}/3/1/1", params={"f": "gif"}), 400)
    is_error(client.get("/collections/r3_landcover/map/tiles/OtherQuad/3/1/1"), 404)
    is_error(client.get(f"{BASE.format('communes')}/3/1/1"), 404)  # a vector layer has no map tiles
    is_error(client.get(f"{BASE.format('nothing')}/3/1/1"), 404)


def test_legend_in_both_languages(client):
    vi = client.get("/collections/r3_landcover/legend", params={"lang": "vi"}).json()
    en = client.get("/collections/r3_landcover/legend", params={"lang": "en"}).json()
    assert [c["label"] for c in vi["classes"]] == ["Rừng", "Lúa", "Nước"]
    assert [c["label"] for c in en["classes"]] == ["Forest", "Rice", "Water"]
    assert vi["classes"][0]["colour"] == "#1a9641"
    dem = client.get("/collections/r3_elevation/legend").json()
    assert dem["units"] == "m" and dem["min"] < dem["max"] and dem["stops"] == cogs.STOPS["stops"]
    assert client.get("/collections/r3_imagery/legend").json()["kind"] == "imagery"
    is_error(client.get("/collections/r3_landcover/legend", params={"colour": "x"}), 400)


@pytest.mark.parametrize("name", ["r3_landcover", "r3_elevation", "r3_imagery"])
def test_position_equals_rasterios_sample(client, rows, name):
    row = rows[name]
    lon, lat = centre(row)
    body = client.get(f"/collections/{name}/position", params={"lon": lon, "lat": lat, "lang": "en"}).json()
    want = sample(row, lon, lat)
    if row["kind"] == "imagery":
        assert body["value"] == want
    else:
        assert body["value"] == pytest.approx(want[0])
    if name == "r3_landcover":
        label = {c["value"]: c["label_en"] for c in cogs.LANDCOVER["classes"]}.get(want[0])
        assert body["label"] == label and label
    if name == "r3_elevation":
        assert body["units"] == "m"


def test_position_refusals(client, rows):
    west, south, east, north = rows["r3_elevation"]["bbox"]
    url = "/collections/r3_elevation/position"
    assert "outside" in is_error(client.get(url, params={"lon": east + 1, "lat": north}), 404)["description"]
    nodata = client.get(url, params={"lon": west + (east - west) * 0.01, "lat": north - (north - south) * 0.01})
    assert nodata.status_code == 200 and nodata.json()["value"] is None  # the nodata corner
    for params in ({"lon": "abc", "lat": "21"}, {"lon": "nan", "lat": "21"}, {"lon": "105", "lat": "95"},
                   {"lon": "inf", "lat": "21"}, {"lat": "21"}, {"lon": "105", "lat": "21", "x": "1"}):
        is_error(client.get(url, params=params), 400)
    vi = is_error(client.get(url, params={"lon": "200", "lat": "21", "lang": "vi"}), 400)
    assert "lon phải là số" in vi["description"]


def test_style_has_hidden_raster_layers_with_what_the_switcher_needs(client):
    style = client.get("/styles/map/style.json", params={"lang": "en"}).json()
    ids = [layer["id"] for layer in style["layers"]]
    for name, kind in (("r3_landcover", "categorical"), ("r3_elevation", "continuous"), ("r3_imagery", "imagery")):
        source = style["sources"][f"raster-{name}"]
        assert source["type"] == "raster" and source["tiles"][0].endswith("/{z}/{x}/{y}")
        layer = style["layers"][ids.index(f"raster-{name}")]
        assert layer["layout"]["visibility"] == "none" and layer["metadata"]["ntm:kind"] == kind
        assert layer["metadata"]["ntm:legend"].endswith(f"/collections/{name}/legend")
        assert layer["metadata"]["ntm:basemap-candidate"] is (kind == "imagery")
        assert "ntm:basemap" not in layer["metadata"]  # kept under an external basemap style
        assert layer["metadata"]["ntm:resolution_m"] > 0 and layer["metadata"]["ntm:synthetic"] is False
        assert ids.index("land") < ids.index(f"raster-{name}") < ids.index("provinces-line")  # over land, under lines
    assert style["layers"][ids.index("raster-r3_landcover")]["paint"]["raster-resampling"] == "nearest"


def test_a_raster_made_private_disappears(client, db):
    with psycopg.connect(db) as conn:
        conn.execute("UPDATE rasters SET public = false WHERE name = 'r3_imagery'")
    try:
        is_error(client.get("/collections/r3_imagery/legend"), 404)
        assert "r3_imagery" not in {c["id"] for c in client.get("/collections").json()["collections"]}
    finally:
        with psycopg.connect(db) as conn:
            conn.execute("UPDATE rasters SET public = true WHERE name = 'r3_imagery'")


def test_with_a_recheck_interval_a_new_legend_shows_after_it(settings, db, rows):
    """NTM_RASTER_RECHECK_S (default 1 s, 3 s here): within it the registry is not read again (cached tiles need no
    database), after it the new legend is served."""
    with started_client(settings, db, raster_dir=rows["r3_landcover"]["path"].parent.parent, raster_recheck_s=3.0) as c:
        url = "/collections/r3_landcover/legend"
        assert c.get(url).json()["classes"][0]["colour"] == "#1a9641"
        legend = {"classes": [{**cl, "colour": "#000000"} for cl in cogs.LANDCOVER["classes"]]}
        with psycopg.connect(db) as conn:
            conn.execute("UPDATE rasters SET legend = %s::jsonb WHERE name = 'r3_landcover'",
                         (psycopg.types.json.Json(legend),))
        try:
            assert c.get(url).json()["classes"][0]["colour"] == "#1a9641"  # read < 3 s ago
            time.sleep(3.1)
            assert c.get(url).json()["classes"][0]["colour"] == "#000000"
        finally:
            with psycopg.connect(db) as conn:
                conn.execute("UPDATE rasters SET legend = %s::jsonb WHERE name = 'r3_landcover'",
                             (psycopg.types.json.Json(cogs.LANDCOVER),))


def test_requests_racing_a_cold_registry_all_see_the_rasters(settings, db, rows):
    """The first requests after start-up arrive together: none may be answered from the empty
    registry the first one is still filling (a 404 for a raster that exists)."""
    import asyncio

    from layers.db.engines import async_engine
    from layers.read.rasters import RasterRegistry

    async def go():
        engine = async_engine(settings, db)
        try:
            registry = RasterRegistry(settings.model_copy(update={"raster_recheck_s": 60.0}))
            tasks = []
            for _ in range(40):  # staggered: some arrive while the first is between its queries
                tasks.append(asyncio.create_task(registry.get(engine, "r3_landcover")))
                await asyncio.sleep(0.0005)
            seen = await asyncio.gather(*tasks)
            assert all(r is not None and r.kind == "categorical" for r in seen)
        finally:
            await engine.dispose()
    asyncio.run(go())
