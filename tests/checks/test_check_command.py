"""Done when: `ntm-map check` on the demo reports zero problems and on a broken copy lists one
planted problem per rule, with the files and the page staff work from."""
from __future__ import annotations

import json

import psycopg
import pyogrio
from click.testing import CliRunner

from api.cli import main
from layers.jobs.checks.rules import RULES


def run(args, url):
    return CliRunner().invoke(main, args, env={"DATABASE_URL": url})


def one(conn, query, *args):
    return conn.execute(query, args).fetchone()[0]


def plant_one_problem_per_rule(conn) -> dict[str, set[tuple[str, int]]]:
    """Break a copy of the demo once per rule, bypassing the write triggers as bulk loads do."""
    conn.execute("SET ntm.bulk_load = 'on'")
    drafts = [r[0] for r in conn.execute("SELECT id FROM growing_areas WHERE status = 'draft' ORDER BY id LIMIT 3")]
    granted = [r[0] for r in conn.execute("SELECT id FROM growing_areas WHERE status = 'granted' ORDER BY id LIMIT 3")]
    # A draft moved on paper to a commune far away: it lies outside the commune it names.
    far = one(conn, """SELECT c.code FROM communes c, growing_areas g WHERE g.id = %s
                       ORDER BY ST_Distance(c.geom, g.geom) DESC LIMIT 1""", drafts[0])
    conn.execute("UPDATE growing_areas SET commune_code = %s WHERE id = %s", (far, drafts[0]))
    # A new draft drawn over a granted area.
    twin = one(conn, """INSERT INTO growing_areas (name, crop, commune_code, status, geom)
                        SELECT 'Bản sao', crop, commune_code, 'draft', geom FROM growing_areas WHERE id = %s
                        RETURNING id""", granted[0])
    conn.execute("UPDATE growing_areas SET crop = 'sầu riêng lạ' WHERE id = %s", (drafts[1],))
    conn.execute("UPDATE growing_areas SET code = 'VN-40-ABC' WHERE id = %s", (granted[1],))
    conn.execute("UPDATE growing_areas SET valid_to = NULL WHERE id = %s", (granted[2],))
    # A bow-tie inside the area's own footprint: a boundary that crosses itself.
    conn.execute("""UPDATE growing_areas SET geom = ST_Multi(ST_SetSRID(ST_MakePolygon(ST_MakeLine(ARRAY[
                      ST_Point(x - 0.0005, y - 0.0005), ST_Point(x + 0.0005, y + 0.0005),
                      ST_Point(x + 0.0005, y - 0.0005), ST_Point(x - 0.0005, y + 0.0005),
                      ST_Point(x - 0.0005, y - 0.0005)])), 4326))
                    FROM (SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT ST_PointOnSurface(geom) AS p
                          FROM growing_areas WHERE id = %s) q) c WHERE id = %s""", (drafts[2], drafts[2]))
    h = [r[0] for r in conn.execute("SELECT id FROM households ORDER BY id LIMIT 4")]
    conn.execute("UPDATE households SET geom = ST_Translate(geom, 0.3, 0.3), village_id = NULL WHERE id = %s", (h[0],))
    other_village = one(conn, """SELECT v.id FROM villages v, households h WHERE h.id = %s
                                 AND v.commune_code = h.commune_code AND v.id <> h.village_id
                                 ORDER BY ST_Distance(v.geom, h.geom) DESC LIMIT 1""", h[1])
    conn.execute("UPDATE households SET village_id = %s WHERE id = %s", (other_village, h[1]))
    # A village record that says it is in another commune, drawn around this household.
    stray = one(conn, """INSERT INTO villages (code, commune_code, name, kind, geom)
                         SELECT 'X-001', (SELECT code FROM communes WHERE code <> h.commune_code LIMIT 1),
                                'Xóm lạc', 'xom', ST_Multi(ST_Buffer(h.geom, 0.001)) FROM households h WHERE h.id = %s
                         RETURNING id""", h[2])
    conn.execute("UPDATE households SET village_id = %s WHERE id = %s", (stray, h[2]))
    # A code is never changed once given (trigger NT020), so a mistyped check character comes in as
    # an imported row: a copy of a household whose code has its last character changed.
    code = one(conn, "SELECT address_code FROM households WHERE id = %s", h[3])
    mistyped = one(conn, """INSERT INTO households (address_code, plus_code, village_id, commune_code, geom)
                            SELECT %s, plus_code, village_id, commune_code, geom FROM households WHERE id = %s
                            RETURNING id""", code[:-1] + ("1" if code[-1] == "0" else "0"), h[3])
    route = one(conn, "SELECT min(id) FROM tourism_routes")
    conn.execute("UPDATE tourism_routes SET place_ids = place_ids || 999999 WHERE id = %s", (route,))
    return {
        "outside_commune": {("growing_areas", drafts[0])}, "overlap": {("growing_areas", twin)},
        "missing_attribute": {("growing_areas", drafts[1])}, "code": {("growing_areas", granted[1])},
        "validity": {("growing_areas", granted[2])}, "geometry": {("growing_areas", drafts[2])},
        "household_outside_commune": {("households", h[0])}, "household_outside_village": {("households", h[1])},
        "household_village_commune": {("households", h[2])}, "address_code": {("households", mistyped)},
        "orphan": {("tourism_routes", route)},
    }


def test_the_demo_passes_every_rule(demo_db):
    r = run(["check", "--json"], demo_db)
    assert r.exit_code == 0, r.output
    report = json.loads(r.output)
    assert report["ok"] and report["problems"] == 0
    assert [x["rule"] for x in report["rules"]] == [rule.id for rule in RULES]
    assert report["checked"]["households"] > 0 and report["checked"]["growing_areas"] > 0


def test_a_broken_copy_shows_each_planted_problem_once(demo_db, tmp_path):
    with psycopg.connect(demo_db, autocommit=True) as conn:
        planted = plant_one_problem_per_rule(conn)
    assert set(planted) == {rule.id for rule in RULES}  # every rule has its planted problem
    out = tmp_path / "report"
    r = run(["check", "--json", "--lang", "en", "--out", str(out), "--html", str(tmp_path / "check.html")], demo_db)
    assert r.exit_code == 1, r.output
    report = json.loads(r.output.splitlines()[0])
    found = {x["rule"]: {(p["layer"], p["id"]) for p in x["problems"]} for x in report["rules"]}
    assert found == planted
    by_rule = {x["rule"]: x["problems"][0] for x in report["rules"]}
    assert "outside commune" in by_rule["outside_commune"]["message"]
    assert by_rule["overlap"]["message"].startswith("overlaps ") and "(Granted)" in by_rule["overlap"]["message"]
    assert by_rule["overlap"]["where"]["type"] in ("Polygon", "MultiPolygon")
    assert "does not follow the template" in by_rule["code"]["message"]
    assert "validity dates are missing" in by_rule["validity"]["message"]
    assert "999999" in by_rule["orphan"]["message"]
    # The files staff fix from: every problem with its geometry, the rows with a reason column.
    saved = json.loads((out / "report.json").read_text("utf-8"))
    assert saved["problems"] == len(planted)
    rows = pyogrio.read_dataframe(out / "growing_areas.problems.gpkg")
    assert sorted(rows["id"]) == sorted(i for s in list(planted.values())[:6] for _, i in s)
    assert rows.set_index("id").loc[next(iter(planted["missing_attribute"]))[1], "reason"].startswith("missing_attribute:")
    assert "owner_name" not in rows.columns and "owner_phone" not in rows.columns
    households = pyogrio.read_dataframe(out / "households.problems.gpkg")
    assert len(households) == 4 and households["reason"].str.len().min() > 10
    page = (tmp_path / "check.html").read_text("utf-8")
    assert "Data checked against the rules" in page and "Household outside its commune" in page
    assert "L.map" in page and "unpkg" not in page  # Leaflet written into the file: opens offline

    r = run(["check", "households", "--lang", "vi"], demo_db)  # only the rules of one layer
    assert r.exit_code == 1 and "Hộ ngoài xã của mình): 1" in r.output and "overlap" not in r.output


def test_rows_in_csv_keep_their_geometry_as_wkt(demo_db, tmp_path):
    with psycopg.connect(demo_db, autocommit=True) as conn:
        conn.execute("SET ntm.bulk_load = 'on'")
        conn.execute("UPDATE growing_areas SET crop = '=HYPERLINK(1)' WHERE id = (SELECT min(id) FROM growing_areas)")
    r = run(["check", "growing_areas", "--out", str(tmp_path), "--format", "csv"], demo_db)
    assert r.exit_code == 1, r.output
    text = (tmp_path / "growing_areas.problems.csv").read_text("utf-8-sig")
    assert "'=HYPERLINK(1)" in text and "MULTIPOLYGON" in text and "reason" in text.splitlines()[0]


def test_an_unknown_layer_is_named(demo_db):
    r = run(["check", "roads"], demo_db)
    assert r.exit_code == 1 and "no rules for roads" in r.output and "growing_areas" in r.output
