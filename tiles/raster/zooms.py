"""The zooms a raster is served at, from its pixel size and extent (no file opened).

native: the WebMercatorQuad zoom whose pixel is as fine as the raster's at its latitude (a
Web Mercator pixel shrinks by cos(latitude) on the ground). Tiles are served down to zoom 0
(overviews make them cheap) and up to native + OVERZOOM, past which a tile only repeats pixels
(MapLibre enlarges the last zoom itself). minzoom, the zoom at which the whole raster spans a
tile or two, is what TileJSON advises clients to start at.
"""
from __future__ import annotations

import math

EQUATOR_PIXEL_M = 2 * math.pi * 6378137 / 256  # zoom 0 pixel size at the equator, 256 px tiles
OVERZOOM = 2


def native_zoom(resolution_m: float, bbox: tuple[float, float, float, float]) -> int:
    lat = math.radians((bbox[1] + bbox[3]) / 2)
    return max(0, min(22, math.ceil(math.log2(EQUATOR_PIXEL_M * math.cos(lat) / max(resolution_m, 1e-3)) - 0.1)))


def zoom_range(resolution_m: float, bbox: tuple[float, float, float, float]) -> tuple[int, int]:
    """(minzoom, maxzoom) of the tiles advertised; tiles exist for 0..maxzoom."""
    width = max(bbox[2] - bbox[0], bbox[3] - bbox[1], 1e-9)
    maxzoom = min(24, native_zoom(resolution_m, bbox) + OVERZOOM)
    return max(0, min(maxzoom, int(math.log2(360 / width)))), maxzoom
