"""The one tile grid served: OGC WebMercatorQuad (the XYZ grid of web maps), from morecantile.

Tile addresses come from URLs, so they are checked here against the matrix before any SQL is
built; a wrong address is the client's mistake (400 naming the valid range), not a 500.
"""
from __future__ import annotations

from functools import lru_cache

import morecantile
from morecantile.models import TileMatrixSet

TMS_ID = "WebMercatorQuad"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
TILING_SCHEME_REL = "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"


class UnknownTileMatrixSet(KeyError):
    """A tile matrix set id this service does not offer (→ 404)."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return self.args[0]


class TileOutOfRange(ValueError):
    """z/x/y outside the tile matrix set (→ 400 with the valid range)."""


@lru_cache(maxsize=1)
def web_mercator() -> TileMatrixSet:
    return morecantile.tms.get(TMS_ID)


def tile_matrix_set(tms_id: str) -> TileMatrixSet:
    if tms_id != TMS_ID:
        raise UnknownTileMatrixSet(f"unknown tile matrix set {tms_id!r}; this service offers {TMS_ID}")
    return web_mercator()


@lru_cache(maxsize=1)
def crs_uri() -> str:
    return document()["crs"]


def zoom_range() -> tuple[int, int]:
    tms = web_mercator()
    return tms.minzoom, tms.maxzoom


def check_tile(z: int, x: int, y: int) -> None:
    low, high = zoom_range()
    if not low <= z <= high:
        raise TileOutOfRange(f"tile matrix (zoom) {z} is outside {TMS_ID}: use {low}..{high}")
    matrix = web_mercator().matrix(z)
    if not (0 <= x < matrix.matrixWidth and 0 <= y < matrix.matrixHeight):
        raise TileOutOfRange(
            f"tile {z}/{x}/{y} is outside {TMS_ID}: at zoom {z}, x must be 0..{matrix.matrixWidth - 1}"
            f" and y 0..{matrix.matrixHeight - 1}"
        )


def xy_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(xmin, ymin, xmax, ymax) in EPSG:3857 metres; neighbours share their edges exactly."""
    b = web_mercator().xy_bounds(morecantile.Tile(x, y, z))
    return b.left, b.bottom, b.right, b.top


def lonlat_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    b = web_mercator().bounds(morecantile.Tile(x, y, z))
    return b.left, b.bottom, b.right, b.top


def world_half_width() -> float:
    """Half the width of the square Web Mercator world, in metres (ST_TileEnvelope's bounds)."""
    return -web_mercator().xy_bounds(morecantile.Tile(0, 0, 0)).left


@lru_cache(maxsize=1)
def document() -> dict:
    """The OGC Two Dimensional Tile Matrix Set 2.0 JSON encoding (shared: do not modify)."""
    return web_mercator().model_dump(mode="json", exclude_none=True)


def summary(base: str) -> dict:
    tms = web_mercator()
    return {
        "id": tms.id, "title": tms.title, "uri": str(tms.uri), "crs": crs_uri(),
        "links": [
            {"href": f"{base}/tileMatrixSets/{tms.id}", "rel": "self", "type": "application/json",
             "title": f"{tms.id} tile matrix set"},
            {"href": str(tms.uri), "rel": TILING_SCHEME_REL, "title": "definition in the OGC register"},
        ],
    }
