"""The default MapLibre style (v8) of the combined tileset, from each registry layer's style.

Drawing order is fills under lines under points (polygons, then lines, then points within a
kind), so boundaries and symbols stay visible over coloured areas. No glyphs or sprites: the
style has no text yet, and nothing is fetched from outside the server.
"""
from __future__ import annotations

from geo.vocabulary import CROP_NAMES, per_code
from layers.read.registry import match
from tiles.tilejson import fitting_zoom
from tiles.tilesets import MvtLayer, Tileset, mvt_layers

SOURCE = "ntm"
BACKGROUND = "#f4f1ea"
KIND_RANK = {"background": 0, "raster": 1, "fill": 2, "fill-extrusion": 3, "line": 4,
             "heatmap": 5, "circle": 6, "symbol": 7}
GEOMETRY_RANK = {"Polygon": 0, "LineString": 1, "Point": 2}

# Crop fills: Paul Tol's "muted" qualitative scheme (9 colours + pale grey, made to stay apart for
# protan, deutan and tritan vision). Assigned so the crops people confuse most (orange, pineapple,
# pomelo; tea, vegetables, sugarcane) are furthest apart: simulated (Machado 2009) at 0.7 opacity
# over the map's land, each of those pairs differs by >= 31 CIELAB units for every colour-vision
# deficiency (the previous colours: 5-8); tests/browser/test_map_ux_palette.py measures it.
CROP_PALETTE = per_code(
    CROP_NAMES, "map crop colours", orange="#DDCC77", tea="#44AA99", passion_fruit="#AA4499", rice="#117733",
    pineapple="#88CCEE", peanut="#CC6677", sugarcane="#999933", pomelo="#882255", banana="#DDDDDD",
    vegetables="#332288",
)
# The default style's paint, where it differs from the registry's (colours read on both maps).
PAINT = {"growing_areas": {"fill-color": match("crop", CROP_PALETTE)}}


def draw_rank(layer: MvtLayer) -> tuple[int, int]:
    geometry = layer.source.geometry_type.removeprefix("Multi")
    return KIND_RANK.get(layer.style.get("type"), 4), GEOMETRY_RANK.get(geometry, 1)


def style_layer(layer: MvtLayer, top: int) -> dict:
    """`top` is the tileset's max zoom: beyond it MapLibre overzooms, so no layer stops there."""
    out = {"id": layer.id, **layer.style, "source": SOURCE, "source-layer": layer.id}
    if layer.id in PAINT:
        out["paint"] = {**out.get("paint", {}), **PAINT[layer.id]}
    if layer.minzoom > 0:
        out["minzoom"] = layer.minzoom
    if layer.maxzoom < top:
        out["maxzoom"] = layer.maxzoom + 1  # a style's maxzoom is exclusive, the tiles' inclusive
    return out


def style(tileset: Tileset, tilejson_url: str, bounds, lang: str = "vi") -> dict:
    """`bounds` (lon/lat) centre the initial view."""
    layers = sorted(mvt_layers(tileset), key=draw_rank)  # stable: registry order within a rank
    top = max(layer.maxzoom for layer in layers)
    west, south, east, north = bounds
    return {
        "version": 8,
        "name": tileset.title(lang),
        "center": [(west + east) / 2, (south + north) / 2],
        "zoom": fitting_zoom(bounds),
        "sources": {SOURCE: {"type": "vector", "url": tilejson_url}},
        "layers": [{"id": "background", "type": "background", "paint": {"background-color": BACKGROUND}},
                   *(style_layer(layer, top) for layer in layers)],
    }
