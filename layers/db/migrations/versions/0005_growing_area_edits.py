"""Growing-area edits: row versions, rules the database enforces, expiry by date.

Revision ID: 0005
Revises: 0004

* `status_note`: the note of the last lifecycle step (staff only, kept in change_history).
* `row_version` goes up by one on every UPDATE (a trigger, so psql and the CLI count too); the
  API's ETag/If-Match compare it inside the UPDATE's WHERE clause.
* `ntm_growing_area_rules` (BEFORE INSERT/UPDATE, skipped by bulk loads): the commune must exist
  (NT003) and hold the area up to `ntm.commune_tolerance_m` metres (NT002); a draft or active area
  may not truly overlap an active one (submitted, inspected, granted, suspended) by more than
  `ntm.overlap_tolerance_m2` square metres of intersection (NT001); a code never changes once
  given (NT004) and an area holding a code is never deleted (NT005). The overlap check first
  takes a transaction advisory lock per province, so two transactions registering overlapping
  areas at once run the check one after the other and the second sees the first: exactly one
  wins. DETAIL carries JSON (other area, intersection as GeoJSON) for the API's 422.
* `ntm_expire_growing_areas(today)`: granted/suspended areas past `valid_to` become expired.
  It writes (and bumps layer_versions) only when something is due, so calling it often is cheap.
"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ROW_VERSION_FUNCTION = """
CREATE FUNCTION ntm_bump_row_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.row_version := OLD.row_version + 1;
  RETURN NEW;
END $$;
"""

RULES_FUNCTION = """
CREATE FUNCTION ntm_growing_area_rules() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  province text;
  commune geometry;
  tol_m double precision := COALESCE(NULLIF(current_setting('ntm.commune_tolerance_m', true), '')::float8, 50);
  tol_m2 double precision := COALESCE(NULLIF(current_setting('ntm.overlap_tolerance_m2', true), '')::float8, 10);
  other record;
  moved boolean;
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.code IS NOT NULL THEN
      RAISE EXCEPTION 'growing area % holds code %: revoke it instead of deleting it', OLD.id, OLD.code
        USING ERRCODE = 'NT005';
    END IF;
    RETURN OLD;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.code IS NOT NULL AND NEW.code IS DISTINCT FROM OLD.code THEN
    RAISE EXCEPTION 'the code % of growing area % never changes', OLD.code, OLD.id USING ERRCODE = 'NT004';
  END IF;
  moved := TG_OP = 'INSERT' OR NOT ST_Equals(NEW.geom, OLD.geom) OR NEW.commune_code IS DISTINCT FROM OLD.commune_code;
  SELECT c.province_code, c.geom INTO province, commune FROM communes c WHERE c.code = NEW.commune_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'unknown commune %', NEW.commune_code USING ERRCODE = 'NT003';
  END IF;
  IF moved AND NOT ST_Within(NEW.geom, commune)
     AND NOT ST_Covers(ST_Buffer(commune::geography, tol_m)::geometry, NEW.geom) THEN
    RAISE EXCEPTION 'the area reaches more than % m outside commune %', tol_m, NEW.commune_code
      USING ERRCODE = 'NT002',
            DETAIL = json_build_object('commune', NEW.commune_code,
                                       'where', ST_AsGeoJSON(ST_Difference(NEW.geom, commune), 7)::json)::text;
  END IF;
  IF NEW.status IN ('draft', 'submitted', 'inspected', 'granted', 'suspended')
     AND (moved OR OLD.status IS DISTINCT FROM NEW.status) THEN
    PERFORM pg_advisory_xact_lock(74005, COALESCE(NULLIF(regexp_replace(province, '[^0-9]', '', 'g'), ''), '0')::int);
    SELECT g.id, g.code, g.status, i.geom AS where_geom INTO other
    FROM growing_areas g
    CROSS JOIN LATERAL (SELECT ST_Intersection(g.geom, NEW.geom) AS geom) i
    WHERE g.id <> NEW.id AND g.status IN ('submitted', 'inspected', 'granted', 'suspended')
      AND g.geom && NEW.geom AND ST_Intersects(g.geom, NEW.geom)
      AND ST_Area(i.geom::geography) > tol_m2
    ORDER BY ST_Area(i.geom::geography) DESC LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION 'the area overlaps % growing area % by more than % m²', other.status, other.id, tol_m2
        USING ERRCODE = 'NT001',
              DETAIL = json_build_object('other_id', other.id, 'other_code', other.code,
                                         'other_status', other.status,
                                         'where', ST_AsGeoJSON(other.where_geom, 7)::json)::text;
    END IF;
  END IF;
  RETURN NEW;
END $$;
"""

EXPIRE_FUNCTION = """
CREATE FUNCTION ntm_expire_growing_areas(today date) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  n integer := 0;
  actor text := current_setting('ntm.actor', true);
BEGIN
  IF EXISTS (SELECT 1 FROM growing_areas WHERE status IN ('granted', 'suspended') AND valid_to < today) THEN
    PERFORM set_config('ntm.actor', 'system:expiry', true);
    UPDATE growing_areas SET status = 'expired'
    WHERE status IN ('granted', 'suspended') AND valid_to < today;
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM set_config('ntm.actor', COALESCE(actor, ''), true);
  END IF;
  RETURN n;
END $$;
"""


def upgrade() -> None:
    op.add_column("growing_areas", sa.Column("row_version", sa.Integer(), server_default="1", nullable=False))
    op.add_column("growing_areas", sa.Column("status_note", sa.Text(), nullable=True))
    op.create_index("ix_growing_areas_due", "growing_areas", ["valid_to"],
                    postgresql_where=sa.text("status IN ('granted', 'suspended')"))
    for ddl in (ROW_VERSION_FUNCTION, RULES_FUNCTION, EXPIRE_FUNCTION):
        op.execute(ddl)
    op.execute("CREATE TRIGGER ntm_row_version BEFORE UPDATE ON public.growing_areas "
               "FOR EACH ROW EXECUTE FUNCTION ntm_bump_row_version()")
    op.execute("CREATE TRIGGER ntm_growing_rules BEFORE INSERT OR UPDATE OR DELETE ON public.growing_areas "
               "FOR EACH ROW WHEN (current_setting('ntm.bulk_load', true) IS DISTINCT FROM 'on') "
               "EXECUTE FUNCTION ntm_growing_area_rules()")


def downgrade() -> None:
    op.execute("DROP TRIGGER ntm_growing_rules ON public.growing_areas")
    op.execute("DROP TRIGGER ntm_row_version ON public.growing_areas")
    op.execute("DROP FUNCTION ntm_expire_growing_areas(date)")
    op.execute("DROP FUNCTION ntm_growing_area_rules()")
    op.execute("DROP FUNCTION ntm_bump_row_version()")
    op.drop_index("ix_growing_areas_due", table_name="growing_areas")
    op.drop_column("growing_areas", "status_note")
    op.drop_column("growing_areas", "row_version")
