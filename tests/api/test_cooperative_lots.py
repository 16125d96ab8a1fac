"""Harvest lots over HTTP for cooperative accounts (issue 15): register from granted areas of the
cooperative, correct with If-Match, recall, history, listings; every refusal a 4xx in the JSON
error shape, in vi and en, leaving nothing behind."""
from __future__ import annotations

import psycopg
import pytest

from tests.api.cooperative_helpers import (
    LOTS, STAFF_LOTS, counts, error_of, in_both_languages, lot_body, people,
)
from tests.layers.test_harvest_lots import farm  # noqa: F401  (fixture)


@pytest.fixture
def coop(writer, demo_db, farm):  # noqa: F811
    with psycopg.connect(demo_db) as conn:
        codes = dict(conn.execute("SELECT id, code FROM growing_areas WHERE id = ANY(%s)",
                                  (farm["areas"] + [farm["other_area"]],)).fetchall())
        draft = conn.execute("UPDATE growing_areas SET cooperative_id = %s WHERE id = (SELECT min(id) FROM growing_areas "
                             "WHERE status = 'draft') RETURNING id, name", (farm["coop"],)).fetchone()
        # The demo's own lots of this cooperative, newest first (listings show them after the test's).
        demo_lots = conn.execute("SELECT id, lot_code FROM harvest_lots WHERE cooperative_id = %s ORDER BY id DESC",
                                 (farm["coop"],)).fetchall()
    return {"client": writer, "url": demo_db, "farm": farm, "codes": codes, "draft": draft, "demo_lots": demo_lots,
            **people(demo_db, farm)}


def register(coop, **over):
    r = coop["client"].post(LOTS, headers=coop["htx"], json=lot_body(coop["farm"], **over))
    assert r.status_code == 201, r.text
    return r


def test_a_cooperative_registers_a_lot_from_two_granted_areas(coop):
    farm, client = coop["farm"], coop["client"]
    r = register(coop, confidential_quantity=True)
    lot = r.json()
    assert r.headers["location"].endswith(f"{STAFF_LOTS}/{lot['id']}") and r.headers["etag"] == f'"lot-{lot["id"]}-1"'
    assert lot["status"] == "active" and lot["quantity"] == 1200.5 and lot["created_by"] == "htx.a"
    assert [(a["code"], a["status_at_harvest"]) for a in lot["areas"]] == [
        (coop["codes"][a], "granted") for a in sorted(farm["areas"])]
    # The staff view: the cooperative's own and province staff read the private quantity; nobody else.
    for who in ("htx", "province"):
        seen = client.get(f"{STAFF_LOTS}/{lot['id']}", headers=coop[who])
        assert seen.status_code == 200 and seen.json()["quantity"] == 1200.5 and seen.headers["etag"] == r.headers["etag"]
    error_of(client.get(f"{STAFF_LOTS}/{lot['id']}", headers=coop["other"]), 403)
    error_of(client.get(f"{STAFF_LOTS}/{lot['id']}", headers=coop["commune"]), 403)
    with psycopg.connect(coop["url"]) as conn:  # confidential: not in the public row
        assert conn.execute("SELECT quantity FROM harvest_lots WHERE id = %s", (lot["id"],)).fetchone() == (None,)
    # The areas it may cite, with their codes, and the listing of its lots.
    areas = client.get(f"/staff/api/cooperatives/{farm['coop']}/growing-areas", headers=coop["htx"]).json()
    citable = {a["id"] for a in areas["growing_areas"] if a["citable"]}
    assert set(farm["areas"]) <= citable and coop["draft"][0] not in citable
    listed = client.get(STAFF_LOTS, headers=coop["htx"]).json()
    assert [x["id"] for x in listed["lots"]] == [lot["id"]] + [i for i, _ in coop["demo_lots"]] and listed["next"] is None
    error_of(client.get(f"/staff/api/cooperatives/{farm['coop']}/growing-areas", headers=coop["other"]), 403)


def test_areas_of_another_cooperative_or_not_granted_are_422s_naming_the_area_by_code(coop):
    farm, client = coop["farm"], coop["client"]
    before = counts(coop["url"])
    other = coop["codes"][farm["other_area"]]
    r = client.post(LOTS, headers=coop["htx"], json=lot_body(farm, growing_area_ids=[farm["areas"][0], farm["other_area"]]))
    body = error_of(r, 422)
    assert body["rule"] == "area_cooperative" and body["description"] == f"growing area {other} is not linked to this cooperative"
    assert body["where"]["type"] in ("Polygon", "MultiPolygon")
    # A draft of its own (no code yet: named by its name) and a revoked one.
    body = error_of(client.post(LOTS, headers=coop["htx"], json=lot_body(farm, growing_area_ids=[coop["draft"][0]])), 422)
    assert body["rule"] == "area_not_granted" and coop["draft"][1] in body["description"] and "draft" in body["description"]
    with psycopg.connect(coop["url"]) as conn:
        conn.execute("UPDATE growing_areas SET status = 'revoked' WHERE id = %s", (farm["areas"][1],))
    body = error_of(client.post(LOTS, headers=coop["htx"], json=lot_body(farm, harvest_date=farm["today"].isoformat())), 422)
    assert body["rule"] == "area_not_granted" and coop["codes"][farm["areas"][1]] in body["description"]
    vi, en = in_both_languages(client, "POST", LOTS, 422, headers=coop["htx"],
                               json=lot_body(farm, harvest_date=farm["today"].isoformat()))
    assert "đã thu hồi mã" in vi and "revoked" in en
    assert counts(coop["url"])[:2] == before[:2]


@pytest.mark.parametrize("over, status, named", [
    ({"status": "recalled"}, 400, "status"), ({"colour": "red"}, 400, "colour"), ({"cooperative_id": 1}, 400, "cooperative_id"),
    ({"lot_code": "Lô-01"}, 400, "ô"), ({"quantity": -1}, 400, "quantity"), ({"harvest_date": "12/05/2026"}, 400, "harvest_date"),
])
def test_a_bad_field_is_a_400_naming_it(coop, over, status, named):
    before = counts(coop["url"])
    body = error_of(coop["client"].post(LOTS, headers=coop["htx"], json=lot_body(coop["farm"], **over)), status)
    assert named in body["description"]
    assert counts(coop["url"]) == before


def test_only_a_cooperative_account_writes_and_only_its_own_lots(coop):
    client = coop["client"]
    for who in ("province", "commune"):
        assert "cooperative account" in error_of(client.post(LOTS, headers=coop[who], json=lot_body(coop["farm"])), 403)["description"]
    error_of(client.post(LOTS, json=lot_body(coop["farm"])), 401)
    lot = register(coop).json()
    before = counts(coop["url"])
    error_of(client.patch(f"{LOTS}/{lot['id']}", headers={**coop["other"], "If-Match": "*"}, json={"quantity": 1}), 403)
    error_of(client.post(f"{LOTS}/{lot['id']}/recall", headers={**coop["other"], "If-Match": "*"},
                         json={"reason": "mine now"}), 403)
    vi, en = in_both_languages(client, "PATCH", f"{LOTS}/{lot['id']}", 403, headers={**coop["other"], "If-Match": "*"},
                               json={"quantity": 1})
    assert "hợp tác xã khác" in vi and "another cooperative" in en
    assert counts(coop["url"]) == before


def test_if_match_is_required_and_checked_and_a_recalled_lot_is_final(coop):
    client = coop["client"]
    r = register(coop)
    lot, tag = r.json()["id"], r.headers["etag"]
    before = counts(coop["url"])
    assert "If-Match" in error_of(client.patch(f"{LOTS}/{lot}", headers=coop["htx"], json={"quantity": 5}), 428)["description"]
    error_of(client.post(f"{LOTS}/{lot}/recall", headers=coop["htx"], json={"reason": "x"}), 428)
    error_of(client.patch(f"{LOTS}/{lot}", headers={**coop["htx"], "If-Match": f'"lot-{lot}-9"'}, json={"quantity": 5}), 412)
    assert counts(coop["url"]) == before
    fixed = client.patch(f"{LOTS}/{lot}", headers={**coop["htx"], "If-Match": tag}, json={"quantity": 900})
    assert fixed.status_code == 200 and fixed.json()["quantity"] == 900 and fixed.headers["etag"] == f'"lot-{lot}-2"'
    error_of(client.patch(f"{LOTS}/{lot}", headers={**coop["htx"], "If-Match": tag}, json={"quantity": 5}), 412)
    error_of(client.patch(f"{LOTS}/{lot}", headers={**coop["htx"], "If-Match": fixed.headers["etag"]},
                          json={"lot_code": "NEW"}), 400)
    error_of(client.post(f"{LOTS}/{lot}/recall", headers={**coop["htx"], "If-Match": fixed.headers["etag"]},
                         json={"reason": "  "}), 400)
    gone = client.post(f"{LOTS}/{lot}/recall", headers={**coop["htx"], "If-Match": fixed.headers["etag"]},
                       json={"reason": "dư lượng thuốc bảo vệ thực vật"})
    assert gone.status_code == 200 and gone.json()["status"] == "recalled"
    error_of(client.patch(f"{LOTS}/{lot}", headers={**coop["htx"], "If-Match": gone.headers["etag"]}, json={"quantity": 5}), 409)
    error_of(client.post(f"{LOTS}/{lot}/recall", headers={**coop["htx"], "If-Match": "*"}, json={"reason": "again"}), 409)
    # History: public without who or the quantity's private side; whole for the cooperative.
    public = client.get(f"{LOTS}/{lot}/history").json()
    assert [e["action"] for e in public["entries"]] == ["create", "correct", "recall"]
    assert all("changed_by" not in e for e in public["entries"])
    mine = client.get(f"{LOTS}/{lot}/history", headers=coop["htx"]).json()
    assert {e["changed_by"] for e in mine["entries"]} == {"htx.a"}


def test_a_duplicate_lot_code_is_a_409_and_the_listing_pages(coop):
    for code in ("A1", "A2", "A3"):
        register(coop, lot_code=code)
    error_of(coop["client"].post(LOTS, headers=coop["htx"], json=lot_body(coop["farm"], lot_code="A2")), 409)
    first = coop["client"].get(STAFF_LOTS + "?limit=2", headers=coop["htx"]).json()
    assert [x["lot_code"] for x in first["lots"]] == ["A3", "A2"] and first["next"]
    rest, following = [], first["next"]
    while following:  # pages of two to the end: A1, then the demo's own lots of the cooperative
        page = coop["client"].get(following.split("testserver")[-1], headers=coop["htx"]).json()
        assert 1 <= len(page["lots"]) <= 2
        rest, following = rest + [x["lot_code"] for x in page["lots"]], page["next"]
    assert rest == ["A1"] + [c for _, c in coop["demo_lots"]]
    staff = coop["client"].get(f"{STAFF_LOTS}?cooperative={coop['farm']['coop']}", headers=coop["province"]).json()
    assert len(staff["lots"]) == 3 + len(coop["demo_lots"])
    error_of(coop["client"].get(f"{STAFF_LOTS}?cooperative={coop['farm']['coop']}", headers=coop["other"]), 403)


def test_a_cooperative_signed_in_on_the_web_writes_with_its_csrf_token(coop):
    from layers.db.engines import connection
    from layers.write import accounts

    with connection(coop["url"]) as conn:
        accounts.create_user(conn, "htx.web", "cooperative", [], password="mật khẩu dài lắm", cooperative_id=coop["farm"]["coop"])
    client = coop["client"]
    assert client.post("/auth/login", json={"username": "htx.web", "password": "mật khẩu dài lắm"}).status_code == 200
    csrf = client.get("/auth/me").json()["csrf_token"]
    before = counts(coop["url"])
    error_of(client.post(LOTS, json=lot_body(coop["farm"])), 403)
    assert counts(coop["url"]) == before
    made = client.post(LOTS, json=lot_body(coop["farm"]), headers={"X-CSRF-Token": csrf})
    assert made.status_code == 201 and made.json()["created_by"] == "htx.web"
