"""Zonal statistics of rasters per commune and growing area (issue 13).

Revision ID: 0010
Revises: 0009

`raster_zonal_stats` holds what a raster says about one feature (layers.jobs.rasters.zonal). How
a row is known to be out of date, without a queue to keep in step:
- a feature's boundary changes (or the feature goes, or a commune gets a new version): the
  triggers below delete its rows at once, in the editing transaction, so no stale figure is ever
  shown; the missing row is what the refresh job (layers.jobs.rasters.zonal_refresh) computes;
- a raster is replaced: its `version` no longer equals the rows' `raster_version`;
- a raster is removed: its rows go with it (ON DELETE CASCADE).
Inserts and deletes are statement triggers over transition tables, so a bulk load of 20,000
growing areas costs one DELETE, not 20,000; an UPDATE runs the function only when the geometry
(or the key) changed, so status changes and expiry never touch the statistics.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# (table, layer in raster_zonal_stats, the feature key as text, which rows count)
WATCHED = (
    ("growing_areas", "growing_areas", "{r}.id::text", "true"),
    ("admin_units", "communes", "{r}.code", "{r}.level = 'commune' AND {r}.valid_to IS NULL"),
)


def _functions(table: str, layer: str, key: str, where: str) -> list[str]:
    k = {r: key.format(r=r) for r in ("r", "OLD", "NEW")}
    w = {r: where.format(r=r) for r in ("r", "OLD", "NEW")}
    rows = f"ntm_zonal_forget_{table}_rows"
    each = f"ntm_zonal_forget_{table}_each"
    return [
        f"""
        CREATE FUNCTION {rows}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            DELETE FROM raster_zonal_stats s USING new_rows r
            WHERE s.layer = '{layer}' AND s.feature = {k['r']} AND {w['r']};
          ELSE
            DELETE FROM raster_zonal_stats s USING old_rows r
            WHERE s.layer = '{layer}' AND s.feature = {k['r']} AND {w['r']};
          END IF;
          RETURN NULL;
        END $$
        """,
        f"""
        CREATE FUNCTION {each}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          DELETE FROM raster_zonal_stats
          WHERE layer = '{layer}' AND feature IN ({k['OLD']}, {k['NEW']});
          RETURN NULL;
        END $$
        """,
        f"CREATE TRIGGER ntm_zonal_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {rows}()",
        f"CREATE TRIGGER ntm_zonal_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {rows}()",
        f"CREATE TRIGGER ntm_zonal_update AFTER UPDATE ON {table} FOR EACH ROW "
        f"WHEN (OLD.geom IS DISTINCT FROM NEW.geom OR {k['OLD']} IS DISTINCT FROM {k['NEW']} "
        f"OR ({w['OLD']}) IS DISTINCT FROM ({w['NEW']})) EXECUTE FUNCTION {each}()",
    ]


def upgrade() -> None:
    op.create_table(
        "raster_zonal_stats",
        sa.Column("raster_id", sa.Integer(), nullable=False),
        sa.Column("layer", sa.String(length=20), nullable=False),
        sa.Column("feature", sa.String(length=40), nullable=False),
        sa.Column("raster_version", sa.Integer(), nullable=False),
        sa.Column("stats", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("layer IN ('communes', 'growing_areas')", name=op.f("ck_raster_zonal_stats_layer")),
        sa.ForeignKeyConstraint(["raster_id"], ["rasters.id"], name=op.f("fk_raster_zonal_stats_raster_id_rasters"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("raster_id", "layer", "feature", name=op.f("pk_raster_zonal_stats")),
    )
    # "this feature's figures from every raster" (popups, item pages)
    op.create_index("idx_raster_zonal_stats_feature", "raster_zonal_stats", ["layer", "feature"])
    for watched in WATCHED:
        for stmt in _functions(*watched):
            op.execute(stmt)


def downgrade() -> None:
    for table, *_ in WATCHED:
        for trigger in ("ntm_zonal_insert", "ntm_zonal_delete", "ntm_zonal_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS ntm_zonal_forget_{table}_rows()")
        op.execute(f"DROP FUNCTION IF EXISTS ntm_zonal_forget_{table}_each()")
    op.drop_table("raster_zonal_stats")
