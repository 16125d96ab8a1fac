"""Done when: a scan of the public schema finds none of the values held in the private tables,
after staff have written personal fields through every path that keeps history."""
from __future__ import annotations

import re

import psycopg

from tests.api.growing_helpers import act, area_body, commune_with_room, free_spots, make_user, square

ITEMS = "/collections/growing_areas/items"
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
TEXT_TYPES = ("text", "character varying", "jsonb", "ARRAY")
# Login names are the authors in the audit trail (change_history.changed_by, never served
# publicly); roles and areas are vocabulary. Everything else in `private` is scanned.
NOT_SCANNED = {("users", "name"), ("users", "role"), ("users", "areas"),
               ("change_history", "table_name"), ("change_history", "row_id"),
               ("change_history", "operation"), ("change_history", "changed_by")}


def _strings(conn, schema: str, skip=frozenset()) -> set[str]:
    """Every string held in the schema's tables: column values, array items, JSON leaves."""
    out: set[str] = set()
    cols = conn.execute(
        "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c "
        "JOIN information_schema.tables t USING (table_schema, table_name) "
        "WHERE c.table_schema = %s AND t.table_type = 'BASE TABLE' AND c.data_type = ANY(%s)",
        (schema, list(TEXT_TYPES))).fetchall()
    for table, column, kind in cols:
        if (table, column) in skip:
            continue
        ident = psycopg.sql.SQL("{}.{}").format(psycopg.sql.Identifier(schema), psycopg.sql.Identifier(table))
        col = psycopg.sql.Identifier(column)
        if kind == "jsonb":
            q = psycopg.sql.SQL("SELECT DISTINCT v #>> '{{}}' FROM {t}, jsonb_path_query({c}, 'strict $.**') v "
                                "WHERE jsonb_typeof(v) = 'string'").format(t=ident, c=col)
        elif kind == "ARRAY":
            q = psycopg.sql.SQL("SELECT DISTINCT unnest({c})::text FROM {t}").format(t=ident, c=col)
        else:
            q = psycopg.sql.SQL("SELECT DISTINCT {c}::text FROM {t} WHERE {c} IS NOT NULL").format(t=ident, c=col)
        out |= {r[0] for r in conn.execute(q) if r[0]}
    return out


def _found_in_public(conn) -> set[str]:
    # Timestamps (a private row's created_at/updated_at, kept in its history) are not personal.
    private = {v for v in _strings(conn, "private", NOT_SCANNED) if len(v) >= 6 and not TIMESTAMP.match(v)}
    public = _strings(conn, "public")
    digits = {m for s in public for m in re.findall(r"\d{9,}", s)}  # a phone or ID inside a longer text
    return private & (public | digits)


def test_no_private_value_in_the_public_schema(writer, demo_db):
    commune, province = commune_with_room(demo_db)
    lan = make_user(demo_db, "lan", "commune_staff", [commune])
    hung = make_user(demo_db, "hung", "province_staff", [province])
    [(x, y)] = free_spots(demo_db, commune, 1)
    r = writer.post(ITEMS, headers=lan, json=area_body(square(x, y), commune, owner_name="Phan Thị Riêng",
                                                       owner_phone="0987000111"))
    assert r.status_code == 201, r.text
    area_id = r.json()["id"]
    r = writer.patch(f"{ITEMS}/{area_id}", headers={**lan, "If-Match": r.headers["etag"]},
                     json={"properties": {"owner_phone": "0987000222", "name": "Vùng bưởi Phan"}})
    assert r.status_code == 200, r.text
    r = act(writer, lan, area_id, "submit", r.headers["etag"])
    r = act(writer, hung, area_id, "inspect", r.headers["etag"], {"note": "hồ sơ đất của bà Phan còn thiếu"})
    r = act(writer, hung, area_id, "grant", r.headers["etag"])
    assert r.status_code == 200, r.text
    with psycopg.connect(demo_db, autocommit=True) as conn:
        conn.execute("UPDATE private.household_private SET phone = '0977000333', head_name = 'Hồ Văn Kín' "
                     "WHERE household_id = 1")
        conn.execute("UPDATE households SET geom = ST_Translate(geom, 0.0001, 0) WHERE id = 1")
        private = _strings(conn, "private", NOT_SCANNED)
        # What was written is held privately (now and in history) ...
        assert {"Phan Thị Riêng", "0987000111", "0987000222", "hồ sơ đất của bà Phan còn thiếu",
                "0977000333", "Hồ Văn Kín"} <= private
        # ... and nowhere in the public schema, history included.
        assert _found_in_public(conn) == set()

        # The scan does find a private value that reaches a public table.
        conn.execute("UPDATE tourism_places SET name_vi = 'Homestay 0987000222' WHERE id = (SELECT min(id) FROM tourism_places)")
        assert _found_in_public(conn) == {"0987000222"}

    # Staff still read the whole story back through the API, joined.
    h = writer.get(f"{ITEMS}/{area_id}/history", headers=hung).json()["entries"]
    assert h[0]["after"]["owner_name"] == "Phan Thị Riêng" and h[0]["after"]["owner_phone"] == "0987000111"
    assert h[1]["before"]["owner_phone"] == "0987000111" and h[1]["after"]["owner_phone"] == "0987000222"
    assert set(h[1]["changed"]) >= {"owner_phone", "name"}
    assert h[3]["after"]["status_note"] == "hồ sơ đất của bà Phan còn thiếu"
    public = writer.get(f"{ITEMS}/{area_id}/history")
    assert "Phan Thị Riêng" not in public.text and "0987000" not in public.text and "bà Phan" not in public.text
