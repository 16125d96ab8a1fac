"""The tables of migration 0015 as SQLAlchemy Core objects (the ORM models of the listings
themselves belong to layers.db.models.tourism)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

_meta = sa.MetaData()

photos = sa.Table(
    "tourism_photos", _meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("place_id", sa.Integer), sa.Column("route_id", sa.Integer),
    sa.Column("sha256", sa.String(64)), sa.Column("alt_vi", sa.String(300)), sa.Column("alt_en", sa.String(300)),
    sa.Column("position", sa.Integer), sa.Column("cover", sa.Boolean), sa.Column("reviewed", sa.Boolean),
    sa.Column("width", sa.Integer), sa.Column("height", sa.Integer), sa.Column("source_format", sa.String(10)),
    sa.Column("created_at", sa.DateTime(timezone=True)), sa.Column("updated_at", sa.DateTime(timezone=True)),
)

profiles = sa.Table(
    "tourism_route_profiles", _meta,
    sa.Column("route_id", sa.Integer, primary_key=True), sa.Column("track_key", sa.String(32), primary_key=True),
    sa.Column("distance_m", ARRAY(sa.Integer)), sa.Column("elevation_m", ARRAY(sa.Float)),
    sa.Column("climb_m", sa.Float), sa.Column("source_format", sa.String(10)),
    sa.Column("points_read", sa.Integer), sa.Column("points_kept", sa.Integer),
    sa.Column("created_at", sa.DateTime(timezone=True)),
)

LISTINGS = {"place": "tourism_places", "route": "tourism_routes"}
COLLECTIONS = {v: k for k, v in LISTINGS.items()}


def listing_column(kind: str) -> sa.Column:
    return photos.c.place_id if kind == "place" else photos.c.route_id


def track_key(geom_sql) -> sa.ColumnElement:
    """md5 of a line's WKB on a 1e-7° grid: the same expression as migration 0015's comment says."""
    return sa.func.md5(sa.func.ST_AsBinary(sa.func.ST_SnapToGrid(sa.func.ST_Multi(geom_sql), 1e-7)))
