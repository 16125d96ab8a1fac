"""The staff pages' way in: a session cookie writes growing areas only with the CSRF token."""
from __future__ import annotations


from layers.db.engines import connection
from layers.write import accounts
from tests.api.growing_helpers import area_body, commune_with_room, counts, free_spots, settle_expiry, square

ITEMS = "/collections/growing_areas/items"
PASSWORD = "rau-sach-2026!"


def test_cookie_writes_need_the_csrf_header(writer, demo_db):
    settle_expiry(demo_db)
    commune, _ = commune_with_room(demo_db)
    with connection(demo_db) as conn:
        accounts.create_user(conn, "lan", "commune_staff", [commune], password=PASSWORD)
    [(x, y)] = free_spots(demo_db, commune, 1)
    login = writer.post("/auth/login", json={"username": "lan", "password": PASSWORD})
    assert login.status_code == 200, login.text
    csrf = login.json()["csrf_token"]
    before = counts(demo_db)
    r = writer.post(ITEMS, json=area_body(square(x, y), commune))  # the cookie alone: a forged request
    assert r.status_code == 403 and "X-CSRF-Token" in r.json()["description"]
    r = writer.post(ITEMS, json=area_body(square(x, y), commune), headers={"X-CSRF-Token": "guess"})
    assert r.status_code == 403
    assert counts(demo_db) == before
    r = writer.post(ITEMS, json=area_body(square(x, y), commune), headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201, r.text
    # Reads need no CSRF token.
    assert writer.get(f"/staff/api/growing-areas/{r.json()['id']}").status_code == 200
