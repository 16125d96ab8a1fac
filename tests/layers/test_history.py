"""Every change to an editable table is recorded with who, when, before and after."""
from __future__ import annotations

import psycopg

from tests.support import scalar


def test_update_records_before_after_and_actor(demo_db):
    with psycopg.connect(demo_db) as conn:
        area_id, name = conn.execute("SELECT id, name FROM growing_areas ORDER BY id LIMIT 1").fetchone()
        version = scalar(conn, "SELECT version FROM layer_versions WHERE table_name = 'growing_areas'")
        with conn.transaction():
            conn.execute("SELECT set_config('ntm.actor', 'lan@commune-16708', true)")
            conn.execute("UPDATE growing_areas SET name = 'Vùng cam mới' WHERE id = %s", (area_id,))
        op, who, before, after = conn.execute(
            "SELECT operation, changed_by, before->>'name', after->>'name' FROM change_history "
            "WHERE table_name = 'growing_areas' AND row_id = %s", (str(area_id),)).fetchone()
        assert (op, who, before, after) == ("UPDATE", "lan@commune-16708", name, "Vùng cam mới")
        assert scalar(conn, "SELECT version FROM layer_versions WHERE table_name = 'growing_areas'") == version + 1
        assert scalar(conn, "SELECT updated_at > created_at FROM growing_areas WHERE id = %s", area_id)


def test_delete_and_insert_are_recorded_without_actor_as_session_user(demo_db):
    with psycopg.connect(demo_db, autocommit=True) as conn:
        pid = scalar(conn, "SELECT id FROM tourism_places ORDER BY id LIMIT 1")
        conn.execute("DELETE FROM tourism_places WHERE id = %s", (pid,))
        row = conn.execute("SELECT operation, changed_by, after FROM change_history WHERE row_id = %s "
                           "AND table_name = 'tourism_places'", (str(pid),)).fetchone()
        assert row[0] == "DELETE" and row[1] == scalar(conn, "SELECT session_user") and row[2] is None


def test_personal_history_stays_in_the_private_schema(demo_db):
    with psycopg.connect(demo_db, autocommit=True) as conn:
        conn.execute("UPDATE private.household_private SET phone = '0912345678' WHERE household_id = 1")
        assert scalar(conn, "SELECT count(*) FROM change_history WHERE table_name = 'household_private'") == 0
        assert scalar(conn, "SELECT after->>'phone' FROM private.change_history WHERE row_id = '1'") == "0912345678"


def test_a_failed_statement_leaves_no_history(demo_db):
    with psycopg.connect(demo_db, autocommit=True) as conn:
        before = scalar(conn, "SELECT count(*) FROM change_history")
        try:
            conn.execute("UPDATE ocop_products SET stars = 7")  # violates the 3–5 stars check
        except psycopg.errors.CheckViolation:
            pass
        assert scalar(conn, "SELECT count(*) FROM change_history") == before
