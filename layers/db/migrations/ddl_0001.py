"""Static DDL of revision 0001 that Alembic cannot autogenerate: triggers and views.

No user value is ever formatted into these statements; table names come from the models.
"""

HISTORY_FUNCTION = """
CREATE FUNCTION ntm_record_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  rec jsonb := to_jsonb(COALESCE(NEW, OLD));
  pk text := '';
  i int;
BEGIN
  FOR i IN 0 .. TG_NARGS - 1 LOOP
    pk := pk || CASE WHEN i > 0 THEN ':' ELSE '' END || (rec ->> TG_ARGV[i]);
  END LOOP;
  IF TG_TABLE_SCHEMA = 'private' THEN
    INSERT INTO private.change_history (table_name, row_id, operation, changed_by, before, after)
    VALUES (TG_TABLE_NAME, pk, TG_OP,
            COALESCE(NULLIF(current_setting('ntm.actor', true), ''), session_user),
            CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,
            CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END);
  ELSE
    INSERT INTO public.change_history (table_name, row_id, operation, changed_by, before, after)
    VALUES (TG_TABLE_NAME, pk, TG_OP,
            COALESCE(NULLIF(current_setting('ntm.actor', true), ''), session_user),
            CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,
            CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END);
  END IF;
  RETURN NULL;
END $$;
"""

VERSION_FUNCTION = """
CREATE FUNCTION ntm_bump_layer_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO layer_versions (table_name, version, changed_at) VALUES (TG_TABLE_NAME, 1, now())
  ON CONFLICT (table_name)
  DO UPDATE SET version = layer_versions.version + 1, changed_at = now();
  RETURN NULL;
END $$;
"""

TOUCH_FUNCTION = """
CREATE FUNCTION ntm_touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END $$;
"""

VIEWS = [
    """
    CREATE VIEW provinces AS
    SELECT id, code, name_vi, name_en, full_name_vi, full_name_en, kind, area_km2, geom
    FROM admin_units WHERE level = 'province' AND valid_to IS NULL
    """,
    """
    CREATE VIEW communes AS
    SELECT id, code, parent_code AS province_code, name_vi, name_en, full_name_vi,
           full_name_en, kind, area_km2, geom
    FROM admin_units WHERE level = 'commune' AND valid_to IS NULL
    """,
    # Latest assessment per commune, with the count of criteria met under that period's set.
    """
    CREATE VIEW ntm_results AS
    SELECT c.id, c.code AS commune_code, c.name_vi, c.name_en, c.full_name_vi, a.year,
           a.level, s.code AS criteria_set, m.criteria_met, m.criteria_total, c.geom
    FROM admin_units c
    JOIN LATERAL (
        SELECT * FROM ntm_assessments na WHERE na.commune_code = c.code
        ORDER BY na.year DESC LIMIT 1
    ) a ON true
    JOIN ntm_criteria_sets s ON s.id = a.set_id
    JOIN LATERAL (
        SELECT count(*) FILTER (WHERE x.met)::int AS criteria_met, count(*)::int AS criteria_total
        FROM ntm_assessment_criteria x WHERE x.assessment_id = a.id
    ) m ON true
    WHERE c.level = 'commune' AND c.valid_to IS NULL
    """,
]
VIEW_NAMES = ["ntm_results", "communes", "provinces"]


def trigger_statements(table: str, schema: str, pk_columns: list[str], has_updated_at: bool) -> list[str]:
    qualified = f"{schema}.{table}"
    args = ", ".join(f"'{c}'" for c in pk_columns)
    stmts = [
        # Bulk loads (demo, file import) are recorded once in import_runs instead of per row;
        # testing the flag in WHEN skips the function call altogether (5 s per 200k rows).
        f"CREATE TRIGGER ntm_history AFTER INSERT OR UPDATE OR DELETE ON {qualified} FOR EACH ROW "
        "WHEN (current_setting('ntm.bulk_load', true) IS DISTINCT FROM 'on') "
        f"EXECUTE FUNCTION ntm_record_change({args})",
        f"CREATE TRIGGER ntm_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {qualified} "
        "FOR EACH STATEMENT EXECUTE FUNCTION ntm_bump_layer_version()",
    ]
    if has_updated_at:
        stmts.append(
            f"CREATE TRIGGER ntm_touch BEFORE UPDATE ON {qualified} "
            "FOR EACH ROW EXECUTE FUNCTION ntm_touch_updated_at()"
        )
    return stmts
