"""Field editing of household points (issue 16): place with a code, move, verify, split, merge,
retire; If-Match (428/412), scope (403 with the growing areas' border tolerance), bad GPS fixes
(422), personal fields only in the private schema with every access recorded, replays applied
once, retired codes off the public layer."""
from __future__ import annotations

import uuid

import psycopg
import pytest

from geo import address_code
from tests.api.growing_helpers import make_user

BASE = "/staff/api/households"


def two_communes(url: str) -> tuple[str, str, tuple[float, float]]:
    """Two neighbouring communes and a point inside the first, well away from its border."""
    with psycopg.connect(url) as conn:
        a, b = conn.execute(
            "SELECT a.code, b.code FROM communes a JOIN communes b ON a.code < b.code AND ST_Touches(a.geom, b.geom) "
            "ORDER BY ST_Area(a.geom) DESC, b.code LIMIT 1").fetchone()
        x, y = conn.execute("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(ST_Buffer(geom::geography, -300)"
                            "::geometry) p FROM communes WHERE code = %s) q", (a,)).fetchone()
    return a, b, (x, y)


def outside_by(url: str, commune: str, metres: float, other: str) -> tuple[float, float]:
    """A point in `other`, about `metres` from the border of `commune`."""
    with psycopg.connect(url) as conn:
        return conn.execute("""
            WITH a AS (SELECT geom FROM communes WHERE code = %(a)s), b AS (SELECT geom FROM communes WHERE code = %(b)s),
            ring AS (SELECT ST_ExteriorRing(ST_GeometryN(ST_Buffer(a.geom::geography, %(m)s)::geometry, 1)) r FROM a),
            pts AS (SELECT (ST_DumpPoints(ST_Segmentize(r::geography, 50)::geometry)).geom p FROM ring)
            SELECT ST_X(p), ST_Y(p) FROM pts, a, b WHERE ST_Within(p, b.geom) AND NOT ST_Intersects(p, a.geom)
            AND abs(ST_Distance(p::geography, a.geom::geography) - %(m)s) < 5 LIMIT 1""",
                            {"a": commune, "b": other, "m": metres}).fetchone()


def gps(lon: float, lat: float, accuracy: float = 6.0) -> dict:
    return {"lon": lon, "lat": lat, "accuracy_m": accuracy, "source": "gps"}


@pytest.fixture
def field(app_client, demo_db):
    a, b, (x, y) = two_communes(demo_db)
    staff = make_user(demo_db, "lan", "commune_staff", [a])
    return {"url": demo_db, "client": app_client(demo_db), "a": a, "b": b, "x": x, "y": y, "staff": staff}


def test_place_move_verify_with_if_match_and_history(field):
    c, staff, x, y = field["client"], field["staff"], field["x"], field["y"]
    r = c.post(BASE, headers=staff, json={"point": gps(x, y), "private": {"head_name": "Nguyễn Văn An",
                                                                          "phone": "0912 345 678", "members": 4}})
    assert r.status_code == 201, r.text
    new = r.json()
    code = new["properties"]["address_code"]
    assert address_code.is_valid(code) and address_code.parse(code).cell == address_code.cell_of(x, y)
    assert new["properties"]["plus_code"] and new["properties"]["commune_code"] == field["a"]
    assert new["properties"]["verified"] is False and "private" not in new
    assert new["properties"]["village_id"] is not None  # the village holding the point
    hid, tag = new["id"], r.headers["etag"]

    moved = {"point": gps(x + 0.0002, y + 0.0001)}
    assert c.patch(f"{BASE}/{hid}", headers=staff, json=moved).status_code == 428
    r = c.patch(f"{BASE}/{hid}", headers={**staff, "If-Match": tag}, json={**moved, "verified": True})
    assert r.status_code == 200, r.text
    assert r.json()["properties"]["verified"] is True and r.json()["geometry"]["coordinates"][0] == x + 0.0002
    stale = c.patch(f"{BASE}/{hid}", headers={**staff, "If-Match": tag}, json={"verified": False})
    assert stale.status_code == 412 and code in stale.json()["description"]
    tag = r.headers["etag"]
    r = c.patch(f"{BASE}/{hid}", headers={**staff, "If-Match": tag}, json={"point": gps(x, y)})
    assert r.json()["properties"]["verified"] is False  # a moved point is checked again
    assert r.json()["properties"]["address_code"] == code  # the code says where it was placed: it stays

    h = c.get(f"{BASE}/{hid}/history", headers=staff).json()["entries"]
    assert [e["operation"] for e in h][:1] == ["INSERT"] and len(h) == 3
    assert h[0]["after"]["head_name"] == "Nguyễn Văn An" and h[0]["changed_by"] == "lan"
    assert "geom" in h[1]["changed"] and "verified_at" in h[1]["changed"]

    with psycopg.connect(field["url"]) as conn:  # personal data only in the private schema
        public = conn.execute("SELECT count(*) FROM public.change_history WHERE row_id = %s AND "
                              "(before::text LIKE '%%Nguyễn%%' OR after::text LIKE '%%Nguyễn%%')", (str(hid),)).fetchone()
        assert public == (0,)
        assert conn.execute("SELECT head_name, phone, members FROM private.household_private WHERE household_id = %s",
                            (hid,)).fetchone() == ("Nguyễn Văn An", "0912 345 678", 4)


def test_scope_and_bad_fixes(field):
    c, staff, x, y, url = field["client"], field["staff"], field["x"], field["y"], field["url"]
    near = outside_by(url, field["a"], 30, field["b"])  # inside the 50 m tolerance: accepted for commune a
    r = c.post(BASE, headers=staff, json={"point": gps(*near)})
    assert r.status_code == 201, r.text
    assert r.json()["properties"]["commune_code"] == field["a"]
    far = outside_by(url, field["a"], 400, field["b"])
    r = c.post(BASE, headers=staff, json={"point": gps(*far)}, params={"lang": "vi"})
    assert r.status_code == 403 and field["b"] in r.json()["description"] and "Vị trí" in r.json()["description"]
    for point, rule in ((gps(2.35, 48.85), "outside_vietnam"), (gps(104.0, 12.5), "outside_vietnam"),
                        (gps(x, y, 1500), "accuracy"), (gps(x, y, 0), "accuracy"), (gps(x, y, -3), "accuracy"),
                        ({"lon": x, "lat": y, "source": "gps"}, "accuracy")):
        r = c.post(BASE, headers=staff, json={"point": point})
        assert r.status_code == 422 and r.json()["rule"] == rule, (point, r.text)
    assert c.post(BASE, headers=staff, json={"point": {"lon": x, "lat": y, "source": "map"}}).status_code == 201
    for body in ({"point": {"lon": "x", "lat": y}}, {"point": gps(x, y), "id": 5}, {"point": gps(x, y),
                 "private": {"income": 1}}, {"point": gps(x, y), "private": {"phone": "call me"}}):
        assert c.post(BASE, headers=staff, json=body).status_code == 400, body
    viewer = make_user(url, "xem", "viewer", [field["a"]])
    assert c.post(BASE, headers=viewer, json={"point": gps(x, y)}).status_code == 403
    other = make_user(url, "binh", "commune_staff", [field["b"]])
    mine = c.post(BASE, headers=staff, json={"point": gps(x, y)})
    r = c.patch(f"{BASE}/{mine.json()['id']}", headers={**other, "If-Match": mine.headers["etag"]},
                json={"verified": True})
    assert r.status_code == 403
    assert c.get(f"{BASE}/{mine.json()['id']}", headers=other).status_code == 403
    province = make_user(url, "tinh", "province_staff", [r_province(url, field["a"])])
    assert c.post(BASE, headers=province, json={"point": gps(*far)}).status_code == 201


def r_province(url: str, commune: str) -> str:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT province_code FROM communes WHERE code = %s", (commune,)).fetchone()[0]


def test_split_merge_retire_and_the_public_layer(field):
    c, staff, x, y, url = field["client"], field["staff"], field["x"], field["y"], field["url"]
    first = c.post(BASE, headers=staff, json={"point": gps(x, y), "private": {"head_name": "Trần Thị Bình",
                                                                               "phone": "0987654321"}})
    hid, tag = first.json()["id"], first.headers["etag"]
    r = c.post(f"{BASE}/{hid}/split", headers={**staff, "If-Match": tag},
               json={"point": gps(x + 0.0003, y), "private": {"head_name": "Trần Văn Cường"}})
    assert r.status_code == 201, r.text
    second = r.json()
    assert second["properties"]["address_code"] != first.json()["properties"]["address_code"]
    assert c.post(f"{BASE}/{hid}/split", headers={**staff, "If-Match": tag}, json={}).status_code == 412

    dup = c.post(BASE, headers=staff, json={"point": gps(x + 0.00001, y)})  # the same house placed twice
    kept_code = first.json()["properties"]["address_code"]
    r = c.post(f"{BASE}/{dup.json()['id']}/merge", headers={**staff, "If-Match": dup.headers["etag"]},
               json={"into": kept_code.lower().replace("-", "")})
    assert r.status_code == 200, r.text
    assert r.json()["properties"]["status"] == "retired" and r.json()["properties"]["successor_code"] == kept_code
    again = c.patch(f"{BASE}/{dup.json()['id']}", headers={**staff, "If-Match": r.headers["etag"]},
                    json={"verified": True})
    assert again.status_code == 409  # retired: never changes again

    far = outside_by(url, field["a"], 400, field["b"])
    admin = make_user(url, "admin", "admin", [])
    there = c.post(BASE, headers=admin, json={"point": gps(*far)})
    r = c.post(f"{BASE}/{second['id']}/merge", headers={**admin, "If-Match": second["properties"]["etag"]},
               json={"into": there.json()["properties"]["address_code"]})
    assert r.status_code == 409 and "different communes" in r.json()["description"]

    second_tag = c.get(f"{BASE}/{second['id']}", headers=staff).headers["etag"]
    r = c.post(f"{BASE}/{second['id']}/retire", headers={**staff, "If-Match": second_tag}, json={})
    assert r.status_code == 200 and r.json()["properties"]["successor_code"] is None
    retired_code = r.json()["properties"]["address_code"]

    public = c.get("/collections/households/items", params={"address_code": retired_code})
    assert public.status_code == 200 and public.json()["features"] == []
    assert c.get(f"/collections/households/items/{second['id']}").status_code == 404
    live = c.get("/collections/households/items", params={"address_code": kept_code}).json()["features"]
    assert len(live) == 1 and set(live[0]["properties"]) == {"address_code", "plus_code", "commune_code", "village_id"}
    with psycopg.connect(url) as conn:  # the retired code's serial is never handed out again
        serials = conn.execute("SELECT address_code FROM households WHERE left(address_code, 4) = %s",
                               (retired_code[:4],)).fetchall()
    nxt = c.post(BASE, headers=staff, json={"point": gps(x + 0.0003, y)}).json()["properties"]["address_code"]
    assert nxt not in {s for (s,) in serials} and address_code.parse(nxt).serial > max(
        address_code.parse(s).serial for (s,) in serials)


def test_private_reads_and_edits_are_recorded(field):
    c, staff, x, y, url = field["client"], field["staff"], field["x"], field["y"], field["url"]
    r = c.post(BASE, headers=staff, json={"point": gps(x, y), "private": {"head_name": "Lê Văn Dũng"}})
    hid = r.json()["id"]
    assert "private" not in c.get(f"{BASE}/{hid}", headers=staff).json()
    r = c.get(f"{BASE}/{hid}", headers=staff, params={"private": "true"})
    assert r.json()["private"]["head_name"] == "Lê Văn Dũng" and r.json()["private"]["phone"] is None
    r = c.patch(f"{BASE}/{hid}", headers={**staff, "If-Match": r.headers["etag"]},
                json={"private": {"phone": "0912000111", "head_name": ""}})
    assert r.status_code == 200 and r.json()["properties"]["row_version"] == 2  # a personal edit moves the version
    viewer = make_user(url, "xem", "viewer", [field["a"]])
    assert c.get(f"{BASE}/{hid}", headers=viewer, params={"private": "true"}).status_code == 403
    assert c.get(f"{BASE}/{hid}", headers=viewer).status_code == 200
    with psycopg.connect(url) as conn:
        log = conn.execute("SELECT actor, action, household_ids, what FROM private.household_access ORDER BY id").fetchall()
        assert conn.execute("SELECT head_name, phone FROM private.household_private WHERE household_id = %s",
                            (hid,)).fetchone() == (None, "0912000111")
    assert log == [("lan", "edit", [hid], "head_name"), ("lan", "read", [hid], "form"),
                   ("lan", "edit", [hid], "head_name,phone")]
    public = c.get(f"/collections/households/items/{hid}").json()
    assert "Lê Văn" not in str(public) and "0912000111" not in str(public)


def test_replays_are_applied_once(field):
    c, staff, x, y, url = field["client"], field["staff"], field["x"], field["y"], field["url"]
    key = str(uuid.uuid4())
    first = c.post(BASE, headers={**staff, "Idempotency-Key": key}, json={"point": gps(x, y)})
    again = c.post(BASE, headers={**staff, "Idempotency-Key": key}, json={"point": gps(x, y)})
    assert first.status_code == again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json() and again.headers["etag"] == first.headers["etag"]
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM households WHERE id >= %s", (first.json()["id"],)).fetchone() == (1,)
    move = str(uuid.uuid4())
    tag = first.headers["etag"]
    hid = first.json()["id"]
    r1 = c.patch(f"{BASE}/{hid}", headers={**staff, "If-Match": tag, "Idempotency-Key": move},
                 json={"point": gps(x + 0.0001, y)})
    r2 = c.patch(f"{BASE}/{hid}", headers={**staff, "If-Match": tag, "Idempotency-Key": move},
                 json={"point": gps(x + 0.0001, y)})
    assert r1.status_code == r2.status_code == 200 and r2.json()["properties"]["row_version"] == 2
    assert c.post(BASE, headers={**staff, "Idempotency-Key": move}, json={"point": gps(x, y)}).status_code == 409
    assert c.post(BASE, headers={**staff, "Idempotency-Key": "nope"}, json={"point": gps(x, y)}).status_code == 400


def test_listing_a_commune(field):
    c, staff, x, y = field["client"], field["staff"], field["x"], field["y"]
    made = c.post(BASE, headers=staff, json={"point": gps(x, y), "verified": True}).json()
    r = c.get(BASE, headers=staff, params={"commune": field["a"]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["commune"]["code"] == field["a"] and body["numberReturned"] > 1
    mine = [f for f in body["features"] if f["id"] == made["id"]]
    assert mine and mine[0]["properties"]["verified"] is True
    assert all(f["properties"]["commune_code"] == field["a"] for f in body["features"])
    assert c.get(BASE, headers=staff, params={"commune": field["b"]}).status_code == 403
    communes = c.get("/staff/api/address-communes", headers=staff).json()
    assert [x["code"] for x in communes["communes"]] == [field["a"]] and communes["may_write"] is True


def test_points_placed_at_once_in_one_cell_get_different_codes(settings, demo_db):
    """The per-cell advisory lock (layers.write.households.codes): concurrent creations take turns."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    from api.app import create_app
    from tests.support import serve

    a, _, (x, y) = two_communes(demo_db)
    staff = make_user(demo_db, "lan", "commune_staff", [a])
    with serve(create_app(settings, url=demo_db)) as url:
        def place(i: int) -> httpx.Response:
            with httpx.Client(base_url=url, headers=staff, timeout=30) as api:
                return api.post(BASE, json={"point": gps(x + i * 0.00001, y)})
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(place, range(12)))
    assert [r.status_code for r in answers] == [201] * 12
    codes = [r.json()["properties"]["address_code"] for r in answers]
    assert len(set(codes)) == 12 and len({c[:4] for c in codes}) <= 2
