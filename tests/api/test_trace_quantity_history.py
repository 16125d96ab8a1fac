"""A lot's quantity never sits in a public table once the lot is confidential, history included
(migration 0017: every change of a lot's quantity is recorded in private.change_history, the
public record of the row has none). Checked by reading every column of every public table, as
text, numbers and JSON leaves alike; the cooperative still reads the whole story."""
from __future__ import annotations

import psycopg
import pytest
from psycopg import sql

from tests.api.cooperative_helpers import LOTS, lot_body, people
from tests.layers.test_harvest_lots import farm  # noqa: F401  (fixture)

FIRST, SECOND, HIDDEN = "4321.987", "4377.125", "4399.061"  # kg; numbers no demo row holds


def values_in(conn, schema: str, needles: tuple[str, ...]) -> set[tuple[str, str, str]]:
    """(table, column, needle) for every column of the schema whose text form holds a needle:
    numeric columns, text, arrays and JSON (a JSON number is found by its digits too)."""
    found = set()
    columns = conn.execute(
        "SELECT c.table_name, c.column_name FROM information_schema.columns c "
        "JOIN information_schema.tables t USING (table_schema, table_name) "
        "WHERE c.table_schema = %s AND t.table_type = 'BASE TABLE' AND c.data_type <> 'USER-DEFINED' "
        "AND c.data_type <> 'bytea'", (schema,)).fetchall()
    for table, column in columns:
        ident = sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(table))
        for needle in needles:
            q = sql.SQL("SELECT EXISTS (SELECT 1 FROM {t} WHERE {c}::text LIKE %s)").format(t=ident, c=sql.Identifier(column))
            if conn.execute(q, (f"%{needle}%",)).fetchone()[0]:
                found.add((table, column, needle))
    return found


@pytest.fixture
def coop(writer, demo_db, farm):  # noqa: F811
    return {"client": writer, "url": demo_db, "farm": farm, **people(demo_db, farm)}


def test_a_lot_made_confidential_leaves_no_quantity_in_public_tables(coop):
    client, htx = coop["client"], coop["htx"]
    r = client.post(LOTS, headers=htx, json=lot_body(coop["farm"], lot_code="Q-17", quantity=float(FIRST)))
    assert r.status_code == 201, r.text
    lot, tag = r.json()["id"], r.headers["etag"]
    # Public for a while (its quantity corrected once), then confidential, then corrected in secret.
    for change in ({"quantity": float(SECOND)}, {"confidential_quantity": True}, {"quantity": float(HIDDEN)}):
        r = client.patch(f"{LOTS}/{lot}", headers={**htx, "If-Match": tag}, json=change)
        assert r.status_code == 200, r.text
        tag = r.headers["etag"]
    with psycopg.connect(coop["url"]) as conn:
        assert values_in(conn, "public", (FIRST, SECOND, HIDDEN)) == set()
        private = values_in(conn, "private", (FIRST, SECOND, HIDDEN))
        assert {n for t, c, n in private if t == "change_history"} == {FIRST, SECOND, HIDDEN}
        assert conn.execute("SELECT quantity FROM harvest_lots WHERE id = %s", (lot,)).fetchone() == (None,)
        # No lot's quantity is in the public history at all, public lots' included.
        assert conn.execute("SELECT count(*) FROM change_history WHERE table_name = 'harvest_lots' "
                            "AND (before ? 'quantity' OR after ? 'quantity')").fetchone() == (0,)
    # The public history says what happened, without the numbers.
    public = client.get(f"{LOTS}/{lot}/history")
    assert public.status_code == 200
    assert [e["action"] for e in public.json()["entries"]] == ["create", "correct", "correct", "correct"]
    assert all(n not in public.text and n.replace(".", "") not in public.text for n in (FIRST, SECOND, HIDDEN))
    assert "confidential_quantity" in public.json()["entries"][2]["changed"]
    # The cooperative reads every value back, in order.
    full = client.get(f"{LOTS}/{lot}/history", headers=htx).json()["entries"]
    assert full[0]["after"]["quantity"] == float(FIRST)
    assert (full[1]["before"]["quantity"], full[1]["after"]["quantity"]) == (float(FIRST), float(SECOND))
    assert full[1]["changed"] == ["quantity"]
    assert (full[2]["before"]["quantity"], full[2]["after"]["quantity"]) == (float(SECOND), None)
    assert full[2]["private_quantity"] == {"before": None, "after": float(SECOND)}
    assert full[3]["private_quantity"] == {"before": float(SECOND), "after": float(HIDDEN)}
    # Nor does the trace page, its JSON-LD or the lot's public listing show any of them.
    for path in (f"/l/{lot}", f"/l/{lot}?f=jsonld", f"/l/{lot}?linkType=all"):
        page = client.get(path, follow_redirects=True)
        assert page.status_code == 200 and not any(n in page.text for n in (FIRST, SECOND, HIDDEN)), path


def test_the_migration_moves_recorded_quantities_out_of_the_public_history_and_back(demo_db, farm, settings):  # noqa: F811
    from layers.db import migrate
    from layers.db.engines import sync_engine
    from tests.layers.test_harvest_lots import add_lot

    engine = sync_engine(settings, demo_db)
    try:
        migrate.downgrade(engine, "0016")  # the generic history trigger: quantities in public records
        with psycopg.connect(demo_db) as conn:
            conn.execute("SET ntm.actor = 'test:raw'")
            lot = add_lot(conn, farm, code="Q-0016", quantity=float(FIRST))
            conn.commit()
            conn.execute("UPDATE harvest_lots SET quantity = %s WHERE id = %s", (float(SECOND), lot))
            conn.commit()
            conn.execute("UPDATE harvest_lots SET quantity = NULL, confidential_quantity = true WHERE id = %s", (lot,))
            conn.execute("UPDATE private.harvest_lot_private SET quantity = %s WHERE lot_id = %s", (float(HIDDEN), lot))
            conn.commit()
            conn.execute("UPDATE harvest_lots SET unit = 'box' WHERE id = %s", (lot,))  # leaves the quantity alone
            conn.commit()
            assert {n for t, c, n in values_in(conn, "public", (FIRST, SECOND))} == {FIRST, SECOND}  # the leak
            before_up = conn.execute("SELECT id, before, after FROM change_history WHERE table_name = 'harvest_lots' "
                                     "AND row_id = %s ORDER BY id", (str(lot),)).fetchall()
        migrate.upgrade(engine)
        with psycopg.connect(demo_db) as conn:
            assert values_in(conn, "public", (FIRST, SECOND, HIDDEN)) == set()
            moved = conn.execute("SELECT id, before, after FROM private.change_history WHERE table_name = 'harvest_lots' "
                                 "AND row_id = %s ORDER BY id", (str(lot),)).fetchall()
            assert moved == [(before_up[0][0], None, {"quantity": float(FIRST)}),
                             (before_up[1][0], {"quantity": float(FIRST)}, {"quantity": float(SECOND)}),
                             (before_up[2][0], {"quantity": float(SECOND)}, {"quantity": None})]
        migrate.downgrade(engine, "0016")
        with psycopg.connect(demo_db) as conn:
            back = conn.execute("SELECT id, before, after FROM change_history WHERE table_name = 'harvest_lots' "
                                "AND row_id = %s ORDER BY id", (str(lot),)).fetchall()
            # The changes that moved the quantity have it again; the one that left it alone, not.
            assert back[:3] == before_up[:3]
            assert "quantity" not in back[3][1] and back[3][1] == {k: v for k, v in before_up[3][1].items() if k != "quantity"}
        migrate.upgrade(engine)
    finally:
        engine.dispose()
