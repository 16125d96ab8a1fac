"""Migrations go up and down cleanly on a real PostGIS."""
from __future__ import annotations

import psycopg

from layers.db import migrate
from layers.db.engines import sync_engine
from layers.db.models import EDITABLE_TABLES, metadata
from tests.support import scalar

TABLES = {t.name for t in metadata.tables.values()}


def _tables(url) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema IN ('public', 'private') AND table_type = 'BASE TABLE'"
        ).fetchall()
    return {r[0] for r in rows} - {"spatial_ref_sys", "alembic_version"}


def test_up_down_up(empty_db, settings):
    engine = sync_engine(settings, empty_db)
    migrate.upgrade(engine)
    assert migrate.current(engine) == migrate.head()
    assert TABLES <= _tables(empty_db)
    migrate.downgrade(engine, "base")
    assert migrate.current(engine) is None
    assert _tables(empty_db) == set()
    migrate.upgrade(engine)
    assert TABLES <= _tables(empty_db)
    engine.dispose()


def test_every_geometry_is_wgs84_with_a_gist_index(schema_db):
    with psycopg.connect(schema_db) as conn:
        cols = conn.execute(
            "SELECT f_table_name, srid FROM geometry_columns WHERE f_table_schema = 'public'"
        ).fetchall()
        tables = {t for t, _ in cols}
        assert {"admin_units", "villages", "households", "growing_areas", "cooperatives", "agri_zones",
                "ocop_products", "tourism_places", "tourism_routes"} <= tables
        assert {srid for t, srid in cols if t not in ("provinces", "communes", "ntm_results")} == {4326}
        for table in tables - {"provinces", "communes", "ntm_results"}:
            assert scalar(conn, """
                SELECT count(*) FROM pg_indexes WHERE tablename = %s AND indexdef LIKE '%%USING gist (geom)%%'""",
                table) == 1, table


def test_every_editable_table_has_history_and_version_triggers(schema_db):
    with psycopg.connect(schema_db) as conn:
        for table in EDITABLE_TABLES:
            names = {r[0] for r in conn.execute(
                "SELECT tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = %s AND n.nspname = %s",
                (table.name, table.schema or "public"))}
            assert {"ntm_history", "ntm_version"} <= names, table.name


def test_personal_data_lives_in_the_private_schema(schema_db):
    with psycopg.connect(schema_db) as conn:
        public_cols = {r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'households'")}
        assert public_cols.isdisjoint({"head_name", "phone", "national_id", "members", "poverty_status", "monthly_income_vnd"})
        assert scalar(conn, "SELECT to_regclass('private.household_private') IS NOT NULL")
