"""Suspend, reinstate, renew and revoke; the state of an area as of a date; expiry shown on the
public API with no cron; tokens made by the real `ntm-map users add`."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import psycopg
from click.testing import CliRunner

from api.cli import main
from tests.api.growing_helpers import act, area_body, commune_with_room, free_spots, make_user, settle_expiry, square

ITEMS = "/collections/growing_areas/items"
# "Today" is Vietnam's date (UTC+7), as the server reckons it, not the test machine's.
TODAY = datetime.now(timezone(timedelta(hours=7))).date()
TOKEN = re.compile(r"^(ntm_[A-Za-z0-9_-]{43})$", re.M)


def cli_token(url, *args) -> dict:
    out = CliRunner().invoke(main, ["users", "add", *args], env={"DATABASE_URL": url})
    assert out.exit_code == 0, out.output
    return {"Authorization": f"Bearer {TOKEN.findall(out.output)[0]}"}


def test_full_lifecycle_with_cli_tokens_and_as_of(app_client, demo_db):
    settle_expiry(demo_db)
    commune, province = commune_with_room(demo_db)
    lan = cli_token(demo_db, "lan", "--role", "commune_staff", "--area", commune)
    hung = cli_token(demo_db, "hung", "--role", "province_staff", "--area", province)
    [(x, y)] = free_spots(demo_db, commune, 1)
    client = app_client(demo_db)
    r = client.post(ITEMS, headers=lan, json=area_body(square(x, y), commune))
    area_id, tag = r.json()["id"], r.headers["etag"]
    steps = [(lan, "submit", None), (hung, "inspect", None),
             (hung, "grant", {"valid_to": (TODAY + timedelta(days=400)).isoformat()}),
             (hung, "suspend", {"note": "residue above limit"}), (hung, "reinstate", None),
             (hung, "renew", None)]
    seen = []
    for who, step, body in steps:
        r = act(client, who, area_id, step, tag, body)
        assert r.status_code == 200, (step, r.text)
        tag = r.headers["etag"]
        seen.append((r.json()["properties"]["status"], r.json()["properties"]["valid_to"]))
    assert [s for s, _ in seen] == ["submitted", "inspected", "granted", "suspended", "granted", "granted"]
    granted_to = date.fromisoformat(seen[2][1])
    assert granted_to == TODAY + timedelta(days=400)
    # Renewal extends from the current end by the configured validity (36 months).
    renewed_to = date.fromisoformat(seen[-1][1])
    assert renewed_to.year == granted_to.year + 3 and renewed_to.month == granted_to.month
    # Bad action input: unknown action, a date in the past, valid_to on a step that takes none.
    assert client.post(f"{ITEMS}/{area_id}/actions/approve", headers={**hung, "If-Match": tag}).status_code == 400
    r = act(client, hung, area_id, "renew", tag, {"valid_to": "2001-01-01"})
    assert r.status_code == 400 and "after today" in r.json()["description"]
    assert act(client, hung, area_id, "suspend", tag, {"valid_to": "2099-01-01"}).status_code == 400
    assert act(client, hung, area_id, "renew", tag, {"valid_to": "soon"}).status_code == 400

    staff = client.get(f"/staff/api/growing-areas/{area_id}", headers=hung)
    assert staff.headers["etag"] == tag and staff.json()["properties"]["actions"] == ["suspend", "revoke", "renew"]
    today = client.get(f"/staff/api/growing-areas/{area_id}", headers=hung, params={"as_of": TODAY.isoformat()})
    assert today.status_code == 200, today.text
    assert today.json()["properties"]["status"] == "granted"
    yesterday = client.get(f"/staff/api/growing-areas/{area_id}", headers=hung,
                           params={"as_of": (TODAY - timedelta(days=1)).isoformat()})
    assert yesterday.status_code == 404
    history = client.get(f"{ITEMS}/{area_id}/history", headers=hung).json()["entries"]
    assert [e["changed_by"] for e in history] == ["lan", "lan"] + ["hung"] * 5
    assert history[4]["after"]["status_note"] == "residue above limit"


def test_as_of_for_a_demo_area_loaded_without_history(writer, demo_db):
    settle_expiry(demo_db)
    with psycopg.connect(demo_db) as conn:
        area, commune, name = conn.execute(
            "SELECT id, commune_code, name FROM growing_areas WHERE status = 'draft' ORDER BY id LIMIT 1").fetchone()
    lan = make_user(demo_db, "lan", "commune_staff", [commune])
    tag = writer.get(f"/staff/api/growing-areas/{area}", headers=lan).headers["etag"]
    r = writer.patch(f"{ITEMS}/{area}", headers={**lan, "If-Match": tag}, json={"properties": {"name": "Tên mới"}})
    assert r.status_code == 200, r.text
    past = writer.get(f"/staff/api/growing-areas/{area}", headers=lan,
                      params={"as_of": (TODAY - timedelta(days=1)).isoformat()}).json()
    assert past["properties"]["name"] == name
    now = writer.get(f"/staff/api/growing-areas/{area}", headers=lan, params={"as_of": TODAY.isoformat()}).json()
    assert now["properties"]["name"] == "Tên mới"
    # A demo area nobody has changed: its state now, since it was loaded.
    admin = make_user(demo_db, "root", "admin", [])
    untouched = writer.get(f"/staff/api/growing-areas/{area + 1}", headers=admin, params={"as_of": TODAY.isoformat()})
    assert untouched.status_code == 200 and untouched.json()["properties"]["name"]
    # A draft is not public: no history for anonymous callers.
    assert writer.get(f"{ITEMS}/{area}/history").status_code == 404


def test_expiry_shows_on_the_public_api_without_cron(app_client, demo_db):
    with psycopg.connect(demo_db) as conn:
        area = conn.execute("SELECT id FROM growing_areas WHERE status = 'granted' AND valid_to > current_date + 1 "
                            "ORDER BY id LIMIT 1").fetchone()[0]
        conn.execute("UPDATE growing_areas SET valid_from = current_date - 800, valid_to = current_date - 1 "
                     "WHERE id = %s", (area,))
        conn.commit()
        assert conn.execute("SELECT status FROM growing_areas WHERE id = %s", (area,)).fetchone()[0] == "granted"
    client = app_client(demo_db)  # no request to any staff endpoint
    r = client.get(f"{ITEMS}/{area}")
    assert r.status_code == 200 and r.json()["properties"]["status"] == "expired"
