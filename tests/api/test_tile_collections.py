"""The combined map's tiles for a chosen set of collections (OGC API - Tiles, collections
selection): the web map asks for the layers it shows first and the rest only when switched on."""
from __future__ import annotations

import re

import mapbox_vector_tile
import pytest

from layers.read.registry import BY_ID, LAYERS
from tests.api.test_tiles import tile_of
from tests.support import started_client
from tiles.prepared import PreparedTiles
from tiles.tilesets import combined

TILES = "/tiles/WebMercatorQuad/"


@pytest.fixture(scope="module")
def address(shared_demo) -> str:
    # A tile with tourism places, growing areas and households' counts in it.
    return tile_of(shared_demo, "SELECT ST_X(geom), ST_Y(geom) FROM tourism_places LIMIT 1", 8)


def layers_of(r) -> dict:
    assert r.status_code == 200, r.text
    return mapbox_vector_tile.decode(r.content)


def test_a_selection_holds_its_layers_only_and_the_same_features(reader, address):
    whole = layers_of(reader.get(TILES + address))
    part = reader.get(TILES + address, params={"collections": "tourism_places,households"})
    got = layers_of(part)
    assert set(got) == {"tourism_places", "households_grid"} and set(whole) > set(got)
    for name in got:
        assert got[name]["features"] == whole[name]["features"]
    assert part.headers["etag"] != reader.get(TILES + address).headers["etag"]
    # One selection however it is spelled: same bytes, same tag, 304 on the other spelling.
    again = reader.get(TILES + address, params={"collections": "households, tourism_places,households"})
    assert again.content == part.content and again.headers["etag"] == part.headers["etag"]
    assert reader.get(TILES + address + "?collections=households,tourism_places",
                      headers={"If-None-Match": part.headers["etag"]}).status_code == 304


def test_every_collection_is_the_whole_map(reader, address):
    whole = reader.get(TILES + address)
    every = reader.get(TILES + address, params={"collections": ",".join(layer.id for layer in reversed(LAYERS))})
    assert every.headers["etag"] == whole.headers["etag"] and every.content == whole.content


@pytest.mark.parametrize("value, names", [("tourism_places,castles", "'castles'"), ("", "''"), (",", "''")])
def test_an_unknown_or_empty_selection_is_a_400_in_the_asked_language(reader, address, value, names):
    for lang, says in (("vi", f"Không có lớp dữ liệu {names}"), ("en", f"unknown layer {names}")):
        r = reader.get(TILES + address, params={"collections": value, "lang": lang},
                       headers={"Accept": "application/json"})
        assert r.status_code == 400 and r.headers["content-type"].startswith("application/")
        body = r.json()
        assert says in body["description"] and "tourism_places" in body["description"], body


def test_the_selection_is_advertised(reader):
    assert ("http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/collections-selection"
            in reader.get("/conformance").json()["conformsTo"])
    path = reader.get("/api").json()["paths"]["/tiles/{tileMatrixSetId}/{tileMatrix}/{tileCol}/{tileRow}"]
    assert "collections" in {p["name"] for p in path["get"]["parameters"]}


def test_compiled_tile_sql_is_kept_for_a_bounded_number_of_selections(settings):
    prepared = PreparedTiles(settings, entries=2)
    names = [layer.id for layer in LAYERS]
    first = prepared.get(combined(names[:1]), 8)
    prepared.get(combined(names[:2]), 8)
    assert prepared.get(combined(names[:1]), 8) is first  # used last: kept
    prepared.get(combined(names[:3]), 8)
    assert len(prepared) == 2 and prepared.get(combined(names[:1]), 8) is first


def test_the_web_maps_tiles_carry_a_summary_below_the_detail_zoom_and_everything_from_it(reader, shared_demo):
    """Below z12 a growing area of the combined map keeps what the style draws and the popup's
    heading names; its collection's own tiles (the data) and the combined ones from z12 keep all."""
    query = "SELECT ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)) FROM growing_areas ORDER BY id LIMIT 1"
    low, high = tile_of(shared_demo, query, 8), tile_of(shared_demo, query, 12)
    every = set(BY_ID["growing_areas"].property_names)

    def keys(path: str) -> set[str]:
        features = layers_of(reader.get(path))["growing_areas"]["features"]
        assert features
        return set().union(*(f["properties"] for f in features))

    summary = keys(TILES + low)
    assert {"code", "name", "crop", "status"} <= summary and not summary & {"address", "farming_diary", "valid_to"}
    assert keys(f"{TILES}{low}?collections=growing_areas") == summary
    assert keys(f"/collections/growing_areas/tiles/WebMercatorQuad/{low}") > summary | {"address"}
    assert keys(TILES + high) == keys(f"/collections/growing_areas/tiles/WebMercatorQuad/{high}")
    assert keys(TILES + high) <= every and len(keys(TILES + high)) > len(summary) + 5


@pytest.fixture(scope="module")
def with_rasters(databases, demo_rasters):
    with started_client(demo_rasters.settings, databases.create(template=demo_rasters.template)) as client:
        yield client


@pytest.mark.parametrize("path", ["/tiles/WebMercatorQuad", "/collections/communes/tiles/WebMercatorQuad",
                                  "/tiles", "/collections/landcover/map/tiles/WebMercatorQuad"])
def test_tileset_documents_title_their_links_in_the_asked_language(with_rasters, path):
    titles = {lang: [link.get("title", "") for doc in [with_rasters.get(path, params={"lang": lang}).json()]
                     for link in doc.get("links", []) + [x for t in doc.get("tilesets", []) for x in t["links"]]]
              for lang in ("vi", "en")}
    assert titles["vi"] != titles["en"]
    for title in titles["vi"]:
        assert not re.search(r"\b(tileset|tiles|style|legend|map)\b", title), title
