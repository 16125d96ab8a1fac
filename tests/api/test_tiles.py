"""OGC API - Tiles and vector tiles through HTTP: documents, headers, revalidation, freshness."""
from __future__ import annotations

import mapbox_vector_tile
import morecantile
import psycopg
import pytest

from layers.read.registry import BY_ID, LAYERS
from tests.support import started_client

MVT = "application/vnd.mapbox-vector-tile"
TMS = morecantile.tms.get("WebMercatorQuad")


def one(url, query, *args):
    with psycopg.connect(url) as conn:
        return conn.execute(query, args).fetchone()


def tile_of(url, query, z, *args) -> str:
    lon, lat = one(url, query, *args)
    t = TMS.tile(lon, lat, z)
    return f"{z}/{t.x}/{t.y}"


def decode(r) -> dict:
    return mapbox_vector_tile.decode(r.content)


def test_tile_matrix_sets(reader):
    body = reader.get("/tileMatrixSets").json()
    assert [t["id"] for t in body["tileMatrixSets"]] == ["WebMercatorQuad"]
    href = next(l["href"] for l in body["tileMatrixSets"][0]["links"] if l["rel"] == "self")
    doc = reader.get(href).json()
    assert doc["id"] == "WebMercatorQuad" and len(doc["tileMatrices"]) == 25
    r = reader.get("/tileMatrixSets/WorldCRS84Quad")
    assert r.status_code == 404 and r.json()["code"] == "NotFound" and "WebMercatorQuad" in r.json()["description"]


@pytest.mark.parametrize("prefix", ["/collections/tourism_places/tiles", "/tiles"])
def test_tilesets_and_their_metadata(reader, prefix):
    listing = reader.get(prefix).json()
    (summary,) = listing["tilesets"]
    assert summary["dataType"] == "vector" and summary["crs"].endswith("EPSG/0/3857")
    rels = {l["rel"]: l["href"] for l in summary["links"]}
    assert rels["http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"].endswith("/tileMatrixSets/WebMercatorQuad")
    meta = reader.get(rels["self"]).json()
    links = {l["rel"]: l for l in meta["links"]}
    assert links["item"]["templated"] and links["item"]["type"] == MVT
    assert links["item"]["href"].endswith("/WebMercatorQuad/{tileMatrix}/{tileCol}/{tileRow}")
    assert reader.get(links["alternate"]["href"]).json()["tilejson"] == "3.0.0"
    west, south = meta["boundingBox"]["lowerLeft"]
    assert 103 < west < 105 and 18 < south < 19
    layer_ids = {layer["id"] for layer in meta["layers"]}
    assert ("tourism_places" in layer_ids) and (prefix == "/tiles") == ("households_grid" in layer_ids)


def test_unknown_collection_and_tile_matrix_set_are_404_json(reader):
    for path in ("/collections/nope/tiles", "/collections/nope/tiles/WebMercatorQuad/0/0/0",
                 "/collections/nope/tiles/WebMercatorQuad/tilejson.json"):
        r = reader.get(path)
        assert r.status_code == 404 and "known layers: provinces" in r.json()["description"], path
    for path in ("/tiles/GoogleCRS84Quad/0/0/0", "/collections/communes/tiles/Foo", "/tiles/Foo/tilejson.json"):
        r = reader.get(path)
        assert r.status_code == 404 and r.json()["code"] == "NotFound", path


@pytest.mark.parametrize("address, says", [
    ("3/8/0", "x must be 0..7 and y 0..7"), ("3/0/-1", "x must be 0..7"), ("25/0/0", "use 0..24"),
    ("-1/0/0", "use 0..24"), ("3/a/0", "tileCol: Input should be a valid integer"), ("3/0/1.5", "tileRow:"),
])
def test_bad_tile_addresses_are_400_json(reader, address, says):
    for prefix in ("/tiles/WebMercatorQuad", "/collections/communes/tiles/WebMercatorQuad"):
        r = reader.get(f"{prefix}/{address}")
        assert r.status_code == 400 and r.json()["code"] == "InvalidParameterValue"
        assert says in r.json()["description"]


def test_tile_headers_and_revalidation(reader, shared_demo):
    path = "/tiles/WebMercatorQuad/" + tile_of(shared_demo, "SELECT ST_X(geom), ST_Y(geom) FROM tourism_places LIMIT 1", 8)
    r = reader.get(path)
    assert r.status_code == 200 and r.headers["content-type"] == MVT
    etag = r.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) == 34
    assert r.headers["cache-control"] == "public, max-age=60"
    layers = decode(r)
    assert {"provinces", "communes", "ntm_results", "growing_areas", "tourism_places", "households_grid"} <= set(layers)
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = reader.get(path, headers={"If-None-Match": header})
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert reader.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    assert reader.get(path).content == r.content


def test_empty_tiles_are_200_with_no_body(reader):
    for path in ("/tiles/WebMercatorQuad/10/0/0", "/collections/villages/tiles/WebMercatorQuad/5/25/14"):
        r = reader.get(path)
        assert r.status_code == 200 and r.content == b"" and r.headers["content-type"] == MVT and r.headers["etag"]


def test_households_tiles_expose_addresses_only(reader, shared_demo):
    query = "SELECT ST_X(geom), ST_Y(geom) FROM households ORDER BY id LIMIT 1"
    high = decode(reader.get("/collections/households/tiles/WebMercatorQuad/" + tile_of(shared_demo, query, 16)))
    assert set(high) == {"households"} and high["households"]["features"]
    public = set(BY_ID["households"].property_names)
    assert all(set(f["properties"]) <= public for f in high["households"]["features"])
    low = decode(reader.get("/collections/households/tiles/WebMercatorQuad/" + tile_of(shared_demo, query, 11)))
    assert set(low) == {"households_grid"}
    assert all(set(f["properties"]) == {"count"} for f in low["households_grid"]["features"])


def at(prefix: str, lon: float, lat: float, z: int) -> str:
    t = TMS.tile(lon, lat, z)
    return f"{prefix}/WebMercatorQuad/{z}/{t.x}/{t.y}"


def features(r, layer: str) -> dict:
    return {f["id"]: f["properties"] for f in decode(r).get(layer, {"features": []})["features"]}


@pytest.mark.parametrize("cache_mb", [256, 0])
def test_tiles_follow_edits_at_once(settings, demo_db, cache_mb):
    place, lon, lat = one(demo_db, "SELECT id, ST_X(geom), ST_Y(geom) FROM tourism_places ORDER BY id LIMIT 1")
    area, crop, alon, alat = one(demo_db, "SELECT id, crop, ST_X(p), ST_Y(p) FROM (SELECT id, crop, "
                                          "ST_PointOnSurface(geom) p FROM growing_areas WHERE status = 'granted' "
                                          "ORDER BY id LIMIT 1) s")
    new_crop = "tea" if crop != "tea" else "orange"
    place_tile = at("/collections/tourism_places/tiles", lon, lat, 12)
    area_tile = at("/tiles", alon, alat, 13)
    with started_client(settings, demo_db, tile_cache_mb=cache_mb) as reader:
        before, area_before = reader.get(place_tile), reader.get(area_tile)
        assert place in features(before, "tourism_places")
        assert features(area_before, "growing_areas")[area]["crop"] == crop
        with psycopg.connect(demo_db, autocommit=True) as conn:
            conn.execute("UPDATE tourism_places SET geom = ST_Translate(geom, 0.5, 0.3) WHERE id = %s", (place,))
            conn.execute("UPDATE growing_areas SET crop = %s WHERE id = %s", (new_crop, area))
        after = reader.get(place_tile, headers={"If-None-Match": before.headers["etag"]})
        assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
        assert place not in features(after, "tourism_places")
        moved = reader.get(at("/collections/tourism_places/tiles", lon + 0.5, lat + 0.3, 12))
        assert place in features(moved, "tourism_places")
        area_after = reader.get(area_tile)
        assert area_after.headers["etag"] != area_before.headers["etag"]
        assert features(area_after, "growing_areas")[area]["crop"] == new_crop


def test_tilejson(reader):
    for path, tiles_prefix in (("/tiles/WebMercatorQuad/tilejson.json", "/tiles/WebMercatorQuad/"),
                               ("/collections/households/tiles/WebMercatorQuad/tilejson.json",
                                "/collections/households/tiles/WebMercatorQuad/")):
        tj = reader.get(path).json()
        assert tj["tilejson"] == "3.0.0" and tj["scheme"] == "xyz"
        assert tj["tiles"] == [f"http://testserver{tiles_prefix}{{z}}/{{x}}/{{y}}"]
        assert tj["minzoom"] == 0 and tj["maxzoom"] == 22
        west, south, east, north = tj["bounds"]
        assert west < tj["center"][0] < east and south < tj["center"][1] < north
        for vl in tj["vector_layers"]:
            assert set(vl) >= {"id", "fields", "minzoom", "maxzoom", "description"}
            assert set(vl["fields"].values()) <= {"String", "Number", "Boolean"}
    tj = reader.get("/tiles/WebMercatorQuad/tilejson.json?lang=en").json()
    by_id = {vl["id"]: vl for vl in tj["vector_layers"]}
    assert set(by_id) == {layer.id for layer in LAYERS} | {"households_grid"}
    assert set(by_id["households"]["fields"]) == set(BY_ID["households"].property_names)
    assert (by_id["households"]["minzoom"], by_id["households_grid"]["maxzoom"]) == (14, 13)
    assert by_id["villages"]["minzoom"] == 10 and by_id["households_grid"]["fields"] == {"count": "Number"}


def test_style_is_a_maplibre_v8_style_of_the_combined_tileset(reader):
    style = reader.get("/styles/default/style.json").json()
    assert style["version"] == 8 and set(style["sources"]) == {"ntm"}
    source = style["sources"]["ntm"]
    assert source["type"] == "vector" and source["url"] == "http://testserver/tiles/WebMercatorQuad/tilejson.json"
    vector_layers = {vl["id"]: vl for vl in reader.get(source["url"]).json()["vector_layers"]}
    layers = style["layers"]
    assert layers[0]["type"] == "background"
    ids = [layer["id"] for layer in layers]
    assert len(ids) == len(set(ids))
    for layer in layers[1:]:
        assert layer["source"] == "ntm" and layer["source-layer"] in vector_layers
        assert layer["type"] in {"fill", "line", "circle", "symbol"} and isinstance(layer["paint"], dict)
        vl = vector_layers[layer["source-layer"]]
        assert layer.get("minzoom", 0) == vl["minzoom"]
        assert layer.get("maxzoom") == (vl["maxzoom"] + 1 if vl["maxzoom"] < 22 else None)  # no cut-off when overzoomed
    kinds = [layer["type"] for layer in layers[1:]]
    assert kinds == sorted(kinds, key=["fill", "line", "circle"].index)
    assert set(vector_layers) == set(ids[1:])
    assert "glyphs" not in style and "sprite" not in style
    assert "http" not in str(style).replace("http://testserver/", "")


def test_uncached_and_disk_cached_modes_serve_the_same_tiles(settings, shared_demo, reader, tmp_path):
    path = "/tiles/WebMercatorQuad/" + tile_of(shared_demo, "SELECT ST_X(geom), ST_Y(geom) FROM households LIMIT 1", 9)
    reference = reader.get(path)
    with started_client(settings, shared_demo, tile_cache_mb=0) as uncached:
        for _ in range(2):
            r = uncached.get(path)
            assert r.content == reference.content and r.headers["etag"] == reference.headers["etag"]
        assert len(uncached.app.state.tiles.cache) == 0
    with started_client(settings, shared_demo, tile_cache_dir=tmp_path) as disk:
        assert disk.get(path).content == reference.content
    assert [p.stat().st_size for p in tmp_path.rglob("*.mvt")] == [len(reference.content)]
    with started_client(settings, shared_demo, tile_cache_dir=tmp_path) as restarted:
        assert restarted.get(path).content == reference.content
        assert restarted.app.state.tiles.cache.hits == 1


def test_tile_queries_obey_the_statement_timeout(settings, shared_demo):
    with started_client(settings, shared_demo, statement_timeout_ms=1, tile_cache_mb=0) as slow:
        r = slow.get("/tiles/WebMercatorQuad/6/50/28")
    assert r.status_code == 503 and r.headers["retry-after"] and "took too long" in r.json()["description"]


def test_tiles_are_gzipped_for_clients_that_ask_and_readable_cross_origin(reader, shared_demo):
    import gzip

    path = "/tiles/WebMercatorQuad/" + tile_of(shared_demo, "SELECT ST_X(geom), ST_Y(geom) FROM tourism_places LIMIT 1", 8)
    plain = reader.get(path, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and len(plain.content) > 1024
    with reader.stream("GET", path, headers={"Accept-Encoding": "gzip"}) as r:
        raw = b"".join(r.iter_raw())
    assert r.headers["content-encoding"] == "gzip" and r.headers["vary"] == "Accept-Encoding"
    assert gzip.decompress(raw) == plain.content and len(raw) < len(plain.content)
    assert plain.headers["access-control-allow-origin"] == "*"
    head = reader.head(path)
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == plain.headers["etag"]
