"""What a tileset holds: one registry layer (a collection) or all of them (the combined map).

Besides each registry layer, a point layer hidden below its min zoom (households: individual
addresses only from z14) appears there as `<id>_grid`, counts per grid cell, so a map shows
where addresses are without handing out every point of the province in one tile.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from layers.read.registry import LAYERS, Layer, get

COMBINED = "ntm"
GRID_SUFFIX = "_grid"
GRID_CELLS = 32  # cells per tile side for the counts below min zoom
MVT_TYPES = {"string": "String", "integer": "Number", "number": "Number", "boolean": "Boolean",
             "date": "String", "array": "String"}  # dates as ISO text, arrays as JSON text
GRID_STYLE = {"type": "circle", "paint": {
    "circle-color": "#6d4c41", "circle-opacity": 0.6, "circle-stroke-color": "#ffffff",
    "circle-stroke-width": 0.5,
    "circle-radius": ["interpolate", ["linear"], ["sqrt", ["get", "count"]], 1, 2, 10, 7, 40, 16],
}}


DETAIL_ZOOM = 12  # the web map's tiles carry every property from here (tiles.summary)


@dataclass(frozen=True)
class Tileset:
    id: str
    title_vi: str
    title_en: str
    layers: tuple[Layer, ...]
    detail_zoom: int = 0  # below it, features carry their summary properties (tiles.summary)

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({t for layer in self.layers for t in layer.sources}))

    def title(self, lang: str) -> str:
        return self.title_vi if lang == "vi" else self.title_en


@dataclass(frozen=True)
class MvtLayer:
    """One layer of the tiles as clients see it (TileJSON vector_layers, style source-layer)."""

    id: str
    source: Layer
    fields: dict[str, str]
    minzoom: int
    maxzoom: int
    style: dict
    grid: bool = False

    def description(self, lang: str) -> str:
        src = self.source
        if not self.grid:
            return src.description_vi if lang == "vi" else src.description_en
        if lang == "vi":
            return (f"{src.title_vi}: số lượng theo ô lưới (1/{GRID_CELLS} cạnh ô bản đồ) "
                    f"dưới mức zoom {src.min_zoom}")
        return f"{src.title_en}: number per grid cell (1/{GRID_CELLS} of a tile side) below zoom {src.min_zoom}"


class UnknownCollections(KeyError):
    """Names in a `collections` selection that are no layer of the combined map."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        self.names = names


def combined(collections: Iterable[str] | None = None) -> Tileset:
    """The combined map, or the part of it holding `collections` (OGC API - Tiles' collections
    selection): the web map asks for the layers it shows at first and the rest only when one of
    them is switched on. A part is its own tileset (id `ntm~a+b`), so its tiles, tags and cache
    entries never mix with the whole map's; the layers keep the registry's order, so every
    spelling of one selection is one tileset. Raises UnknownCollections."""
    if collections is None:
        return Tileset(COMBINED, "Bản đồ nông thôn mới", "New Rural Development map", LAYERS, DETAIL_ZOOM)
    wanted = {name.strip() for name in collections if name.strip()}
    unknown = sorted(wanted - {layer.id for layer in LAYERS})
    if unknown or not wanted:
        raise UnknownCollections(unknown)
    chosen = tuple(layer for layer in LAYERS if layer.id in wanted)
    if len(chosen) == len(LAYERS):
        return combined()
    return Tileset(f"{COMBINED}~{'+'.join(layer.id for layer in chosen)}", "Bản đồ nông thôn mới",
                   "New Rural Development map", chosen, DETAIL_ZOOM)


def for_collection(collection_id: str) -> Tileset:
    """Raises KeyError naming the known collections."""
    layer = get(collection_id)
    return Tileset(layer.id, layer.title_vi, layer.title_en, (layer,))


def has_grid(layer: Layer) -> bool:
    return layer.geometry_type.endswith("Point") and layer.min_zoom > 0


def grid_name(layer: Layer) -> str:
    return layer.id + GRID_SUFFIX


def mvt_layers(tileset: Tileset) -> list[MvtLayer]:
    out = []
    for layer in tileset.layers:
        if has_grid(layer):
            out.append(MvtLayer(grid_name(layer), layer, {"count": "Number"}, 0, layer.min_zoom - 1,
                                GRID_STYLE, grid=True))
        fields = {p.name: MVT_TYPES.get(p.type, "String") for p in layer.properties}
        out.append(MvtLayer(layer.id, layer, fields, layer.min_zoom, layer.max_zoom, layer.style))
    return out
