"""The tile's envelope in SQL, and the row filter that lets PostGIS use the GiST index.

ST_TileEnvelope takes the margin positionally after the grid bounds (SQLAlchemy renders no
`margin =>`), so the Web Mercator bounds are passed explicitly, equal to morecantile's.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import func

from tiles.grid import world_half_width

EXTENT = 4096  # MVT coordinate units per tile side
BUFFER = 256  # units kept beyond the tile edge, so symbols and strokes meet across tiles
# The row filter reaches one unit beyond the buffer: `&&` compares float4 boxes, and ST_AsMVTGeom
# keeps what rounds onto the buffer's edge, so it, not the filter, decides at the margin.
MARGIN = (BUFFER + 1) / EXTENT


def tile_envelope(z: int, x: int, y: int, margin: float = 0.0):
    """ST_TileEnvelope(z, x, y, bounds, margin) in EPSG:3857.

    x and y are named parameters (`tiles.mvt.tile_values`), so one compiled statement per zoom
    serves every tile of that zoom (`tiles.prepared`).
    """
    low, high = sa.literal(-world_half_width(), sa.Float), sa.literal(world_half_width(), sa.Float)
    bounds = func.ST_MakeEnvelope(low, low, high, high, 3857)
    return func.ST_TileEnvelope(
        sa.literal(z, sa.Integer), sa.bindparam("tile_x", x, type_=sa.Integer),
        sa.bindparam("tile_y", y, type_=sa.Integer),
        bounds, sa.literal(margin, sa.Float),
    )


def tile_filter(geom, z: int, x: int, y: int, margin: float = MARGIN):
    """`geom && ST_Transform(envelope, 4326)`: bounding boxes on the indexed 4326 column.

    Web Mercator maps lon/lat rectangles to rectangles, so the transformed envelope is exact.
    """
    return geom.op("&&")(func.ST_Transform(tile_envelope(z, x, y, margin), 4326))
