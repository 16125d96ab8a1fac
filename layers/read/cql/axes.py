"""Swap the axes of a CQL2 JSON filter's geometry literals, for lat/lon CRSs (EPSG:4326).

`filter-crs=…/EPSG/0/4326` means the client wrote latitude first; the database stores
longitude first. Swapping once in the parsed filter keeps the SQL side unaware of axis order.
"""
from __future__ import annotations

GEOMETRY_TYPES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
                  "GeometryCollection"}


def _swap(coords):
    if coords and isinstance(coords[0], (int, float)):
        return [coords[1], coords[0], *coords[2:]]
    return [_swap(c) for c in coords]


def flip_axes(node):
    if isinstance(node, list):
        return [flip_axes(n) for n in node]
    if not isinstance(node, dict):
        return node
    if node.get("type") in GEOMETRY_TYPES:
        out = dict(node)
        if "coordinates" in out:
            out["coordinates"] = _swap(out["coordinates"])
        if "geometries" in out:
            out["geometries"] = [flip_axes(g) for g in out["geometries"]]
        return out
    if set(node) == {"bbox"} and isinstance(node["bbox"], list):
        b = node["bbox"]
        half = len(b) // 2
        return {"bbox": _swap(b[:half]) + _swap(b[half:])} if half == 2 else node
    return {k: flip_axes(v) for k, v in node.items()}
