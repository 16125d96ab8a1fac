"""Counts per grid cell for point layers below their min zoom (households under z14).

The tile is cut into GRID_CELLS × GRID_CELLS cells; each non-empty cell becomes one point at the
mean position of its members, with a `count`. Cells are half-open ([xmin, xmax) × (ymin, ymax]
in EPSG:3857, the tile's own bounds), so every point falls in exactly one cell of exactly one
tile: the counts of the tiles covering an area add up to the points in it.

Web Mercator is computed with arithmetic on lon/lat instead of ST_Transform per point: at z6 the
whole province's households (200k) pass through here, and PROJ would take 4× longer.
"""
from __future__ import annotations

import math

import sqlalchemy as sa
from sqlalchemy import func

from layers.read.registry import Layer
from layers.read.relations import public_select
from tiles.envelope import EXTENT, tile_envelope, tile_filter
from tiles.grid import world_half_width, xy_bounds
from tiles.tilesets import GRID_CELLS

PREFILTER_MARGIN = 1 / EXTENT  # the index filter is inclusive and approximate; the cells decide


def mercator(geom) -> tuple:
    """(x, y) in EPSG:3857 metres of a 4326 point, as SQL expressions (spherical Mercator)."""
    scale = world_half_width() / math.pi
    x = func.radians(func.ST_X(geom)) * scale
    y = func.ln(func.tan(math.pi / 4 + func.radians(func.ST_Y(geom)) / 2)) * scale
    return x, y


def grid_counts(layer: Layer, z: int, x: int, y: int) -> sa.Select:
    """Rows (geom, count) ready for ST_AsMVT; no margin: each cell belongs to one tile."""
    bounds = xy_bounds(z, x, y)
    xmin, ymin, xmax, ymax = (sa.bindparam(f"tile_{n}", v, type_=sa.Float)
                              for n, v in zip(("xmin", "ymin", "xmax", "ymax"), bounds))
    cell = sa.literal(2 * world_half_width() / 2 ** z / GRID_CELLS, sa.Float)  # the same for every tile of z
    base = public_select(layer)
    c = base.selected_columns
    px, py = mercator(c.geom)
    points = (
        base.with_only_columns(px.label("px"), py.label("py"))
        .where(tile_filter(c.geom, z, x, y, PREFILTER_MARGIN))
        .subquery(f"{layer.id}_points")
    )
    px, py = points.c.px, points.c.py
    centre = func.ST_SetSRID(func.ST_MakePoint(func.avg(px), func.avg(py)), 3857)
    return (
        sa.select(
            func.ST_AsMVTGeom(centre, tile_envelope(z, x, y), EXTENT, 0, False).label("geom"),
            sa.cast(func.count(), sa.Integer).label("count"),
        )
        .where(px >= xmin, px < xmax, py > ymin, py <= ymax)
        .group_by(func.floor((px - xmin) / cell), func.floor((ymax - py) / cell))
    )
