"""A request's GeoJSON geometry → a checked CRS84 MultiPolygon (or the problems with it).

Checking a boundary can be the costliest thing a request does: `make_valid` of a self-crossing
star of 1,601 points took 100 s and 2.7 GB (issue 11), `is_valid` of a 20,000-point star
0.7 s. So only a small polygon that is already valid is checked in the request (`is_valid` of
at most growing_inline_vertices points: 1.5 ms for a 1,001-point star, microseconds for a sound
ring). Anything else goes to a bounded worker process (layers.workers.bounded) with a deadline and a
memory cap; there a polygon crossing itself in more than growing_repair_max_crossings places is
refused before any repair (counting stops early: 0.1–0.4 s for any star up to the vertex
limit), and what is left repairs in under a second. A worker that overruns anyway is killed,
and the boundary is refused as too complex to repair. One request, or one upload, gets
growing_upload_check_s of worker time for all its boundaries.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import numpy as np
import shapely
import shapely.geometry
from pyproj import Transformer

from geo.area_rules import Checked, Limits, Problem, check_geometry
from geo.geometry import crossings
from geo.ogc_crs import OgcCRS
from geo.said import Said
from layers.workers.bounded import Unbounded, runner
from layers.write.growing.errors import BadBody

POLYGONAL = ("Polygon", "MultiPolygon")


class Budget:
    """Seconds of worker time left to one request or upload (shared by its boundaries)."""

    def __init__(self, seconds: float):
        self.left = seconds


@dataclass(frozen=True)
class ShapeLimits(Limits):
    inline_vertices: int = 1_000
    timeout_s: float = 5.0
    max_crossings: int = 10_000
    workers: int = 2
    memory_mb: int = 512
    budget: Budget = field(default_factory=lambda: Budget(120.0), compare=False)

    def rules(self) -> Limits:
        """The plain rules, for the worker (no budget to copy there)."""
        return Limits(self.max_vertices, self.max_area_ha, dict(self.min_area_ha))


def limits_of(settings) -> ShapeLimits:
    """The rules and bounds for one request or upload (each call starts a new time budget)."""
    return ShapeLimits(
        max_vertices=settings.growing_max_vertices, max_area_ha=settings.growing_max_area_ha,
        min_area_ha=dict(settings.growing_min_area_ha), inline_vertices=settings.growing_inline_vertices,
        timeout_s=settings.growing_repair_timeout_s, max_crossings=settings.growing_repair_max_crossings,
        workers=settings.bounded_workers, memory_mb=settings.bounded_memory_mb,
        budget=Budget(settings.growing_upload_check_s))


def parse(geometry, crs: OgcCRS | None) -> shapely.Geometry:
    if not isinstance(geometry, dict) or "type" not in geometry:
        raise BadBody(Said("geometry must be a GeoJSON geometry object (Polygon or MultiPolygon)",
                           "errors.api.growing.geometry_object"))
    try:
        geom = shapely.geometry.shape(geometry)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        raise BadBody(f"geometry is not valid GeoJSON ({type(exc).__name__}: {exc})"[:300]) from None
    if crs is None or crs.srid == 4326 and not crs.lat_first:
        return geom
    if crs.lat_first:
        geom = shapely.transform(geom, lambda xy: xy[:, ::-1])
    if crs.srid != 4326:
        tr = Transformer.from_crs(crs.srid, 4326, always_xy=True)
        geom = shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))
    return geom


async def checked(geometry, crs: OgcCRS | None, settings) -> Checked:
    """check_shape for a request on the event loop: a small valid polygon inline, anything else
    in a thread (as an upload runs it), which waits for the bounded worker off the loop."""
    geom, limits = parse(geometry, crs), limits_of(settings)
    if _inline(geom, limits):
        return check_geometry(geom, limits.rules())
    return await asyncio.to_thread(check_shape, geom, limits)


def _inline(geom, limits: ShapeLimits) -> bool:
    """Cheap enough for the request: a small valid polygon, or what check_geometry refuses
    before any validity work (not a polygon, too many vertices)."""
    if geom is None or geom.geom_type not in POLYGONAL:
        return True
    n = shapely.get_num_coordinates(geom)
    return n > limits.max_vertices or (n <= limits.inline_vertices and bool(shapely.is_valid(geom)))


def check_in_worker(geom, rules: Limits, max_crossings: int) -> Checked:
    """check_geometry, after refusing a polygon that crosses itself too often to repair."""
    flat = shapely.force_2d(geom)
    coords = shapely.get_coordinates(flat)
    if (len(coords) and np.isfinite(coords).all() and (np.abs(coords) <= (180, 90)).all()
            and not flat.is_valid and crossings(flat, max_crossings) > max_crossings):
        return too_complex(geom, f"it crosses itself in more than {max_crossings:,} places")
    return check_geometry(geom, rules)


def too_complex(geom, why: str) -> Checked:
    where = shapely.geometry.mapping(geom.envelope) if geom is not None and not geom.is_empty else None
    return Checked(None, problems=[Problem(
        "geometry_invalid", f"the boundary is too complex to repair ({why}); simplify it", where)])


def _timeout(limits: ShapeLimits) -> float | None:
    left = limits.budget.left
    return min(limits.timeout_s, left) if left > 0 else None


def check_shape(geom, limits: ShapeLimits) -> Checked:
    """Checked and, if need be, repaired within the bounds; blocks the calling thread (an upload
    runs in the threadpool, a request in a thread: `checked`), never call it on the event loop."""
    if _inline(geom, limits):
        return check_geometry(geom, limits.rules())
    timeout = _timeout(limits)
    if timeout is None:
        return too_complex(geom, "checking this request's boundaries took all its time")
    started = time.monotonic()
    try:
        return runner(limits.workers, limits.memory_mb).call(
            check_in_worker, geom, limits.rules(), limits.max_crossings, timeout=timeout)
    except Unbounded as exc:
        return too_complex(geom, str(exc))
    finally:
        limits.budget.left -= time.monotonic() - started
