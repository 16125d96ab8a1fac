"""Migration 0013 (issue 14) goes down and up again over data: an English-only listing keeps a
Vietnamese name going down, tourism staff accounts go, the columns and the events table come back."""
from __future__ import annotations

import psycopg

from layers.db import migrate
from layers.db.engines import sync_engine


def columns(url: str, table: str) -> set[str]:
    with psycopg.connect(url) as conn:
        return {r[0] for r in conn.execute("SELECT column_name FROM information_schema.columns "
                                           "WHERE table_schema = 'public' AND table_name = %s", (table,))}


def test_0013_down_and_up(empty_db, settings):
    engine = sync_engine(settings, empty_db)
    migrate.upgrade(engine, "0013")
    with psycopg.connect(empty_db) as conn:
        conn.execute("INSERT INTO tourism_places (kind, name_en, commune_code, geom) "
                     "VALUES ('homestay', 'Only English', '17005', ST_Point(105.05, 19.05, 4326))")
        conn.execute("INSERT INTO private.users (name, role, areas) VALUES ('ha', 'tourism_staff', '{40}')")
    assert {"status", "owner_id", "pending", "zalo", "season_months"} <= columns(empty_db, "tourism_places")
    assert "commune_code" in columns(empty_db, "tourism_routes") and columns(empty_db, "tourism_events")
    migrate.downgrade(engine, "0012")
    with psycopg.connect(empty_db) as conn:
        assert conn.execute("SELECT name_vi FROM tourism_places").fetchone()[0] == "Only English"
        assert conn.execute("SELECT count(*) FROM private.users").fetchone()[0] == 0
    assert not columns(empty_db, "tourism_events") and "status" not in columns(empty_db, "tourism_places")
    migrate.upgrade(engine, "0013")
    with psycopg.connect(empty_db) as conn:
        assert conn.execute("SELECT status, row_version FROM tourism_places").fetchone() == ("published", 1)
    engine.dispose()
