"""Two overlapping submissions at the same moment: exactly one wins (the database decides, under
an advisory lock), through a real server; and a grant shows at once in search, items and tiles."""
from __future__ import annotations

import json
import threading

import httpx
import mapbox_vector_tile
import morecantile
import psycopg

from api.app import create_app
from tests.api.growing_helpers import (
    act, area_body, commune_with_room, free_spots, live_server, make_user, settle_expiry, square,
)

ITEMS = "/collections/growing_areas/items"
TMS = morecantile.tms.get("WebMercatorQuad")


def test_concurrent_overlapping_submissions_exactly_one_wins(settings, demo_db):
    settle_expiry(demo_db)
    commune, _ = commune_with_room(demo_db)
    lan = make_user(demo_db, "lan", "commune_staff", [commune])
    spots = free_spots(demo_db, commune, 3)
    with live_server(create_app(settings, url=demo_db)) as url, httpx.Client(base_url=url, timeout=30) as client:
        for x, y in spots:
            # Two drafts over the same ground (drafts do not hold ground, so both are accepted).
            drafts = []
            for shift in (0.0, 0.0008):
                r = client.post(ITEMS, headers=lan, json=area_body(square(x + shift, y), commune))
                assert r.status_code == 201, r.text
                drafts.append((r.json()["id"], r.headers["etag"]))
            barrier = threading.Barrier(2)
            results: dict[int, httpx.Response] = {}

            def submit(area_id, tag):
                with httpx.Client(base_url=url, timeout=30) as own:  # its own connection
                    barrier.wait()
                    results[area_id] = act(own, lan, area_id, "submit", tag)

            threads = [threading.Thread(target=submit, args=d) for d in drafts]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            codes = sorted(r.status_code for r in results.values())
            assert codes == [200, 422], [r.text for r in results.values()]
            loser = next(r for r in results.values() if r.status_code == 422).json()
            assert loser["rule"] == "overlap" and loser["where"]["type"] in ("Polygon", "MultiPolygon")
    with psycopg.connect(demo_db) as conn:
        statuses = conn.execute("SELECT status, count(*) FROM growing_areas WHERE id IN (SELECT row_id::int FROM "
                                "change_history WHERE changed_by = 'lan') GROUP BY 1 ORDER BY 1").fetchall()
    assert statuses == [("draft", 3), ("submitted", 3)]


def test_concurrent_overlapping_writes_in_the_database_itself(demo_db):
    """Without the API: two transactions insert overlapping submitted areas; the second waits for
    the first's lock, then sees its row and fails."""
    settle_expiry(demo_db)
    commune, _ = commune_with_room(demo_db)
    [(x, y)] = free_spots(demo_db, commune, 1)
    insert = ("INSERT INTO growing_areas (name, crop, commune_code, status, geom) VALUES "
              "('Vùng', 'tea', %s, 'submitted', ST_Multi(ST_GeomFromGeoJSON(%s)))")
    a, b = psycopg.connect(demo_db), psycopg.connect(demo_db)
    try:
        a.execute(insert, (commune, json.dumps(square(x, y))))  # holds the province lock until commit
        outcome = {}

        def second():
            try:
                b.execute(insert, (commune, json.dumps(square(x + 0.0005, y))))
                b.commit()
                outcome["ok"] = True
            except psycopg.DatabaseError as exc:
                b.rollback()
                outcome["error"] = exc

        t = threading.Thread(target=second)
        t.start()
        t.join(1.0)
        assert t.is_alive(), "the second insert should wait for the first transaction's lock"
        a.commit()
        t.join(10)
        assert "ok" not in outcome and outcome["error"].sqlstate == "NT001"
    finally:
        a.close()
        b.close()


def features(r, layer: str) -> dict:
    return {f["id"]: f["properties"] for f in mapbox_vector_tile.decode(r.content).get(layer, {"features": []})["features"]}


def test_a_grant_shows_at_once_in_search_items_and_tiles(settings, demo_db):
    settle_expiry(demo_db)
    commune, province = commune_with_room(demo_db)
    lan = make_user(demo_db, "lan", "commune_staff", [commune])
    hung = make_user(demo_db, "hung", "province_staff", [province])
    [(x, y)] = free_spots(demo_db, commune, 1)
    t = TMS.tile(x, y, 13)
    tile = f"/collections/growing_areas/tiles/WebMercatorQuad/13/{t.x}/{t.y}"
    with live_server(create_app(settings, url=demo_db)) as url, httpx.Client(base_url=url, timeout=30) as client:
        r = client.post(ITEMS, headers=lan, json=area_body(square(x, y), commune, name="Vùng chè Tươi Mới"))
        area_id, tag = r.json()["id"], r.headers["etag"]
        before_tile = client.get(tile)
        before_items = client.get(ITEMS, params={"limit": 1000})
        assert area_id not in features(before_tile, "growing_areas")
        for who, step in ((lan, "submit"), (hung, "inspect"), (hung, "grant")):
            r = act(client, who, area_id, step, tag)
            assert r.status_code == 200, r.text
            tag = r.headers["etag"]
        code = r.json()["properties"]["code"]
        after_tile = client.get(tile, headers={"If-None-Match": before_tile.headers.get("etag", "")})
        assert after_tile.status_code == 200
        assert features(after_tile, "growing_areas")[area_id]["code"] == code
        after_items = client.get(ITEMS, params={"limit": 1000}, headers={"If-None-Match": before_items.headers["etag"]})
        assert after_items.status_code == 200 and area_id in [f["id"] for f in after_items.json()["features"]]
        found = client.get("/search", params={"q": code}).json()["features"]
        assert any(f["properties"]["feature_id"] == area_id for f in found)
        assert any(f["properties"]["feature_id"] == area_id
                   for f in client.get("/search", params={"q": "vung che tuoi moi"}).json()["features"])


def test_concurrent_grants_get_distinct_codes(settings, demo_db):
    settle_expiry(demo_db)
    commune, province = commune_with_room(demo_db)
    lan = make_user(demo_db, "lan", "commune_staff", [commune])
    hung = make_user(demo_db, "hung", "province_staff", [province])
    spots = free_spots(demo_db, commune, 4)
    with live_server(create_app(settings, url=demo_db)) as url, httpx.Client(base_url=url, timeout=30) as client:
        ready = []
        for x, y in spots:
            r = client.post(ITEMS, headers=lan, json=area_body(square(x, y), commune))
            area_id, tag = r.json()["id"], r.headers["etag"]
            for who, step in ((lan, "submit"), (hung, "inspect")):
                r = act(client, who, area_id, step, tag)
                tag = r.headers["etag"]
            ready.append((area_id, tag))
        barrier = threading.Barrier(len(ready))
        codes = {}

        def grant(area_id, tag):
            with httpx.Client(base_url=url, timeout=30) as own:
                barrier.wait()
                r = act(own, hung, area_id, "grant", tag)
                codes[area_id] = (r.status_code, r.json()["properties"]["code"] if r.status_code == 200 else r.text)

        threads = [threading.Thread(target=grant, args=a) for a in ready]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert all(status == 200 for status, _ in codes.values()), codes
    assert len({code for _, code in codes.values()}) == len(ready)
