"""Migration 0008 moves growing areas' personal fields, and their history, to the private schema."""
from __future__ import annotations

import json

import psycopg

from layers.db import migrate
from layers.db.engines import sync_engine
from tests.support import scalar

SQUARE = "SRID=4326;MULTIPOLYGON(((105.6 18.7,105.601 18.7,105.601 18.701,105.6 18.701,105.6 18.7)))"


def test_personal_values_and_their_history_move_out_of_the_public_schema(empty_db, settings):
    engine = sync_engine(settings, empty_db)
    migrate.upgrade(engine, "0007")
    with psycopg.connect(empty_db, autocommit=True) as conn:
        with conn.transaction():  # as a bulk load did it: no rules, no history
            conn.execute("SELECT set_config('ntm.bulk_load', 'on', true)")
            conn.execute("INSERT INTO growing_areas (id, name, crop, commune_code, owner_name, owner_phone, "
                         "status_note, geom) VALUES (7, 'Vùng cam', 'orange', '17005', 'Lê Thị Chủ', "
                         "'0911222333', 'giấy tờ thiếu', %s)", (SQUARE,))
        # What the old trigger wrote for an edit: whole rows, personal fields included.
        before = {"id": 7, "name": "Vùng cam", "owner_name": None, "owner_phone": None, "status_note": None}
        after = {**before, "owner_name": "Lê Thị Chủ", "owner_phone": "0911222333", "status_note": "giấy tờ thiếu"}
        conn.execute("INSERT INTO change_history (id, table_name, row_id, operation, changed_by, before, after) "
                     "VALUES (41, 'growing_areas', '7', 'UPDATE', 'lan', %s, %s), "
                     "(42, 'growing_areas', '7', 'UPDATE', 'lan', %s, %s)",
                     (json.dumps(before), json.dumps(after), json.dumps({**after, "name": "a"}),
                      json.dumps({**after, "name": "b"})))
    migrate.upgrade(engine)
    engine.dispose()
    with psycopg.connect(empty_db) as conn:
        cols = {r[0] for r in conn.execute("SELECT column_name FROM information_schema.columns "
                                           "WHERE table_schema = 'public' AND table_name = 'growing_areas'")}
        assert cols.isdisjoint({"owner_name", "owner_phone", "status_note"})
        assert conn.execute("SELECT owner_name, owner_phone, status_note FROM private.growing_area_private "
                            "WHERE growing_area_id = 7").fetchone() == ("Lê Thị Chủ", "0911222333", "giấy tờ thiếu")
        public = conn.execute("SELECT before::text || after::text FROM public.change_history").fetchall()
        assert len(public) == 2 and not any("Lê Thị Chủ" in r[0] or "0911222333" in r[0] for r in public)
        assert scalar(conn, "SELECT count(*) FROM public.change_history WHERE after ? 'name'") == 2
        moved = conn.execute("SELECT id, row_id, changed_by, before->>'owner_phone', after->>'owner_phone' "
                             "FROM private.change_history WHERE table_name = 'growing_area_private' ORDER BY id").fetchall()
        assert moved == [(41, "7", "lan", None, "0911222333"), (42, "7", "lan", "0911222333", "0911222333")]
