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


def repair(geoms: np.ndarray, target: str) -> Repaired:
    """Make each geometry valid, 2D and of the target family (Multi* for lines and polygons)."""
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
