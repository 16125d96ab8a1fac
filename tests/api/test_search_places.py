"""/search as people type it: equal names told apart by province, a village with its commune in one
query, OCOP products and cooperatives by name, Plus Codes full and short."""
from __future__ import annotations

import json

import psycopg
import pytest
from openlocationcode import openlocationcode as olc

from layers.read import search_places, search_plus_code


def find(client, q, **params):
    r = client.get("/search", params={"q": q, **params})
    assert r.status_code == 200, r.text
    return json.loads(r.content)["features"]


def props(client, q, **params):
    return [f["properties"] for f in find(client, q, **params)]


def rows(url, sql, *args):
    with psycopg.connect(url) as conn:
        return conn.execute(sql, args).fetchall()


SQUARE = "ST_Multi(ST_MakeEnvelope(%s, %s, %s + 0.05, %s + 0.05, 4326))"


def test_two_communes_of_one_name_are_told_apart_by_their_province(app_client, demo_db):
    with psycopg.connect(demo_db, autocommit=True) as conn:
        conn.execute(f"""INSERT INTO admin_units (code, level, kind, name_vi, name_en, full_name_vi, full_name_en, geom)
            VALUES ('08', 'province', 'Tỉnh', 'Tuyên Quang', 'Tuyen Quang', 'Tỉnh Tuyên Quang', 'Tuyen Quang Province',
                    {SQUARE})""", (105.0, 22.0, 105.0, 22.0))
        for code, parent, x, y in (("99001", "40", 105.0, 19.0), ("99002", "08", 105.1, 22.1)):
            conn.execute(f"""INSERT INTO admin_units (code, level, kind, parent_code, name_vi, name_en, full_name_vi,
                full_name_en, geom) VALUES (%s, 'commune', 'Xã', %s, 'Tân Thành', 'Tan Thanh', 'Xã Tân Thành',
                'Tan Thanh Commune', {SQUARE})""", (code, parent, x, y, x, y))
    c = app_client(demo_db)
    exact = [p for p in props(c, "tan thanh", kind="commune") if p["match_type"] == "exact"]
    assert sorted(p["label"] for p in exact) == ["Xã Tân Thành, Nghệ An", "Xã Tân Thành, Tuyên Quang"]
    assert sorted(p["context"] for p in exact) == ["Nghệ An", "Tuyên Quang"]
    en = [p["label"] for p in props(c, "tan thanh", kind="commune", lang="en") if p["match_type"] == "exact"]
    assert sorted(en) == ["Tan Thanh commune, Nghe An", "Tan Thanh commune, Tuyen Quang"]


@pytest.mark.parametrize("q", ["xom 5 dien chau", "Xóm 5 Diễn Châu", "Xóm 5, Diễn Châu", "dien chau xom 5",
                               "5 dien chau", "thon 5 xa dien chau", "xom 5 dien ch"])
def test_a_village_with_its_commune_in_one_query(reader, shared_demo, q):
    (vid,), = rows(shared_demo, """SELECT v.id FROM villages v JOIN communes c ON c.code = v.commune_code
                                   WHERE c.name_vi = 'Diễn Châu' AND v.name = 'Xóm 5'""")
    assert len(rows(shared_demo, "SELECT 1 FROM villages WHERE name = 'Xóm 5'")) > 10  # the commune decides
    top = props(reader, q)[0]
    assert (top["kind"], top["feature_id"]) == ("village", vid)
    assert top["label"] == "Xóm 5, Xã Diễn Châu, Nghệ An"
    assert top["match_type"] == ("prefix" if q.endswith(" ch") else "exact")


def test_village_kind_words_and_cuts():
    assert search_places.core("xom 5") == search_places.core("thon 5") == "5"
    assert search_places.core("ban xop") == "xop" and search_places.core("banh 5") == "banh 5"
    assert ("xom 5", "dien chau") in search_places.cuts("xom 5 dien chau")
    assert ("xom 5", "dien chau") in search_places.cuts("dien chau, xom 5")
    assert search_places.cuts("vinh") == [] and search_places.cuts(" ".join("a" * 9)) == []


def test_a_village_in_another_commune_is_not_found_by_that_commune(reader, shared_demo):
    names = {n for n, in rows(shared_demo, """SELECT v.name FROM villages v JOIN communes c ON c.code = v.commune_code
                                              WHERE c.name_vi = 'Diễn Châu'""")}
    missing = next(f"Xóm {i}" for i in range(1, 99) if f"Xóm {i}" not in names)
    found = [p for p in props(reader, f"{missing} dien chau") if p["kind"] == "village"]
    assert not [p for p in found if p["match_type"] == "exact"]


def test_ocop_products_and_cooperatives_by_name(reader, shared_demo):
    (pid, product, commune), = rows(shared_demo, """SELECT o.id, o.name, c.full_name_vi FROM ocop_products o
        JOIN communes c ON c.code = o.commune_code ORDER BY o.id LIMIT 1""")
    hits = [p for p in props(reader, product, limit=50) if p["kind"] == "ocop_product"]
    assert pid in {p["feature_id"] for p in hits}
    mine = next(p for p in hits if p["feature_id"] == pid)
    assert mine["label"] == f"{product}, {commune}, Nghệ An" and mine["collection"] == "ocop_products"
    assert mine["match_type"] == "exact"
    (cid, coop), = rows(shared_demo, "SELECT id, name FROM cooperatives ORDER BY id LIMIT 1")
    hits = props(reader, coop.lower(), kind="cooperative")
    assert hits[0]["feature_id"] == cid and hits[0]["kind"] == "cooperative"
    assert hits[0]["href"].endswith(f"/collections/cooperatives/items/{cid}")


def test_a_full_plus_code_finds_its_households(reader, shared_demo):
    code, = rows(shared_demo, "SELECT plus_code FROM households ORDER BY id LIMIT 1")[0]
    ids = {i for i, in rows(shared_demo, "SELECT id FROM households WHERE plus_code = %s", code)}
    hits = props(reader, code.lower())
    assert {p["feature_id"] for p in hits} == ids and all(p["kind"] == "address" for p in hits)
    assert all(p["match"] == code and p["label"].startswith(code) for p in hits)


def test_a_plus_code_with_no_household_is_its_cell(reader):
    f, = find(reader, "7PC7MMGG+22")
    assert f["properties"]["kind"] == "plus_code" and f["properties"]["collection"] is None
    assert "href" not in f["properties"] and f["geometry"]["type"] == "Point"
    area = olc.decode("7PC7MMGG+22")
    assert f["geometry"]["coordinates"] == pytest.approx([area.longitudeCenter, area.latitudeCenter], abs=1e-6)
    assert f["bbox"] == pytest.approx([area.longitudeLo, area.latitudeLo, area.longitudeHi, area.latitudeHi], abs=1e-6)
    page = reader.get("/search", params={"q": "7PC7MMGG+22", "f": "html"})
    assert page.status_code == 200 and "/collections/None" not in page.text


def test_a_short_plus_code_is_completed_near_the_named_commune(reader, shared_demo):
    (code, x, y), = rows(shared_demo, """SELECT h.plus_code, ST_X(ST_PointOnSurface(c.geom)), ST_Y(ST_PointOnSurface(c.geom))
        FROM households h JOIN communes c ON c.code = h.commune_code WHERE c.name_vi = 'Thành Vinh' LIMIT 1""")
    short = code[4:]
    for q in (f"{short} Thành Vinh", f"{short} thanh vinh"):
        top = props(reader, q)[0]
        assert top["match"] == code == olc.recoverNearest(short, y, x)


def test_recover_and_cell_match_the_reference_library():
    import random
    rng = random.Random(5)
    for _ in range(500):
        lat, lon = rng.uniform(8, 23), rng.uniform(102, 110)
        code = olc.encode(lat, lon, 10)
        area = olc.decode(code)
        assert search_plus_code.cell(code) == pytest.approx(
            (area.longitudeLo, area.latitudeLo, area.longitudeHi, area.latitudeHi), abs=1e-9)
        ref_lat, ref_lon = lat + rng.uniform(-0.4, 0.4), lon + rng.uniform(-0.4, 0.4)
        for cut in (4, 6):
            short = code[cut:]
            assert search_plus_code.recover(short, (ref_lon, ref_lat)) == olc.recoverNearest(short, ref_lat, ref_lon)
