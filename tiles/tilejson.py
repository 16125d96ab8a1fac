"""TileJSON 3.0.0 documents, which MapLibre and QGIS read to find tiles, zooms and layers.

`bounds` is the extent of the province(s) in the database: all layers lie within it, and
clients use it to skip requests for empty tiles. It is cached against the admin boundaries'
version, so one cheap query runs per boundary edit, not per request.
"""
from __future__ import annotations

import math

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from layers.read.registry import get
from layers.read.relations import public_select
from tiles.grid import zoom_range
from tiles.tilesets import Tileset, mvt_layers

WORLD = (-180.0, -85.0511287798066, 180.0, 85.0511287798066)


def extent_statement() -> sa.Select:
    base = public_select(get("provinces"))
    ext = sa.func.ST_Extent(base.selected_columns.geom)
    return base.with_only_columns(sa.func.ST_XMin(ext), sa.func.ST_YMin(ext),
                                  sa.func.ST_XMax(ext), sa.func.ST_YMax(ext))


class Bounds:
    """The data extent in lon/lat, recomputed when a source of the provinces layer changes."""

    def __init__(self) -> None:
        self._key: tuple | None = None
        self._bounds: tuple[float, float, float, float] = WORLD

    async def get(self, conn: AsyncConnection, stamps: dict[str, str]) -> tuple[float, float, float, float]:
        key = tuple(stamps.get(t) for t in get("provinces").sources)
        if key != self._key:
            row = (await conn.execute(extent_statement())).one()
            self._bounds = WORLD if row[0] is None else tuple(float(v) for v in row)
            self._key = key
        return self._bounds


def fitting_zoom(bounds: tuple[float, float, float, float]) -> int:
    """The zoom at which the bounds' width spans about one 512 px tile."""
    width = max(bounds[2] - bounds[0], 1e-6)
    return max(0, min(14, int(math.log2(360 / width))))


def tilejson(tileset: Tileset, tiles_url: str, bounds, lang: str = "en") -> dict:
    layers = mvt_layers(tileset)
    low, high = zoom_range()
    minzoom = max(low, min(layer.minzoom for layer in layers))
    maxzoom = min(high, max(layer.maxzoom for layer in layers))
    west, south, east, north = bounds
    return {
        "tilejson": "3.0.0",
        "name": tileset.id,
        "description": tileset.title(lang),
        "scheme": "xyz",
        "tiles": [tiles_url],
        "minzoom": minzoom,
        "maxzoom": maxzoom,
        "bounds": [west, south, east, north],
        "center": [(west + east) / 2, (south + north) / 2, max(minzoom, fitting_zoom(bounds))],
        "vector_layers": [
            {"id": layer.id, "description": layer.description(lang), "minzoom": layer.minzoom,
             "maxzoom": layer.maxzoom, "fields": layer.fields}
            for layer in layers
        ],
    }
