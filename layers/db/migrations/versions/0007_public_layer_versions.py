"""Growing areas bump their layer version only when a public row changes.

Revision ID: 0007
Revises: 0006

Every reader of `layer_versions` (items and tile ETags, tile caches, collection counts, the
open-data fingerprint) serves the public rows only, yet a draft saved by staff bumped the
version like anything else: every public ETag changed and every cached tile went stale for a
row nobody outside may see. For a table whose registry layer has a public row filter
(`layers.read.registry`, `public_filter`), the statement triggers now look at the rows the statement
touched (transition tables) and bump only when one of them, before or after, passes the filter.
TRUNCATE still bumps. The filter is written here as it stands in the registry;
tests/layers/test_public_versions.py fails when the two disagree.
"""
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# layers.read.registry: growing_areas' public_filter {"status": (...)}.
PUBLIC_FILTERS = {"growing_areas": ("status", ("granted", "suspended", "revoked", "expired"))}

PUBLIC_VERSION_FUNCTION = """
CREATE FUNCTION ntm_bump_public_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  col text := TG_ARGV[0];
  allowed text[] := TG_ARGV[1:TG_NARGS - 1];
  touched boolean := false;
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM ntm_new_rows WHERE %I::text = ANY ($1))', col)
      INTO touched USING allowed;
  END IF;
  IF NOT touched AND TG_OP IN ('UPDATE', 'DELETE') THEN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM ntm_old_rows WHERE %I::text = ANY ($1))', col)
      INTO touched USING allowed;
  END IF;
  IF touched THEN
    INSERT INTO layer_versions (table_name, version, changed_at) VALUES (TG_TABLE_NAME, 1, now())
    ON CONFLICT (table_name)
    DO UPDATE SET version = layer_versions.version + 1, changed_at = now();
  END IF;
  RETURN NULL;
END $$;
"""

EVENTS = {
    "insert": ("INSERT", "NEW TABLE AS ntm_new_rows"),
    "update": ("UPDATE", "OLD TABLE AS ntm_old_rows NEW TABLE AS ntm_new_rows"),
    "delete": ("DELETE", "OLD TABLE AS ntm_old_rows"),
}


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def upgrade() -> None:
    op.execute(PUBLIC_VERSION_FUNCTION)
    for table, (column, values) in PUBLIC_FILTERS.items():
        args = ", ".join(_quoted(v) for v in (column, *values))
        op.execute(f"DROP TRIGGER ntm_version ON public.{table}")
        # Keeps the name every editable table's version trigger has (tests check it).
        op.execute(f"CREATE TRIGGER ntm_version AFTER TRUNCATE ON public.{table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION ntm_bump_layer_version()")
        for name, (event, referencing) in EVENTS.items():
            op.execute(f"CREATE TRIGGER ntm_version_{name} AFTER {event} ON public.{table} "
                       f"REFERENCING {referencing} FOR EACH STATEMENT "
                       f"EXECUTE FUNCTION ntm_bump_public_version({args})")


def downgrade() -> None:
    for table in PUBLIC_FILTERS:
        for name in EVENTS:
            op.execute(f"DROP TRIGGER ntm_version_{name} ON public.{table}")
        op.execute(f"DROP TRIGGER ntm_version ON public.{table}")
        op.execute(f"CREATE TRIGGER ntm_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON public.{table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION ntm_bump_layer_version()")
    op.execute("DROP FUNCTION ntm_bump_public_version()")
