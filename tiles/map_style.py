"""The web map's MapLibre style: an offline basemap drawn from ntm-map's own tiles, plus the themes.

The basemap (background, province land, province boundaries, commune and village names) needs
nothing from outside the server, so the map works with no internet. Text has no `glyphs` URL:
MapLibre GL JS (≥ 5.11) then draws labels with the browser's own fonts, Vietnamese diacritics
included, instead of fetching glyph files. Layers marked `ntm:basemap` are dropped by the page
when a deployment configures an external basemap (`NTM_BASEMAP_STYLE_URL`).
"""
from __future__ import annotations

from collections.abc import Callable

from tiles.map_layers import COVERAGE_SOURCE, FONT, SOURCE, groups, label_layer, layer
from tiles.map_vocabulary import BOUNDARY_CREDIT
from tiles.style import KIND_RANK
from tiles.tilejson import fitting_zoom
from tiles.tilesets import GRID_SUFFIX, Tileset

BACKGROUND = "#dfe7ea"  # outside the province: water-like grey-blue
LAND = "#f7f5ee"


def labels_source(layer_id: str) -> str:
    return f"labels-{layer_id}"


def basemap_layers(lang: str) -> tuple[list[dict], list[dict]]:
    """(under the themes, over the themes) layers of the offline basemap. Names come from one
    point per place (GeoJSON sources), not from polygon tiles, so each is written once."""
    under = [
        {"id": "background", "type": "background", "paint": {"background-color": BACKGROUND}},
        layer("land", "provinces", "fill", {"fill-color": LAND}),
    ]
    over = [
        layer("provinces-line", "provinces", "line", {"line-color": "#37474f", "line-width": 2.2}),
        label_layer("communes-label", "communes", lang, ["interpolate", ["linear"], ["zoom"], 8, 10, 13, 14], 8),
        label_layer("villages-label", "villages", lang, 11, 13, vi_field="name", en_field="name"),
    ]
    for item in over[1:]:
        item["source"] = labels_source(item.pop("source-layer"))
    for item in under + over:
        item["metadata"] = {**item.get("metadata", {}), "ntm:basemap": True}
    return under, over


def attribution(lang: str, words: Callable[[str], dict[str, str]]) -> str:
    """The boundaries' credit their licence asks for, in the style's language."""
    return words(BOUNDARY_CREDIT)[lang]


def _rank(item: dict) -> int:
    return KIND_RANK.get(item["type"], 4)


# Tiles past this zoom add nothing a phone can see (half-pixel simplification is ~1 m here):
# MapLibre overzooms them, which saves requests at street level. Households start at z14.
SOURCE_MAXZOOM = 16


MORE = f"{SOURCE}-more"


def _collection(item: dict) -> str:
    return item["source-layer"].removesuffix(GRID_SUFFIX)


def split_sources(tileset: Tileset, tiles_url: str, layers: list[dict]) -> dict[str, str]:
    """{source id: tile URL}: the collections of the layers shown at first in `SOURCE`, the rest
    (switched on later, if ever) in `MORE`. MapLibre asks a source for tiles only while one of
    its layers is visible, so the first view does not download the hidden layers' features (on
    a phone over 3G they were a third of the first tile). Each layer is moved to its source."""
    shown = {_collection(i) for i in layers
             if i.get("source") == SOURCE and i.get("layout", {}).get("visibility") != "none"}
    first = [layer.id for layer in tileset.layers if layer.id in shown]
    later = [layer.id for layer in tileset.layers if layer.id not in shown]
    if not first or not later:
        return {SOURCE: tiles_url}
    for item in layers:
        if item.get("source") == SOURCE and _collection(item) in later:
            item["source"] = MORE
    glue = "&" if "?" in tiles_url else "?"
    return {SOURCE: f"{tiles_url}{glue}collections={','.join(first)}",
            MORE: f"{tiles_url}{glue}collections={','.join(later)}"}


def map_style(tileset: Tileset, tiles_url: str, bounds, lang: str = "vi", labels_url: str | None = None,
              sprite_url: str | None = None, *, words: Callable[[str], dict[str, str]],
              rasters: tuple[dict, list[dict]] = ({}, []), coverage_url: str | None = None) -> dict:
    """`tiles_url` is the {z}/{x}/{y} template; the source is inline (no TileJSON round trip) and
    bounded to the data, so no tile outside the province is asked for. `bounds` also centre the
    view; toggles set each layer's visibility. `labels_url` has a {layer} placeholder.
    `sprite_url` (without .json/.png) holds the icons the layers name (tiles.sprite). `words` gives
    a catalogue key's {vi, en} (api.i18n: tiles/ names the panel's words by key, it cannot read
    the catalogue): the boundaries' credit and a layer's note (popups show it in either language).
    `rasters` are (sources, layers) from tiles.raster.documents.style_entries: hidden raster layers
    drawn over the land and under every theme. `coverage_url`: the address-coverage GeoJSON
    (tiles.map_layers.coverage_toggle); without it that theme is left out."""
    themed = []
    for group in groups(lang):
        for toggle in group.toggles:
            for item in toggle.layers:
                meta = {"ntm:collection": toggle.collection, **item.get("metadata", {}), "ntm:toggle": toggle.id,
                        "ntm:group": group.id}
                if "ntm:note" in meta:
                    meta["ntm:note"] = words(meta["ntm:note"])
                layout = {**item.get("layout", {}), "visibility": "visible" if toggle.visible else "none"}
                themed.append({**item, "layout": layout, "metadata": meta})
    if not coverage_url:
        themed = [i for i in themed if i.get("source") != COVERAGE_SOURCE]
    under, over = basemap_layers(lang)
    if not labels_url:  # no label points to read: no names
        over = over[:1]
    # Fills under lines under points under text; the switcher's order holds within each kind.
    ordered = sorted(themed, key=_rank)
    text = [i for i in ordered if i["type"] == "symbol"]
    shapes = [i for i in ordered if i["type"] != "symbol"]
    lines_end = max((n for n, i in enumerate(shapes) if i["type"] == "line"), default=len(shapes) - 1) + 1
    west, south, east, north = bounds
    layers = [*under, *rasters[1], *shapes[:lines_end], *over[:1], *shapes[lines_end:], *over[1:], *text]
    urls = split_sources(tileset, tiles_url, layers)
    vector = {"type": "vector", "minzoom": 0, "maxzoom": SOURCE_MAXZOOM, "bounds": [west, south, east, north]}
    return {
        "version": 8,
        "name": tileset.title(lang),
        "metadata": {"ntm:font": FONT, "ntm:bounds": [west, south, east, north], "ntm:detail-zoom": tileset.detail_zoom},
        **({"sprite": sprite_url} if sprite_url else {}),
        "center": [(west + east) / 2, (south + north) / 2],
        "zoom": fitting_zoom(bounds),
        "sources": {SOURCE: {**vector, "tiles": [urls[SOURCE]], "attribution": attribution(lang, words)},
                    **({MORE: {**vector, "tiles": [urls[MORE]]}} if MORE in urls else {}),
                    **{labels_source(name): {"type": "geojson", "data": labels_url.format(layer=name)}
                       for name in ("communes", "villages") if labels_url}, **rasters[0],
                    **({COVERAGE_SOURCE: {"type": "geojson", "data": coverage_url}} if coverage_url else {})},
        "layers": layers,
    }
