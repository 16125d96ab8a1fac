"""Migration 0006 repairs growing-area dates no driver can read, then CHECKs them (issue 11 item 5)."""
from __future__ import annotations

import psycopg
import pytest

from layers.db import migrate
from layers.db.engines import sync_engine

# (valid_from, valid_to) before → after the upgrade.
CASES = {
    "open_end": (("2025-01-01", "infinity"), ("2025-01-01", None)),
    "open_start": (("-infinity", "2030-01-01"), (None, "2030-01-01")),
    "far_end": (("2025-01-01", "12000-01-01"), ("2025-01-01", "2200-12-31")),
    "both_far": (("2300-01-01", "2400-01-01"), ("2200-12-31", None)),  # valid_to must follow valid_from
    "ancient": (("0044-03-15 BC", "2030-01-01"), ("1900-01-01", "2030-01-01")),
    "fine": (("2025-01-01", "2028-01-01"), ("2025-01-01", "2028-01-01")),
}


def test_upgrade_repairs_odd_dates_records_it_and_then_refuses_them(empty_db, settings):
    engine = sync_engine(settings, empty_db)
    migrate.upgrade(engine, "0005")
    with psycopg.connect(empty_db) as conn:
        conn.execute("SET ntm.bulk_load = 'on'")  # as an import would: no rules, no history
        conn.execute("INSERT INTO admin_units (code, level, name_vi, geom) VALUES "
                     "('40', 'province', 'P', ST_Multi(ST_MakeEnvelope(104, 18, 106, 20, 4326))), "
                     "('40001', 'commune', 'C', ST_Multi(ST_MakeEnvelope(104, 18, 106, 20, 4326)))")
        for i, (name, ((start, end), _)) in enumerate(CASES.items()):
            conn.execute("INSERT INTO growing_areas (name, crop, commune_code, status, code, valid_from, valid_to, geom) "
                         "VALUES (%s, 'tea', '40001', 'granted', %s, %s::date, %s::date, "
                         "ST_Multi(ST_Buffer(ST_MakePoint(104.5 + %s * 0.05, 19), 0.01)))",
                         (name, f"C{i}", start, end, i))
    migrate.upgrade(engine)
    with psycopg.connect(empty_db) as conn:
        rows = {r[0]: (r[1], r[2]) for r in conn.execute(
            "SELECT name, valid_from::text, valid_to::text FROM growing_areas")}
        assert rows == {name: after for name, (_, after) in CASES.items()}
        recorded = conn.execute("SELECT g.name, h.changed_by FROM change_history h JOIN growing_areas g "
                                "ON h.row_id = g.id::text WHERE h.table_name = 'growing_areas'").fetchall()
        assert sorted(recorded) == sorted((n, "system:migration 0006") for n in CASES if n != "fine")
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute("UPDATE growing_areas SET valid_to = 'infinity' WHERE name = 'fine'")
    migrate.downgrade(engine, "0005")
    migrate.upgrade(engine)
    engine.dispose()
