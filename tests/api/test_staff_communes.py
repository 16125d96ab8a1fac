"""/staff/api/communes answers from layers.read.admin_units: the communes of the user's scope."""
from __future__ import annotations

from tests.api.growing_helpers import commune_with_room, make_user


def test_a_commune_officer_gets_their_commune_and_an_admin_every_one(app_client, demo_db):
    commune, province = commune_with_room(demo_db)
    client = app_client(demo_db)
    assert client.get("/staff/api/communes").status_code == 401
    mine = client.get("/staff/api/communes", headers=make_user(demo_db, "xa1", "commune_staff", [commune]))
    assert mine.status_code == 200 and mine.headers["cache-control"] == "no-store"
    (only,) = mine.json()["communes"]
    assert (only["code"], only["province"]) == (commune, province) and len(only["bbox"]) == 4
    every = client.get("/staff/api/communes", headers=make_user(demo_db, "boss", "admin", [])).json()["communes"]
    assert only in every and len(every) > 1
