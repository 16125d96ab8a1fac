"""Bad input and abuse on growing-area writes: each a 4xx in the JSON error shape, none a 500,
none leaving a row or a history record behind."""
from __future__ import annotations

import json
import math

import psycopg
import pytest
from pyproj import Transformer

from tests.api.growing_helpers import act, area_body, commune_with_room, free_spots, make_user, square

ITEMS = "/collections/growing_areas/items"


@pytest.fixture
def staff(demo_db):
    commune, province = commune_with_room(demo_db)
    with psycopg.connect(demo_db) as conn:
        # Codes past their date expire on the first read; settle that so counts below only see the test.
        conn.execute("SELECT ntm_expire_growing_areas((now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)")
        other = conn.execute("SELECT g.id, g.commune_code FROM growing_areas g WHERE g.commune_code <> %s "
                             "AND g.status = 'draft' ORDER BY g.id LIMIT 1", (commune,)).fetchone()
    return {
        "commune": commune, "province": province, "spots": free_spots(demo_db, commune, 6),
        "lan": make_user(demo_db, "lan", "commune_staff", [commune]),
        "hung": make_user(demo_db, "hung", "province_staff", [province]),
        "viewer": make_user(demo_db, "xem", "viewer", [province]),
        "other_id": other[0], "other_commune": other[1],
    }


def counts(url):
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT (SELECT count(*) FROM growing_areas), (SELECT count(*) FROM change_history), "
                            "(SELECT count(*) FROM code_counters)").fetchone()


def error_of(r, status):
    assert r.status_code == status, r.text
    body = r.json()
    assert body["status"] == status and body["code"] and body["description"]
    return body


def create(client, headers, body, **kw):
    r = client.post(ITEMS, headers=headers, json=body, **kw)
    assert r.status_code == 201, r.text
    return r.json()["id"], r.headers["etag"]


def test_no_token_or_a_bad_token_is_401(writer, staff, demo_db):
    before = counts(demo_db)
    body = area_body(square(*staff["spots"][0]), staff["commune"])
    for headers in ({}, {"Authorization": "Bearer ntm_not-a-real-token"}, {"Authorization": "Basic abc"}):
        r = writer.post(ITEMS, headers=headers, json=body)
        assert error_of(r, 401) and r.headers["www-authenticate"].startswith("Bearer")
        assert writer.patch(f"{ITEMS}/{staff['other_id']}", headers={**headers, "If-Match": "*"},
                            json={"properties": {"name": "x"}}).status_code == 401
        assert writer.post(f"{ITEMS}/{staff['other_id']}/actions/submit", headers=headers).status_code == 401
        assert writer.get("/staff/api/growing-areas", headers=headers).status_code == 401
    assert counts(demo_db) == before


def test_staff_of_another_commune_get_403_even_with_guessed_ids(writer, staff, demo_db):
    before = counts(demo_db)
    other, lan = staff["other_id"], staff["lan"]
    assert error_of(writer.patch(f"{ITEMS}/{other}", headers={**lan, "If-Match": "*"},
                                 json={"properties": {"name": "Mine now"}}), 403)
    assert staff["other_commune"] in error_of(writer.get(f"/staff/api/growing-areas/{other}", headers=lan), 403)["description"]
    assert error_of(writer.delete(f"{ITEMS}/{other}", headers={**lan, "If-Match": "*"}), 403)
    assert error_of(act(writer, lan, other, "submit", "*"), 403)
    # Registering in a commune outside the scope, and a viewer registering at all.
    assert error_of(writer.post(ITEMS, headers=lan, json=area_body(square(*staff["spots"][0]), staff["other_commune"])), 403)
    assert error_of(writer.post(ITEMS, headers=staff["viewer"], json=area_body(square(*staff["spots"][0]), staff["commune"])), 403)
    # The list shows only the staff member's scope; an unknown id is 404.
    listed = writer.get("/staff/api/growing-areas", headers=lan).json()["features"]
    assert listed and {f["properties"]["commune_code"] for f in listed} == {staff["commune"]}
    assert error_of(writer.get("/staff/api/growing-areas/999999", headers=lan), 404)
    assert counts(demo_db) == before


@pytest.mark.parametrize("field,value", [("code", "VN-40-17005-0001"), ("status", "granted"),
                                         ("valid_to", "2030-01-01"), ("area_ha", 1), ("row_version", 9)])
def test_a_body_setting_system_fields_is_400_naming_the_field(writer, staff, demo_db, field, value):
    before = counts(demo_db)
    body = area_body(square(*staff["spots"][0]), staff["commune"], **{field: value})
    assert field in error_of(writer.post(ITEMS, headers=staff["lan"], json=body), 400)["description"]
    body = {**area_body(square(*staff["spots"][0]), staff["commune"]), "id": 5}
    assert "id" in error_of(writer.post(ITEMS, headers=staff["lan"], json=body), 400)["description"]
    assert counts(demo_db) == before


def test_malformed_bodies_are_400(writer, staff):
    lan = staff["lan"]
    assert error_of(writer.post(ITEMS, headers={**lan, "Content-Type": "application/json"}, content=b"{not json"), 400)
    assert error_of(writer.post(ITEMS, headers=lan, json=[1, 2]), 400)
    assert error_of(writer.post(ITEMS, headers=lan, json={"type": "Feature", "geometry": {"type": "Polygon",
                                "coordinates": "x"}, "properties": {}}), 400)
    body = area_body(square(*staff["spots"][0]), staff["commune"], households_count="many")
    assert "households_count" in error_of(writer.post(ITEMS, headers=lan, json=body), 400)["description"]
    body = area_body(square(*staff["spots"][0]), staff["commune"], cooperative_id=999_999)
    assert "cooperative" in error_of(writer.post(ITEMS, headers=lan, json=body), 400)["description"]
    body = area_body(square(*staff["spots"][0]), staff["commune"], name="a\x00b")
    assert error_of(writer.post(ITEMS, headers=lan, json=body), 400)
    assert error_of(writer.post(ITEMS, headers={**lan, "Content-Crs": "<http://example.com/crs/1>"},
                                json=area_body(square(*staff["spots"][0]), staff["commune"])), 400)


def test_self_intersecting_polygon_is_repaired_and_returned(writer, staff):
    x, y = staff["spots"][0]
    d = 0.002
    bow = {"type": "Polygon", "coordinates": [[[x - d, y - d], [x + d, y + d], [x + d, y - d], [x - d, y + d], [x - d, y - d]]]}
    r = writer.post(ITEMS, headers=staff["lan"], json=area_body(bow, staff["commune"]))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["repaired"] is True and "Self-intersection" in body["repair_note"]
    assert body["geometry"]["type"] == "MultiPolygon" and len(body["geometry"]["coordinates"]) == 2


def test_wrong_crs_huge_outside_and_small_are_422_with_rule_and_where(writer, staff, demo_db):
    before = counts(demo_db)
    lan, commune = staff["lan"], staff["commune"]
    x, y = staff["spots"][0]
    tm3 = Transformer.from_crs(4326, 9208, always_xy=True)
    ex, ny = tm3.transform(x, y)
    metres = {"type": "Polygon", "coordinates": [[[ex, ny], [ex + 300, ny], [ex + 300, ny + 300], [ex, ny + 300], [ex, ny]]]}
    body = error_of(writer.post(ITEMS, headers=lan, json=area_body(metres, commune)), 422)
    assert body["rule"] == "wrong_crs" and body["errors"][0]["rule"] == "wrong_crs"
    huge = error_of(writer.post(ITEMS, headers=lan, json=area_body(square(x, y, 12_000), commune)), 422)
    assert huge["rule"] == "too_large" and huge["where"]["type"] == "Polygon"
    far = error_of(writer.post(ITEMS, headers=lan, json=area_body(square(x + 0.5, y, 300), commune)), 422)
    assert far["rule"] == "outside_commune" and far["where"]["type"] in ("Polygon", "MultiPolygon")
    small = error_of(writer.post(ITEMS, headers=lan, json=area_body(square(x, y, 50), commune, crop="rice")), 422)
    assert small["rule"] == "too_small" and "5 ha minimum for rice" in small["description"]
    several = error_of(writer.post(ITEMS, headers=lan, json=area_body(square(x, y), None, name=None, crop="durian")), 422)
    assert {e["rule"] for e in several["errors"]} == {"missing_attribute", "unknown_crop"}
    unknown = error_of(writer.post(ITEMS, headers=lan, json=area_body(square(x, y), "99999")), 422)
    assert unknown["rule"] == "unknown_commune"
    assert counts(demo_db) == before
    # The same metres, named as VN-2000 / TM-3 Nghệ An in Content-Crs, are accepted.
    r = writer.post(ITEMS, headers={**lan, "Content-Crs": "<http://www.opengis.net/def/crs/EPSG/0/9208>"},
                    json=area_body(metres, commune))
    assert r.status_code == 201, r.text
    assert 8.9 < r.json()["properties"]["area_ha"] < 9.1


def test_overlap_with_an_active_area_is_422_with_the_intersection(writer, staff, demo_db):
    lan, commune = staff["lan"], staff["commune"]
    x, y = staff["spots"][1]
    first, tag = create(writer, lan, area_body(square(x, y), commune))
    assert act(writer, lan, first, "submit", tag).status_code == 200
    before = counts(demo_db)
    # A draft overlapping a submitted area is refused at once (50 m shift of a 300 m square).
    shifted = square(x + 0.0005, y)
    body = error_of(writer.post(ITEMS, headers=lan, json=area_body(shifted, commune)), 422)
    assert body["rule"] == "overlap" and body["where"]["type"] in ("Polygon", "MultiPolygon")
    assert str(first) in body["description"]
    assert counts(demo_db) == before
    # Touching (sharing an edge) is not overlapping.
    dx = 300 / (111_320 * math.cos(math.radians(y)))
    create(writer, lan, area_body(square(x + dx, y), commune))


def test_if_match_missing_is_428_and_stale_is_412(writer, staff, demo_db):
    lan, commune = staff["lan"], staff["commune"]
    area_id, tag = create(writer, lan, area_body(square(*staff["spots"][2]), commune))
    patch = {"properties": {"variety": "Cam Sông Con"}}
    assert error_of(writer.patch(f"{ITEMS}/{area_id}", headers=lan, json=patch), 428)
    r = writer.patch(f"{ITEMS}/{area_id}", headers={**lan, "If-Match": tag}, json=patch)
    assert r.status_code == 200 and r.headers["etag"] != tag
    assert r.json()["properties"]["variety"] == "Cam Sông Con" and r.json()["properties"]["name"]
    before = counts(demo_db)
    assert error_of(writer.patch(f"{ITEMS}/{area_id}", headers={**lan, "If-Match": tag},
                                 json={"properties": {"variety": "lost update"}}), 412)
    assert error_of(act(writer, lan, area_id, "submit", tag), 412)
    assert error_of(writer.delete(f"{ITEMS}/{area_id}", headers={**lan, "If-Match": tag}), 412)
    assert error_of(writer.post(f"{ITEMS}/{area_id}/actions/submit", headers=lan), 428)
    assert counts(demo_db) == before
    # PUT replaces: properties left out go back to their defaults.
    new = r.headers["etag"]
    r = writer.put(f"{ITEMS}/{area_id}", headers={**lan, "If-Match": new},
                   json=area_body(square(*staff["spots"][2], 320), commune, variety=None, owner_name=None))
    assert r.status_code == 200, r.text
    assert r.json()["properties"]["variety"] is None and r.json()["properties"]["area_ha"] > 10


def test_delete_draft_but_not_granted_and_code_survives_boundary_change(writer, staff, demo_db):
    lan, hung, commune = staff["lan"], staff["hung"], staff["commune"]
    draft, tag = create(writer, lan, area_body(square(*staff["spots"][3]), commune))
    assert writer.delete(f"{ITEMS}/{draft}", headers={**lan, "If-Match": tag}).status_code == 204
    assert error_of(writer.get(f"/staff/api/growing-areas/{draft}", headers=lan), 404)

    area_id, tag = create(writer, lan, area_body(square(*staff["spots"][4]), commune))
    for who, step in ((lan, "submit"), (hung, "inspect"), (hung, "grant")):
        r = act(writer, who, area_id, step, tag)
        assert r.status_code == 200, r.text
        tag = r.headers["etag"]
    code = r.json()["properties"]["code"]
    before = counts(demo_db)
    assert "revoke" in error_of(writer.delete(f"{ITEMS}/{area_id}", headers={**hung, "If-Match": tag}), 409)["description"]
    # Commune staff may no longer edit it; province staff may move its boundary, and the code stays.
    assert error_of(writer.patch(f"{ITEMS}/{area_id}", headers={**lan, "If-Match": tag},
                                 json={"properties": {"name": "x"}}), 403)
    assert counts(demo_db) == before
    r = writer.patch(f"{ITEMS}/{area_id}", headers={**hung, "If-Match": tag},
                     json={"geometry": square(*staff["spots"][4], 350)})
    assert r.status_code == 200, r.text
    assert r.json()["properties"]["code"] == code
    # Revoked: closed for edits and steps other than none; the code is kept and not reused.
    r = act(writer, hung, area_id, "revoke", r.headers["etag"], {"note": "no longer farmed"})
    assert r.status_code == 200 and r.json()["properties"]["code"] == code
    assert error_of(act(writer, hung, area_id, "grant", r.headers["etag"]), 409)
    assert error_of(writer.patch(f"{ITEMS}/{area_id}", headers={**hung, "If-Match": r.headers["etag"]},
                                 json={"properties": {"name": "x"}}), 409)
    with psycopg.connect(demo_db) as conn:
        with pytest.raises(psycopg.DatabaseError, match="never changes"):  # the database keeps codes, whoever asks
            conn.execute("UPDATE growing_areas SET code = 'VN-X' WHERE id = %s", (area_id,))


def test_content_crs_epsg_4326_is_latitude_first(writer, staff):
    x, y = staff["spots"][5]
    lonlat = square(x, y)
    latlon = {"type": "Polygon", "coordinates": [[[b, a] for a, b in lonlat["coordinates"][0]]]}
    r = writer.post(ITEMS, headers={**staff["lan"], "Content-Crs": "<http://www.opengis.net/def/crs/EPSG/0/4326>"},
                    json=area_body(latlon, staff["commune"]))
    assert r.status_code == 201, r.text
    first = r.json()["geometry"]["coordinates"][0][0][0]
    assert abs(first[0] - (x - 0.0014)) < 0.001 and abs(first[1] - y) < 0.002  # stored lon, lat


def test_hostile_json_is_400_or_422_never_500(writer, staff, demo_db):
    lan, commune = staff["lan"], staff["commune"]
    x, y = staff["spots"][0]
    before = counts(demo_db)
    deep = b"[" * 200_000 + b"]" * 200_000
    assert error_of(writer.post(ITEMS, headers={**lan, "Content-Type": "application/json"}, content=deep), 400)
    with_nan = square(x, y)
    with_nan["coordinates"][0][1] = [float("nan"), y]
    r = writer.post(ITEMS, headers={**lan, "Content-Type": "application/json"},
                    content=json.dumps(area_body(with_nan, commune)).encode())
    assert r.status_code in (400, 422) and "NaN" in json.dumps(area_body(with_nan, commune)), r.text
    ring = {"type": "Polygon", "coordinates": [[[x, y], [x + 0.001, y]]]}
    assert writer.post(ITEMS, headers=lan, json=area_body(ring, commune)).status_code in (400, 422)
    collection = {"type": "GeometryCollection", "geometries": [square(x, y)]}
    assert error_of(writer.post(ITEMS, headers=lan, json=area_body(collection, commune)), 422)["rule"] == "geometry_invalid"
    body = area_body(square(x, y), commune, expected_output_tonnes=1e308 * 10)
    r = writer.post(ITEMS, headers={**lan, "Content-Type": "application/json"},
                    content=json.dumps(body).replace("Infinity", "1e999").encode())
    assert r.status_code == 400, r.text
    big = writer.post(ITEMS, headers={**lan, "Content-Type": "application/json", "Content-Length": str(50 << 20)},
                      content=b"{}")
    assert big.status_code in (400, 413)
    assert counts(demo_db) == before


def test_a_viewer_reads_areas_without_the_owners_name_and_phone(writer, staff, demo_db):
    with psycopg.connect(demo_db) as conn:
        area_id = conn.execute("SELECT min(g.id) FROM growing_areas g JOIN communes c ON c.code = g.commune_code "
                               "WHERE c.province_code = %s", (staff["province"],)).fetchone()[0]
        conn.execute("INSERT INTO private.growing_area_private (growing_area_id, owner_name, owner_phone) "
                     "VALUES (%s, 'Nguyễn Văn A', '0912345678') ON CONFLICT (growing_area_id) DO UPDATE "
                     "SET owner_name = excluded.owner_name, owner_phone = excluded.owner_phone", (area_id,))
    for who, sees in (("viewer", False), ("hung", True)):
        listed = writer.get("/staff/api/growing-areas", headers=staff[who], params={"limit": 5000}).json()
        mine = [f for f in listed["features"] if f["id"] == area_id]
        assert len(mine) == 1 and ("owner_phone" in mine[0]["properties"]) is sees
        one = writer.get(f"/staff/api/growing-areas/{area_id}", headers=staff[who]).json()
        assert ("owner_name" in one["properties"]) is sees
        past = writer.get(f"/staff/api/growing-areas/{area_id}", headers=staff[who],
                          params={"as_of": "2100-01-01"}).json()
        assert ("0912345678" in str(past)) is sees
        history = writer.get(f"{ITEMS}/{area_id}/history", headers=staff[who])
        assert ("0912345678" in history.text) is sees or history.status_code == 404
