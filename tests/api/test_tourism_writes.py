"""Tourism listings over OGC API - Features Part 4 (issue 14): who may write which listing, the
refusals (400 naming the field, 403, 412, 428, 422 with rule and where), and drafts staying off
every public read."""
from __future__ import annotations

import psycopg
import pytest

from tests.api.tourism_write_helpers import (EVENTS, PLACES, ROUTES, STAFF, act, created, error_of, people, place,
                                            route)


@pytest.fixture
def ctx(demo_db):
    return people(demo_db)


def history_count(url):
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM change_history WHERE table_name LIKE 'tourism%'").fetchone()[0]


def test_a_promoter_creates_a_draft_that_is_theirs_and_not_public(writer, demo_db, ctx):
    r = writer.post(PLACES, headers=ctx["mai"], json=place(ctx["point"], phone="0912 345 678",
                                                           zalo="0912345678", facebook="http://facebook.com/bannmoi",
                                                           season_months=[12, 1, 2, 1], price_range="budget",
                                                           parking=True))
    assert r.status_code == 201, r.text
    feat = r.json()
    fid, props = feat["id"], feat["properties"]
    assert r.headers["location"].endswith(f"{PLACES}/{fid}") and r.headers["etag"] == f'"tp-{fid}-1"'
    assert props["status"] == "draft" and props["owner"] == "mai" and props["commune_code"] == ctx["commune"]
    assert props["zalo"] == "https://zalo.me/0912345678" and props["facebook"] == "https://facebook.com/bannmoi"
    assert props["season_months"] == [1, 2, 12] and props["parking"] is True and props["wifi"] is False
    assert props["actions"] == ["submit"] and props["editable"] is True
    assert writer.get(f"{PLACES}/{fid}").status_code == 404  # a draft is nobody's business but its editors'
    assert fid not in [f["id"] for f in writer.get(PLACES, params={"limit": 10000}).json()["features"]]
    mine = writer.get(f"{STAFF}/tourism_places", params={"mine": "true"}, headers=ctx["mai"]).json()
    assert [f["id"] for f in mine["features"]] == [fid]
    assert writer.get(f"{STAFF}/tourism_places", params={"mine": "true"}, headers=ctx["tuan"]).json()["features"] == []


def test_who_may_not_write(writer, demo_db, ctx):
    before = history_count(demo_db)
    error_of(writer.post(PLACES, headers=ctx["viewer"], json=place(ctx["point"])), 403)
    error_of(writer.post(PLACES, headers=ctx["agri"], json=place(ctx["point"])), 403)
    error_of(writer.post(PLACES, json=place(ctx["point"])), 401)
    outside = error_of(writer.post(PLACES, headers=ctx["mai"], json=place(ctx["other_point"])), 403)
    assert ctx["other_commune"] in outside["description"]
    assert history_count(demo_db) == before
    fid, tag = created(writer, PLACES, ctx["mai"], place(ctx["point"]))
    # A competitor in the same commune, a promoter elsewhere, a viewer: 403, whatever the id.
    for who in ("tuan", "far", "viewer"):
        error_of(writer.patch(f"{PLACES}/{fid}", headers={**ctx[who], "If-Match": tag},
                              json={"properties": {"name_vi": "Của tôi"}}), 403)
        error_of(writer.get(f"{STAFF}/tourism_places/{fid}", headers=ctx[who]), 403)
    assert act(writer, "tourism_places", fid, "submit", ctx["tuan"], tag)[0] == 403
    # A demo listing has no owner: no promoter may touch it (a guessed id is a 403, not a 404).
    with psycopg.connect(demo_db) as conn:
        demo_id = conn.execute("SELECT min(id) FROM tourism_places WHERE commune_code = %s", (ctx["commune"],)).fetchone()[0]
    if demo_id is not None:
        error_of(writer.patch(f"{PLACES}/{demo_id}", headers={**ctx["mai"], "If-Match": "*"},
                              json={"properties": {"name_vi": "x"}}), 403)
    error_of(writer.patch(f"{PLACES}/999999", headers={**ctx["mai"], "If-Match": "*"}, json={"properties": {}}), 404)


def test_a_body_setting_what_nobody_sets_is_a_400_naming_it(writer, ctx):
    for props, named in (({"status": "published"}, "status"), ({"owner_id": 1}, "owner_id"),
                         ({"photos": []}, "photos"), ({"colour": "red"}, "colour")):
        body = error_of(writer.post(PLACES, headers=ctx["mai"], json=place(ctx["point"], **props)), 400)
        assert named in body["description"], body
    for props, named in (({"website": "javascript:alert(1)"}, "website"), ({"zalo": "https://evil.example/x"}, "zalo"),
                         ({"facebook": "https://facebook.evil.com/x"}, "facebook"), ({"phone": "call me"}, "phone"),
                         ({"season_months": [13]}, "season_months"), ({"kind": "casino"}, "kind"),
                         ({"wifi": "yes"}, "wifi")):
        body = error_of(writer.post(PLACES, headers=ctx["mai"], json=place(ctx["point"], **props)), 400)
        assert named in body["description"], body
    error_of(writer.post(PLACES, headers=ctx["mai"], json={**place(ctx["point"]), "id": 5}), 400)
    body = error_of(writer.post(PLACES, headers={**ctx["mai"], "Accept-Language": "vi"},
                                json=place(ctx["point"], status="published")), 400)
    assert "status" in body["description"] and "trạng thái" in body["description"].lower()


def test_rules_are_422_with_rule_and_where(writer, ctx):
    body = error_of(writer.post(PLACES, headers=ctx["mai"],
                                json=place(ctx["other_point"], commune_code=ctx["commune"])), 422)
    assert body["rule"] == "outside_commune" and body["where"]["type"] == "Point"
    body = error_of(writer.post(PLACES, headers=ctx["mai"], json=place(ctx["point"], name_vi=None, name_en="  ")), 422)
    assert body["rule"] == "name"
    body = error_of(writer.post(PLACES, headers=ctx["mai"], json=place([0, 0])), 422)
    assert body["rule"] == "unknown_commune" and body["where"]["coordinates"] == [0, 0]
    body = error_of(writer.post(PLACES, headers=ctx["mai"], json=place(ctx["point"], ocop_product_ids=[999999])), 422)
    assert body["rule"] == "link"
    body = error_of(writer.post(ROUTES, headers=ctx["mai"], json=route([ctx["point"], [ctx["point"][0] + 0.01,
                                                                                      ctx["point"][1]]],
                                                                       place_ids=[999999])), 422)
    assert body["rule"] == "stops" and "999999" in body["description"]
    line = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[ctx["point"]] * 4]},
            "properties": {"name_vi": "x"}}
    assert error_of(writer.post(ROUTES, headers=ctx["mai"], json=line), 422)["rule"] == "geometry_invalid"
    event = {"type": "Feature", "geometry": {"type": "Point", "coordinates": ctx["point"]},
             "properties": {"kind": "festival", "name_vi": "Lễ hội", "starts_on": "2026-03-10", "ends_on": "2026-03-01"}}
    assert error_of(writer.post(EVENTS, headers=ctx["mai"], json=event), 422)["rule"] == "dates"


def test_if_match_is_required_and_checked(writer, ctx):
    fid, tag = created(writer, PLACES, ctx["mai"], place(ctx["point"]))
    error_of(writer.patch(f"{PLACES}/{fid}", headers=ctx["mai"], json={"properties": {"name_vi": "A"}}), 428)
    r = writer.patch(f"{PLACES}/{fid}", headers={**ctx["mai"], "If-Match": tag}, json={"properties": {"name_vi": "A"}})
    assert r.status_code == 200 and r.headers["etag"] == f'"tp-{fid}-2"' and r.json()["properties"]["name_vi"] == "A"
    error_of(writer.patch(f"{PLACES}/{fid}", headers={**ctx["mai"], "If-Match": tag},
                          json={"properties": {"name_vi": "B"}}), 412)
    error_of(writer.delete(f"{PLACES}/{fid}", headers={**ctx["mai"], "If-Match": tag}), 412)
    error_of(writer.delete(f"{PLACES}/{fid}", headers=ctx["mai"]), 428)
    assert writer.delete(f"{PLACES}/{fid}", headers={**ctx["mai"], "If-Match": r.headers["etag"]}).status_code == 204
    error_of(writer.get(f"{STAFF}/tourism_places/{fid}", headers=ctx["mai"]), 404)


def test_html_is_stored_as_text(writer, ctx):
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    fid, _ = created(writer, PLACES, ctx["mai"], place(ctx["point"], name_vi=attack, description_en=attack))
    got = writer.get(f"{STAFF}/tourism_places/{fid}", headers=ctx["mai"]).json()["properties"]
    assert got["name_vi"] == attack and got["description_en"] == attack


def test_staff_give_a_listing_to_another_promoter(writer, ctx):
    fid, tag = created(writer, PLACES, ctx["mai"], place(ctx["point"]))
    error_of(writer.patch(f"{PLACES}/{fid}", headers={**ctx["mai"], "If-Match": tag},
                          json={"properties": {"owner": "tuan"}}), 403)
    body = error_of(writer.patch(f"{PLACES}/{fid}", headers={**ctx["staff"], "If-Match": tag},
                                 json={"properties": {"owner": "xem"}}), 422)
    assert body["rule"] == "owner"  # a viewer cannot own a listing
    r = writer.patch(f"{PLACES}/{fid}", headers={**ctx["staff"], "If-Match": tag}, json={"properties": {"owner": "tuan"}})
    assert r.status_code == 200 and r.json()["properties"]["owner"] == "tuan"
    tag = r.headers["etag"]
    error_of(writer.patch(f"{PLACES}/{fid}", headers={**ctx["mai"], "If-Match": tag},
                          json={"properties": {"name_vi": "x"}}), 403)
    assert writer.patch(f"{PLACES}/{fid}", headers={**ctx["tuan"], "If-Match": tag},
                        json={"properties": {"name_vi": "Của Tuấn"}}).status_code == 200


def test_routes_and_events_are_written_the_same_way(writer, ctx):
    x, y = ctx["point"]
    pid, ptag = created(writer, PLACES, ctx["mai"], place(ctx["point"]))
    rid, _ = created(writer, ROUTES, ctx["mai"], route([[x, y], [x + 0.005, y + 0.002], [x + 0.01, y]], place_ids=[pid],
                                                     duration_days=1))
    got = writer.get(f"{STAFF}/tourism_routes/{rid}", headers=ctx["mai"]).json()
    assert got["geometry"]["type"] == "MultiLineString" and got["properties"]["commune_code"] == ctx["commune"]
    assert got["properties"]["length_km"] > 0.5 and got["properties"]["place_ids"] == [pid]
    event = {"type": "Feature", "properties": {"kind": "harvest_season", "name_en": "Orange harvest", "place_id": pid,
                                               "starts_on": "2026-11-01", "ends_on": "2026-12-31"}}
    r = writer.post(EVENTS, headers=ctx["mai"], json=event)
    assert r.status_code == 201, r.text
    assert r.json()["geometry"]["coordinates"] == pytest.approx(ctx["point"]) and r.json()["properties"]["name_vi"] is None


def test_the_database_refuses_a_step_the_lifecycle_lacks(demo_db):
    with psycopg.connect(demo_db) as conn:
        pid = conn.execute("SELECT min(id) FROM tourism_places").fetchone()[0]
        with pytest.raises(psycopg.Error) as caught:
            conn.execute("UPDATE tourism_places SET status = 'draft' WHERE id = %s", (pid,))
        assert caught.value.sqlstate == "NTT01"
    with psycopg.connect(demo_db) as conn, pytest.raises(psycopg.errors.CheckViolation):
        conn.execute("UPDATE tourism_places SET zalo = 'https://evil.example/' WHERE id = %s", (pid,))
    with psycopg.connect(demo_db) as conn, pytest.raises(psycopg.errors.CheckViolation):
        conn.execute("UPDATE tourism_places SET name_vi = NULL, name_en = NULL WHERE id = %s", (pid,))
