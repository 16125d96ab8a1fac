"""The tile grid without a database: the TMS document, address checks and bounds."""
from __future__ import annotations

import pytest

from tiles import grid


def test_document_is_ogc_tms_2_json():
    doc = grid.document()
    assert doc["id"] == "WebMercatorQuad"
    assert doc["uri"] == "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
    assert doc["crs"] == "http://www.opengis.net/def/crs/EPSG/0/3857"
    matrices = doc["tileMatrices"]
    assert [m["id"] for m in matrices] == [str(z) for z in range(25)]
    assert all(m["matrixWidth"] == m["matrixHeight"] == 2 ** int(m["id"]) for m in matrices)
    assert matrices[0]["cornerOfOrigin"] == "topLeft" and matrices[0]["tileWidth"] == 256


@pytest.mark.parametrize("z, x, y", [(0, 0, 0), (3, 7, 7), (14, 13003, 7299), (24, 2**24 - 1, 0)])
def test_valid_tiles_pass(z, x, y):
    grid.check_tile(z, x, y)


@pytest.mark.parametrize("z, x, y, says", [
    (-1, 0, 0, "use 0..24"), (25, 0, 0, "use 0..24"),
    (3, 8, 0, "x must be 0..7 and y 0..7"), (3, 0, 8, "x must be 0..7"), (1, -1, 0, "0..1"),
])
def test_tiles_outside_the_matrix_name_the_valid_range(z, x, y, says):
    with pytest.raises(grid.TileOutOfRange) as err:
        grid.check_tile(z, x, y)
    assert says in str(err.value)


def test_only_web_mercator_is_offered():
    assert grid.tile_matrix_set("WebMercatorQuad").id == "WebMercatorQuad"
    with pytest.raises(KeyError) as err:
        grid.tile_matrix_set("WorldCRS84Quad")
    assert str(err.value) == "unknown tile matrix set 'WorldCRS84Quad'; this service offers WebMercatorQuad"


def test_bounds():
    w = grid.world_half_width()
    assert w == pytest.approx(20037508.342789244)
    assert grid.xy_bounds(0, 0, 0) == pytest.approx((-w, -w, w, w))
    west, south, east, north = grid.lonlat_bounds(0, 0, 0)
    assert (west, east) == pytest.approx((-180, 180)) and north == pytest.approx(85.0511287798)
    # Neighbours share edges exactly (the household grid counts rely on it).
    for z, x, y in [(6, 50, 28), (14, 13003, 7299)]:
        here, right, below = grid.xy_bounds(z, x, y), grid.xy_bounds(z, x + 1, y), grid.xy_bounds(z, x, y + 1)
        assert here[2] == right[0] and here[1] == below[3]
