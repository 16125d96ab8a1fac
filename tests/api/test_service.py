"""The HTTP skeleton end to end: health, landing, collections with counts, errors."""
from __future__ import annotations

import psycopg
import pytest

from layers.db import migrate
from layers.read.registry import LAYERS


@pytest.fixture
def client(app_client, demo_db):
    return app_client(demo_db)


def test_healthz_reports_the_database(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["database"]["ok"] is True
    assert body["database"]["postgis"].startswith("3.") and body["database"]["schema_revision"] == migrate.head()


def test_healthz_is_503_when_the_database_is_unreachable(app_client):
    r = app_client("postgresql://nobody:x@127.0.0.1:1/none").get("/healthz")
    assert r.status_code == 503 and r.headers["retry-after"] and r.json()["database"]["ok"] is False


def test_collections_lists_every_layer_with_counts(client):
    body = client.get("/collections").json()
    ids = [c["id"] for c in body["collections"]]
    assert ids == [layer.id for layer in LAYERS]
    counts = {c["id"]: c["itemCount"] for c in body["collections"]}
    assert all(n > 0 for n in counts.values()), counts
    assert counts["communes"] == 130 and counts["provinces"] == 1


def test_counts_follow_edits_on_the_next_request(client, demo_db):
    before = {c["id"]: c["itemCount"] for c in client.get("/collections").json()["collections"]}
    with psycopg.connect(demo_db, autocommit=True) as conn:
        conn.execute("DELETE FROM tourism_places WHERE id IN (SELECT id FROM tourism_places ORDER BY id LIMIT 3)")
    after = {c["id"]: c["itemCount"] for c in client.get("/collections").json()["collections"]}
    assert after["tourism_places"] == before["tourism_places"] - 3
    assert after["households"] == before["households"]


def test_languages_and_html(client):
    vi = client.get("/collections?lang=vi").json()["collections"][0]["title"]
    en = client.get("/collections", headers={"Accept-Language": "en-US"}).json()["collections"][0]["title"]
    assert (vi, en) == ("Tỉnh, thành phố", "Provinces")
    page = client.get("/collections", headers={"Accept": "text/html"})
    assert page.headers["content-type"].startswith("text/html")
    assert "Thôn, xóm, bản" in page.text and "Số đối tượng" in page.text
    landing = client.get("/?f=html&lang=en")
    assert "New Rural Development digital map" in landing.text


def test_errors_are_json_with_a_reason(client):
    r = client.get("/no/such/thing")
    assert r.status_code == 404 and r.json() == {"code": "NotFound", "description": "no resource at /no/such/thing", "status": 404}
    r = client.get("/collections?f=kml")
    assert r.status_code == 400 and "f='kml'" in r.json()["description"]
    r = client.get("/collections?lang=fr")
    assert r.status_code == 400 and "vi or en" in r.json()["description"]
