"""Self-crossing boundaries for the repair bounds (issue 11, item 3): stars and zig-zags of any
size around a point, as GeoJSON geometry dicts (lon/lat)."""
from __future__ import annotations

import math

import numpy as np


def _ring(xy: np.ndarray) -> dict:
    ring = np.vstack([xy, xy[:1]])
    return {"type": "Polygon", "coordinates": [ring.tolist()]}


def star(points: int, lon: float, lat: float, radius_m: float = 200) -> dict:
    """`points` (odd) on a circle joined k → k + (points-1)/2: every edge crosses nearly every
    other, about points²/4 crossings. The issue's star is star(1601, …): 1,602 coordinates."""
    k = np.arange(points)
    angle = k * ((points - 1) // 2) * 2 * math.pi / points
    dx = radius_m / (111_320 * math.cos(math.radians(lat)))
    return _ring(np.column_stack([lon + dx * np.cos(angle), lat + radius_m / 110_574 * np.sin(angle)]))


def zigzag(teeth: int, lon: float, lat: float, size_m: float = 300) -> dict:
    """A comb of `teeth` whose closing edge cuts through every tooth: one crossing each."""
    w = size_m / (111_320 * math.cos(math.radians(lat)))
    h = size_m / 110_574
    x = lon - w / 2 + w * np.arange(teeth) / max(teeth - 1, 1)
    y = lat - h / 2 + h * (np.arange(teeth) % 2)
    return _ring(np.vstack([np.column_stack([x, y]), [[lon + w / 2, lat], [lon - w / 2, lat]]]))


def vertices(geometry: dict) -> int:
    return sum(len(ring) for ring in geometry["coordinates"])
