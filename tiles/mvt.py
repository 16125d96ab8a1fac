"""Mapbox Vector Tiles built by PostGIS in one statement (ST_AsMVT per layer, concatenated).

Rows are chosen on the GiST-indexed EPSG:4326 `geom` (`geom && ST_Transform(envelope, 4326)`,
a constant the planner feeds to the index), then projected, simplified to half a screen pixel
(lines and polygons only) and clipped. Every layer starts from `public_select`, so a tile can
only carry the registry's public properties and public rows. The feature cap keeps the largest
polygons / longest lines (then the lowest ids), so the same data always gives the same bytes.
"""
from __future__ import annotations

from functools import reduce

import sqlalchemy as sa
from sqlalchemy import func

from layers.db.settings import Settings
from layers.read.registry import Layer, Property
from layers.read.relations import public_select
from tiles.aggregate import grid_counts
from tiles.envelope import BUFFER, EXTENT, MARGIN, tile_envelope, tile_filter
from tiles.grid import world_half_width, xy_bounds
from tiles.summary import summary
from tiles.tilesets import grid_name, has_grid

DISPLAY_PX = 512  # MapLibre draws a vector tile 512 px wide
TOLERANCE_PX = 0.5
FEATURE_ID = "_fid"


def tile_values(z: int, x: int, y: int) -> dict:
    """The named parameters that differ between tiles of one zoom (see tiles.prepared)."""
    xmin, ymin, xmax, ymax = xy_bounds(z, x, y)
    return {"tile_x": x, "tile_y": y, "tile_xmin": xmin, "tile_ymin": ymin, "tile_xmax": xmax,
            "tile_ymax": ymax}


def simplify_tolerance(z: int, x: int = 0, y: int = 0) -> float:
    """Half a display pixel in metres; the same for every tile of a zoom."""
    return 2 * world_half_width() / 2 ** z / DISPLAY_PX * TOLERANCE_PX


def property_column(col, prop: Property):
    """MVT values are scalars: dates go as ISO text, arrays and JSON as JSON text."""
    if prop.type == "array":
        return func.to_json(col).cast(sa.Text).label(prop.name)
    if prop.type == "date":
        return col.cast(sa.Text).label(prop.name)
    return col.label(prop.name)


def cap_order(layer: Layer, c) -> list:
    kind = layer.geometry_type.removeprefix("Multi")
    ids = c[layer.id_column]
    if kind == "Polygon":
        return [func.ST_Area(c.geom).desc(), ids]
    if kind == "LineString":
        return [func.ST_Length(c.geom).desc(), ids]
    return [ids]


def as_mvt(rows: sa.Subquery, name: str, feature_id: str | None = None) -> sa.ScalarSelect:
    """ST_AsMVT over the rows whose clipped geometry survived (NULL means outside the tile)."""
    args = [rows.table_valued(), sa.literal(name, sa.Text), EXTENT, "geom"]
    if feature_id:
        args.append(feature_id)
    return sa.select(func.ST_AsMVT(*args)).where(rows.c.geom.is_not(None)).scalar_subquery()


def features_mvt(layer: Layer, z: int, x: int, y: int, cap: int,
                 properties: tuple[Property, ...] | None = None) -> sa.ScalarSelect:
    """`properties`: those the features carry (all the layer's public ones by default)."""
    base = public_select(layer)
    c = base.selected_columns
    geom = func.ST_Transform(c.geom, 3857)
    if not layer.geometry_type.endswith("Point"):
        geom = func.ST_Simplify(geom, sa.literal(simplify_tolerance(z, x, y), sa.Float), True)
    rows = (
        base.with_only_columns(
            func.ST_AsMVTGeom(geom, tile_envelope(z, x, y), EXTENT, BUFFER, True).label("geom"),
            c[layer.id_column].label(FEATURE_ID),
            *(property_column(c[p.name], p) for p in (layer.properties if properties is None else properties)),
        )
        .where(tile_filter(c.geom, z, x, y, MARGIN))
        .order_by(*cap_order(layer, c))
        .limit(cap)
        .subquery(f"{layer.id}_rows")
    )
    return as_mvt(rows, layer.id, FEATURE_ID)


def grid_mvt(layer: Layer, z: int, x: int, y: int) -> sa.ScalarSelect:
    rows = grid_counts(layer, z, x, y).subquery(f"{layer.id}_grid_rows")
    return as_mvt(rows, grid_name(layer))


def layer_parts(layer: Layer, z: int, x: int, y: int, cap: int, detail_zoom: int = 0) -> list[sa.ScalarSelect]:
    """The layer's ST_AsMVT at this zoom: its features (below `detail_zoom`, with the summary
    properties of tiles.summary), its grid of counts, or nothing."""
    if layer.min_zoom <= z <= layer.max_zoom:
        return [features_mvt(layer, z, x, y, cap, summary(layer) if z < detail_zoom else None)]
    if z < layer.min_zoom and has_grid(layer):
        return [grid_mvt(layer, z, x, y)]
    return []


def tile_statement(layers: tuple[Layer, ...] | list[Layer], z: int, x: int, y: int,
                   settings: Settings, detail_zoom: int = 0) -> sa.Select:
    """One executable SELECT returning the tile's bytes (possibly empty) in a column `mvt`.

    Valid z/x/y are assumed (tiles.grid.check_tile). Layer order is the given order.
    """
    parts = [p for layer in layers for p in layer_parts(layer, z, x, y, settings.tile_feature_cap, detail_zoom)]
    empty = sa.literal(b"", sa.LargeBinary)
    if not parts:
        return sa.select(empty.label("mvt"))
    joined = reduce(lambda a, b: a.op("||")(b), (func.coalesce(p, empty) for p in parts))
    return sa.select(joined.label("mvt"))
