"""Every date a client sends is bounded (layers.db.dates): a 400 naming it, never a stored `infinity`
or a 500. Issue 11 items 5 and 7: a grant "valid to 9999-12-31" was stored as `infinity` (asyncpg
writes date.max so) and every publish failed after it; `as_of=9999-12-31` was a 500."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import psycopg
import pytest

from layers.db import dates
from tests.api.growing_helpers import act, area_body, commune_with_room, free_spots, make_user, settle_expiry, square

ITEMS = "/collections/growing_areas/items"
TODAY = datetime.now(timezone(timedelta(hours=7))).date()


def granted_area(client, url):
    """An area taken through submit and inspect by real staff: (province staff headers, id, etag)."""
    settle_expiry(url)
    commune, province = commune_with_room(url)
    lan = make_user(url, "lan", "commune_staff", [commune])
    hung = make_user(url, "hung", "province_staff", [province])
    [(x, y)] = free_spots(url, commune, 1)
    r = client.post(ITEMS, headers=lan, json=area_body(square(x, y), commune))
    assert r.status_code == 201, r.text
    area, tag = r.json()["id"], r.headers["etag"]
    for who, step in ((lan, "submit"), (hung, "inspect")):
        r = act(client, who, area, step, tag)
        assert r.status_code == 200, r.text
        tag = r.headers["etag"]
    return hung, area, tag


def stored_dates(url, area):
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT status, valid_from::text, valid_to::text FROM growing_areas WHERE id = %s",
                            (area,)).fetchone()


@pytest.mark.parametrize("valid_to", ["9999-12-31", "2201-01-01", "0001-01-01"])
def test_a_grant_beyond_the_bounds_is_a_400_and_stores_nothing(writer, demo_db, valid_to):
    hung, area, tag = granted_area(writer, demo_db)
    r = act(writer, hung, area, "grant", tag, {"valid_to": valid_to})
    assert r.status_code == 400, r.text
    body = r.json()
    assert "valid_to" in body["description"] and dates.RANGE_TEXT in body["description"], body
    assert stored_dates(demo_db, area) == ("inspected", None, None)
    r = act(writer, hung, area, "grant", tag, {"valid_to": dates.LATEST.isoformat()})
    assert r.status_code == 200, r.text
    assert stored_dates(demo_db, area) == ("granted", TODAY.isoformat(), "2200-12-31")


def test_a_renewal_that_would_end_past_the_bounds_is_a_400(writer, demo_db):
    hung, area, tag = granted_area(writer, demo_db)
    r = act(writer, hung, area, "grant", tag, {"valid_to": "2200-06-30"})
    assert r.status_code == 200, r.text
    r = act(writer, hung, area, "renew", r.headers["etag"])  # 36 months from 2200-06-30
    assert r.status_code == 400 and "2200-12-31" in r.json()["description"], r.text
    assert stored_dates(demo_db, area)[2] == "2200-06-30"


@pytest.mark.parametrize("as_of", ["9999-12-31", "0001-01-01", "1899-12-31", "2201-01-01"])
def test_as_of_beyond_the_bounds_is_a_400(reader, shared_demo, as_of):
    admin = make_user(shared_demo, f"root{as_of[:4]}", "admin", [])
    with psycopg.connect(shared_demo) as conn:
        area = conn.execute("SELECT min(id) FROM growing_areas").fetchone()[0]
    r = reader.get(f"/staff/api/growing-areas/{area}", headers=admin, params={"as_of": as_of})
    assert r.status_code == 400, r.text
    assert r.json()["description"].startswith(f"as_of {as_of}") and dates.RANGE_TEXT in r.json()["description"]
    ok = reader.get(f"/staff/api/growing-areas/{area}", headers=admin, params={"as_of": "2200-12-31"})
    assert ok.status_code == 200, ok.text


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01/..", "../9999-12-31T23:59:59Z",
                                   "2020-01-01/2201-01-01", "1899-12-31T00:00:00+07:00"])
def test_datetime_beyond_the_bounds_is_a_400(reader, value):
    r = reader.get(f"{ITEMS}", params={"datetime": value})
    assert r.status_code == 400, r.text
    assert r.json()["description"].startswith("datetime: ") and dates.RANGE_TEXT in r.json()["description"]


def test_datetime_within_the_bounds_still_filters(reader, shared_demo):
    with psycopg.connect(shared_demo) as conn:
        first = conn.execute("SELECT min(valid_from) FROM growing_areas WHERE status = 'granted'").fetchone()[0]
    r = reader.get(ITEMS, params={"datetime": f"1900-01-01/{(first - timedelta(days=1)).isoformat()}", "limit": 1000})
    assert r.status_code == 200, r.text
    assert all(f["properties"]["valid_from"] is None for f in r.json()["features"])
    r = reader.get(ITEMS, params={"datetime": f"{first.isoformat()}/2200-12-31", "limit": 1})
    assert r.status_code == 200 and r.json()["features"]


def test_the_database_refuses_dates_beyond_the_bounds(demo_db):
    """Whatever path writes (psql, an import, a future bug): the CHECK of migration 0006."""
    with psycopg.connect(demo_db) as conn:
        area = conn.execute("SELECT min(id) FROM growing_areas WHERE status = 'granted'").fetchone()[0]
        for value in ("infinity", "9999-12-31", "2201-01-01"):
            with pytest.raises(psycopg.errors.CheckViolation), conn.transaction():
                conn.execute("UPDATE growing_areas SET valid_to = %s::date WHERE id = %s", (value, area))
        with pytest.raises(psycopg.errors.CheckViolation), conn.transaction():
            conn.execute("UPDATE growing_areas SET valid_from = '-infinity' WHERE id = %s", (area,))
        assert date(2200, 12, 31) == dates.LATEST
