"""A raster's legend as the lookup tables the renderer applies, and the hash that names them.

Categorical: each class's value gets its exact colour, every other value is transparent (a
value the legend does not name is not guessed at). Continuous: the stops are spread over a
256-entry table covering [value_min, value_max] (linear between stops, flat beyond the ends), as
TiTiler's and QGIS's "linear" colour ramps do; a pixel takes the entry nearest its value.
"""
from __future__ import annotations

import hashlib
import json

import numpy as np

TABLE = 256


def rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def legend_hash(kind: str, legend: dict | None, value_min: float | None, value_max: float | None) -> str:
    """Changes whenever the colours a tile gets could change (part of the tile's ETag)."""
    text = json.dumps([kind, legend, value_min, value_max], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def class_colours(legend: dict | None) -> dict[int, tuple[int, int, int]]:
    return {int(c["value"]): rgb(c["colour"]) for c in (legend or {}).get("classes", [])}


def ramp(legend: dict | None, value_min: float, value_max: float) -> np.ndarray:
    """(256, 3) uint8: entry i is the colour of value_min + i/255 × (value_max − value_min)."""
    stops = (legend or {}).get("stops") or [[value_min, "#000000"], [value_max, "#ffffff"]]
    at = np.array([float(v) for v, _ in stops])
    cols = np.array([rgb(c) for _, c in stops], dtype=float)
    values = np.linspace(value_min, value_max, TABLE)
    table = np.stack([np.interp(values, at, cols[:, i]) for i in range(3)], axis=1)
    return np.rint(table).astype(np.uint8)


def ramp_index(data: np.ndarray, value_min: float, value_max: float) -> np.ndarray:
    """The table entry of each value (nearest; clamped to the ends)."""
    span = (value_max - value_min) or 1.0
    idx = np.rint((data.astype("float64") - value_min) * ((TABLE - 1) / span))
    return np.clip(idx, 0, TABLE - 1).astype(np.intp)
