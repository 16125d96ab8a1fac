"""Geometry checks and repair for loading: what can be fixed is fixed, the rest gets a reason.

Vectorised over shapely arrays: a province's worth of parcels is repaired in one call, and each
row comes back as ok / repaired / rejected with a sentence a user can act on.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

OK, REPAIRED, REJECTED = "ok", "repaired", "rejected"
_PARTS_OF = {
    "Point": ("Point", "MultiPoint"),
    "LineString": ("LineString", "MultiLineString"),
    "Polygon": ("Polygon", "MultiPolygon"),
}


@dataclass
class Repaired:
    geoms: np.ndarray  # shapely geometries (None where rejected)
    status: np.ndarray  # OK / REPAIRED / REJECTED per row
    reasons: list[str | None]


def family(geom_type: str) -> str:
    """'MultiPolygon' → 'Polygon'."""
    return geom_type.removeprefix("3D ").split(" ")[0].removeprefix("Multi")


def _coerce(geom, target: str):
    """Put geom in the layer's storage type: (geometry, why not, what was dropped)."""
    all_parts = shapely.get_parts(geom)
    parts = [p for p in all_parts if p.geom_type in _PARTS_OF[target]]
    if not parts:
        return None, f"a {geom.geom_type} cannot go in a {target} layer", None
    dropped = sorted({p.geom_type for p in all_parts if p.geom_type not in _PARTS_OF[target]})
    note = f"dropped the {', '.join(dropped)} parts of a {geom.geom_type}" if dropped else None
    if target == "Point":
        if len(parts) > 1:
            return None, "a MultiPoint with several points cannot go in a Point layer", None
        return parts[0], None, note
    multi = shapely.MultiPolygon if target == "Polygon" else shapely.MultiLineString
    flat = []
    for p in parts:
        flat.extend(shapely.get_parts(p))
    return multi(flat), None, note


def _segments(geom) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each ring's segments as 2-point lines, with the first and last segment index of its ring."""
    rings = shapely.get_rings(shapely.get_parts(geom))
    segs, first, last = [], [], []
    start = 0
    for ring in rings:
        xy = shapely.get_coordinates(ring)
        n = len(xy) - 1
        if n < 1:
            continue
        segs.append(shapely.linestrings(np.stack([xy[:-1], xy[1:]], axis=1)))
        first.append(np.full(n, start))
        last.append(np.full(n, start + n - 1))
        start += n
    if not segs:
        return np.empty(0, dtype=object), np.empty(0, dtype=int), np.empty(0, dtype=int)
    return np.concatenate(segs), np.concatenate(first), np.concatenate(last)


def crossings(geom, cap: int) -> int:
    """How many pairs of non-adjacent ring segments meet, counted until more than `cap`.

    What `make_valid` has to node: a bow-tie has 1, a parcel drawn with a slip a few, a star of
    n points about n²/4 (1,601 points: 640,000, and 100 s and 2.7 GB to repair). Counting stops
    early: chunks of segments are queried against an index of all of them, small chunks first,
    so a star is refused after a few thousand pairs while a clean ring costs O(n log n).
    """
    segs, first, last = _segments(geom)
    n = len(segs)
    if n < 3:
        return 0
    tree = shapely.STRtree(segs)
    total, i, step = 0, 0, 8
    while i < n:
        chunk = np.arange(i, min(i + step, n))
        left, right = tree.query(segs[chunk])
        left = chunk[left]
        adjacent = (first[left] == first[right]) & (
            (right == left + 1) | ((left == first[left]) & (right == last[left])))
        keep = (right > left) & ~adjacent
        left, right = left[keep], right[keep]
        for s in range(0, len(left), 65_536):  # bounded memory per step, and an early exit
            total += int(np.count_nonzero(shapely.intersects(segs[left[s:s + 65_536]], segs[right[s:s + 65_536]])))
            if total > cap:
                return total
        i += step
        step = min(step * 2, 4096)
    return total


def repair(geoms: np.ndarray, target: str, max_crossings: int = 10_000) -> Repaired:
    """Make each geometry valid, 2D and of the target family (Multi* for lines and polygons).

    A polygon crossing itself in more than `max_crossings` places is rejected unrepaired:
    `make_valid` needs minutes and gigabytes for it (see `crossings`)."""
    n = len(geoms)
    out = np.empty(n, dtype=object)
    status = np.full(n, OK, dtype=object)
    reasons: list[str | None] = [None] * n
    geoms = np.asarray(geoms, dtype=object)
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    for i in np.flatnonzero(missing):
        status[i], reasons[i] = REJECTED, "no geometry"
    present = np.flatnonzero(~missing)
    flat = shapely.force_2d(geoms[present])
    finite = np.array([np.isfinite(shapely.get_coordinates(g)).all() for g in flat], dtype=bool)
    valid = shapely.is_valid(flat)
    reason_text = shapely.is_valid_reason(flat)
    for j, i in enumerate(present):
        g = flat[j]
        if not finite[j]:
            status[i], reasons[i] = REJECTED, "coordinates are not finite numbers"
            continue
        note = None
        if not valid[j]:
            note = reason_text[j]
            if target == "Polygon" and crossings(g, max_crossings) > max_crossings:
                status[i], reasons[i] = REJECTED, (f"invalid geometry ({note}) too complex to repair: it crosses "
                                                   f"itself in more than {max_crossings:,} places; simplify it")
                continue
            g = shapely.make_valid(g, method="structure", keep_collapsed=False) if target == "Polygon" else shapely.make_valid(g)
        fixed, why, dropped = _coerce(g, target)
        if fixed is None or fixed.is_empty:
            status[i] = REJECTED
            reasons[i] = (f"invalid geometry that cannot be repaired ({note}): {why or 'nothing is left'}"
                          if note else why or "nothing is left after repair")
            continue
        if target == "Polygon" and shapely.area(fixed) == 0:
            status[i], reasons[i] = REJECTED, "polygon has no area"
            continue
        out[i] = fixed
        done = "; ".join(n for n in (note, dropped) if n)
        if done:
            status[i], reasons[i] = REPAIRED, f"repaired: {done}"
    return Repaired(out, status, reasons)


def outside_world(geoms: np.ndarray) -> np.ndarray:
    """True where WGS84 coordinates fall outside lon ±180 / lat ±90 (a wrong CRS, usually)."""
    b = shapely.bounds(geoms)
    return (b[:, 0] < -180) | (b[:, 2] > 180) | (b[:, 1] < -90) | (b[:, 3] > 90)
