"""The properties a feature keeps in the web map's tiles below its detail zoom.

Below that zoom a growing area or a homestay is a speck, yet it carried every public property
(addresses, descriptions, dates): on a phone over 3G the province's first tile was half text no
one could read. The combined map's tiles (the web map's) keep, there, what drawing and naming
need: the properties the map's style reads (`["get", name]` in its paint, layout and filters)
and the names, codes and keys the popups' headings and the keyboard's feature list use. A popup
opened there asks the feature's item for the rest (api/static/map/popup.js). Each collection's
own tileset stays complete at every zoom: it is the data, for GIS clients and apps.
"""
from __future__ import annotations

from functools import cache

from layers.read.registry import Layer, Property
from tiles.map_layers import groups
from tiles.tilesets import GRID_SUFFIX

# What the page reads besides the style: headings (popup.js heading), the commune of a feature
# (placePoint, the NTM view's assessed communes), the NTM years shown and "met/total criteria".
NAMED = frozenset({"name_vi", "name_en", "full_name_vi", "name", "code", "address_code", "commune_code", "year",
                   "criteria_met", "criteria_total"})


def _reads(expression, into: set[str]) -> None:
    if isinstance(expression, list):
        if len(expression) >= 2 and expression[0] == "get" and isinstance(expression[1], str):
            into.add(expression[1])
        for part in expression:
            _reads(part, into)
    elif isinstance(expression, dict):
        for part in expression.values():
            _reads(part, into)


@cache
def styled() -> dict[str, frozenset[str]]:
    """Collection → the properties any of the map's layers of it reads."""
    found: dict[str, set[str]] = {}
    for group in groups("vi"):
        for toggle in group.toggles:
            for item in toggle.layers:
                if "source-layer" not in item:  # a GeoJSON theme (address coverage), not from tiles
                    continue
                names = found.setdefault(item["source-layer"].removesuffix(GRID_SUFFIX), set())
                for key in ("paint", "layout", "filter"):
                    _reads(item.get(key), names)
    return {name: frozenset(names) for name, names in found.items()}


def summary(layer: Layer) -> tuple[Property, ...]:
    keep = styled().get(layer.id, frozenset()) | NAMED
    return tuple(p for p in layer.properties if p.name in keep)
