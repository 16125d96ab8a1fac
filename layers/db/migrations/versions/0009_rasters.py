"""The raster registry (issue 13): one row per served Cloud Optimized GeoTIFF.

Revision ID: 0009
Revises: 0008

The pixels stay in files (Settings.raster_dir); the row describes them (layers.db.models.rasters).
Changes are recorded in change_history and bump layer_versions like any editable table, so a
replaced raster changes its tiles' ETags and the open-data fingerprint.
"""
from alembic import op
import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

from layers.db.migrations import ddl_0001 as ddl

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rasters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=63), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title_vi", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=True),
        sa.Column("description_vi", sa.Text(), nullable=True),
        sa.Column("description_en", sa.Text(), nullable=True),
        sa.Column("units", sa.String(length=40), nullable=True),
        sa.Column("legend", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("value_min", sa.Float(), nullable=True),
        sa.Column("value_max", sa.Float(), nullable=True),
        sa.Column("nodata", sa.Float(), nullable=True),
        sa.Column("band_count", sa.Integer(), nullable=False),
        sa.Column("dtype", sa.String(length=20), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("resolution_m", sa.Float(), nullable=False),
        sa.Column("source_crs", sa.Text(), nullable=False),
        sa.Column("crs", sa.String(length=40), nullable=False),
        sa.Column("geom", Geometry("POLYGON", srid=4326, spatial_index=False), nullable=False),
        sa.Column("file", sa.String(length=300), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("licence", sa.String(length=300), nullable=True),
        sa.Column("acquired", sa.Date(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("public", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("kind IN ('imagery', 'categorical', 'continuous')", name=op.f("ck_rasters_kind")),
        sa.CheckConstraint("name ~ '^[a-z][a-z0-9_]{1,62}$'", name=op.f("ck_rasters_name")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_rasters_version")),
        sa.CheckConstraint("width > 0 AND height > 0 AND band_count > 0", name=op.f("ck_rasters_size")),
        sa.CheckConstraint("value_min IS NULL OR value_max IS NULL OR value_min <= value_max",
                           name=op.f("ck_rasters_value_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rasters")),
        sa.UniqueConstraint("name", name=op.f("uq_rasters_name")),
    )
    op.create_index("idx_rasters_geom", "rasters", ["geom"], postgresql_using="gist")
    for stmt in ddl.trigger_statements("rasters", "public", ["id"], True):
        op.execute(stmt)


def downgrade() -> None:
    op.drop_table("rasters")
