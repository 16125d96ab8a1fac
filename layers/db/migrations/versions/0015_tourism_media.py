"""Tourism photos and route elevation profiles (issue 14).

Revision ID: 0015
Revises: 0014

* `tourism_photos`: a photo of one tourism place or route (exactly one of `place_id`, `route_id`),
  named by the sha256 of its re-encoded full-size WebP (the files are written by the app under
  `<home>/media/tourism/`, never by the database), with its alt text (Vietnamese required,
  English optional), its place in the listing's order and at most one cover per listing (partial
  unique indexes). The same photo twice on one listing is refused (unique). A photo a promoter adds
  to a listing already published waits for tourism staff (`reviewed` false) before it is public;
  one added before publication is reviewed with the listing. History is recorded
  like every edited table (`ntm_history`); `ntm_version` bumps the table's version. Whether a
  photo is public follows its listing's status (published), read through the listing.
* `tourism_route_profiles`: the elevation profile of an imported track (distances in whole
  metres, heights in metres, at most 1,000 samples), keyed by the route and the track it was
  measured on (`track_key`: md5 of the track's WKB on a 1e-7° grid). A route's page shows the
  profile whose key matches the route's current line, so an import waiting for moderation does
  not show its profile on the published line, and a line redrawn by hand shows none.
"""
from alembic import op
import sqlalchemy as sa

from layers.db.migrations.ddl_0001 import trigger_statements

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TRACK_KEY = "md5(ST_AsBinary(ST_SnapToGrid(ST_Multi({g}), 1e-7)))"


def upgrade() -> None:
    op.create_table(
        "tourism_photos",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("place_id", sa.Integer, sa.ForeignKey("tourism_places.id", ondelete="CASCADE")),
        sa.Column("route_id", sa.Integer, sa.ForeignKey("tourism_routes.id", ondelete="CASCADE")),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("alt_vi", sa.String(300), nullable=False),
        sa.Column("alt_en", sa.String(300)),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("cover", sa.Boolean, nullable=False, server_default="false"),
        sa.Column("reviewed", sa.Boolean, nullable=False, server_default="true"),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("source_format", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("num_nonnulls(place_id, route_id) = 1", name=op.f("ck_tourism_photos_listing")),
        sa.CheckConstraint("sha256 ~ '^[0-9a-f]{64}$'", name=op.f("ck_tourism_photos_sha256")),
        sa.CheckConstraint("length(btrim(alt_vi)) > 0 AND (alt_en IS NULL OR length(btrim(alt_en)) > 0)",
                           name=op.f("ck_tourism_photos_alt")),
        sa.CheckConstraint("position >= 0 AND width > 0 AND height > 0", name=op.f("ck_tourism_photos_sizes")),
    )
    for listing in ("place", "route"):
        op.create_index(f"ix_tourism_photos_{listing}", "tourism_photos", [f"{listing}_id", "position"],
                        postgresql_where=sa.text(f"{listing}_id IS NOT NULL"))
        op.create_index(f"uq_tourism_photos_{listing}_sha256", "tourism_photos", [f"{listing}_id", "sha256"],
                        unique=True, postgresql_where=sa.text(f"{listing}_id IS NOT NULL"))
        op.create_index(f"uq_tourism_photos_{listing}_cover", "tourism_photos", [f"{listing}_id"], unique=True,
                        postgresql_where=sa.text(f"{listing}_id IS NOT NULL AND cover"))
    for stmt in trigger_statements("tourism_photos", "public", ["id"], has_updated_at=True):
        op.execute(stmt)

    op.create_table(
        "tourism_route_profiles",
        sa.Column("route_id", sa.Integer, sa.ForeignKey("tourism_routes.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("track_key", sa.String(32), primary_key=True),
        sa.Column("distance_m", sa.ARRAY(sa.Integer), nullable=False),
        sa.Column("elevation_m", sa.ARRAY(sa.Float(precision=24)), nullable=False),
        sa.Column("climb_m", sa.Float, nullable=False),
        sa.Column("source_format", sa.String(10), nullable=False),
        sa.Column("points_read", sa.Integer, nullable=False),
        sa.Column("points_kept", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("cardinality(distance_m) = cardinality(elevation_m) "
                           "AND cardinality(distance_m) BETWEEN 2 AND 1000", name=op.f("ck_tourism_route_profiles_samples")),
        sa.CheckConstraint("track_key ~ '^[0-9a-f]{32}$'", name=op.f("ck_tourism_route_profiles_track_key")),
    )


def downgrade() -> None:
    op.drop_table("tourism_route_profiles")
    op.drop_table("tourism_photos")
