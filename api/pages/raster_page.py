"""The HTML page of a raster collection (/collections/{name}?f=html, issue 13): what a person
needs to judge a raster before using it (kind, units, resolution, CRS, date, source, licence,
whether it is synthetic), its legend, a small picture of its tiles and the links a developer
wants. The picture is the server's own tiles as <img> in a grid, not a MapLibre map: the page
then needs no script (the CSP allows only our own files) and shows the same pixels the map does.
"""
from __future__ import annotations

import math

from tiles.raster import documents
from tiles.raster.zooms import zoom_range

OPACITY = 0.8  # as the web map draws a classes or values raster over its basemap (tiles.raster.documents)
MAX_SIDE = 3  # tiles across the picture at most: 768 px of tiles, shown at the page's width


def _tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2 ** z
    lat = max(min(lat, 85.0511), -85.0511)
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def picture(raster, base: str) -> dict:
    """The deepest zoom (within the raster's) at which its footprint fits MAX_SIDE tiles a side."""
    low, high = zoom_range(raster.resolution_m, raster.bbox)
    west, south, east, north = raster.bbox
    for z in range(high, low - 1, -1):
        (x0, y0), (x1, y1) = _tile(west, north, z), _tile(east, south, z)
        if x1 - x0 < MAX_SIDE and y1 - y0 < MAX_SIDE or z == low:
            break
    url = documents.tiles_url(base, raster)
    rows = [[url.replace("{z}", str(z)).replace("{x}", str(x)).replace("{y}", str(y)) for x in range(x0, x1 + 1)]
            for y in range(y0, y1 + 1)]
    return {"z": z, "rows": rows, "columns": x1 - x0 + 1}


def context(raster, base: str, lang: str) -> dict:
    here = f"{base}/collections/{raster.name}"
    return {"lang": lang, "r": raster, "c": documents.collection_document(raster, base, lang),
            "legend": documents.legend(raster, lang), "picture": picture(raster, base),
            "opacity": 1.0 if raster.kind == "imagery" else OPACITY,
            "links": {"tilejson": f"{documents.prefix(base, raster)}/WebMercatorQuad/tilejson.json",
                      "tilesets": documents.prefix(base, raster), "legend": f"{here}/legend",
                      "json": f"{here}?f=json", "opendata": f"{base}/opendata?lang={lang}",
                      "map": f"{base}/map?lang={lang}"}}


def tilesets_context(raster, base: str, lang: str) -> dict:
    """The tilesets page: one tileset (WebMercatorQuad), its zooms, formats and addresses."""
    low, high = zoom_range(raster.resolution_m, raster.bbox)
    tilesets = documents.prefix(base, raster)
    return {"lang": lang, "r": raster, "title": raster.title(lang), "low": low, "high": high,
            "tile_url": documents.tiles_url(base, raster), "formats": "PNG, WebP",
            "links": {"tileset": f"{tilesets}/WebMercatorQuad", "tilejson": f"{tilesets}/WebMercatorQuad/tilejson.json",
                      "json": f"{tilesets}?f=json", "page": f"{base}/collections/{raster.name}?f=html&lang={lang}"}}
