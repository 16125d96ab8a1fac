"""Rule failures in the language asked for (lang= or Accept-Language), naming the other area by
its code and status, never by its internal id; `rule` and `where` unchanged for programs."""
from __future__ import annotations

import re

import psycopg
import pytest

from geo.area_rules import Problem
from layers.write.growing.errors import AreaProblem, explain
from tests.api.growing_helpers import act, area_body, commune_with_room, free_spots, make_user, square

ITEMS = "/collections/growing_areas/items"


@pytest.fixture
def staff(demo_db):
    commune, province = commune_with_room(demo_db)
    with psycopg.connect(demo_db) as conn:
        conn.execute("SELECT ntm_expire_growing_areas((now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)")
    return {"commune": commune, "spots": free_spots(demo_db, commune, 3),
            "lan": make_user(demo_db, "lan", "commune_staff", [commune]),
            "hung": make_user(demo_db, "hung", "province_staff", [province])}


def created(client, headers, body):
    r = client.post(ITEMS, headers=headers, json=body)
    assert r.status_code == 201, r.text
    return r.json()["id"], r.headers["etag"]


def test_an_overlap_names_the_granted_area_by_its_code_in_vietnamese_and_english(writer, staff, demo_db):
    lan, hung, commune = staff["lan"], staff["hung"], staff["commune"]
    x, y = staff["spots"][0]
    first, tag = created(writer, lan, area_body(square(x, y), commune))
    for who, step in ((lan, "submit"), (hung, "inspect"), (hung, "grant")):
        r = act(writer, who, first, step, tag)
        assert r.status_code == 200, r.text
        tag = r.headers["etag"]
    code = r.json()["properties"]["code"]
    shifted = area_body(square(x + 0.0005, y), commune)

    vi = writer.post(f"{ITEMS}?lang=vi", headers=lan, json=shifted).json()
    assert vi["rule"] == "overlap" and vi["where"]["type"] in ("Polygon", "MultiPolygon")
    assert vi["description"] == vi["errors"][0]["message"]
    assert f"Chồng lên vùng {code} (Đã cấp mã)" in vi["description"], vi["description"]
    assert not re.search(rf"\b{first}\b", vi["description"].replace(code, ""))  # no internal id

    en = writer.post(ITEMS, headers={**lan, "Accept-Language": "en-GB,en;q=0.8"}, json=shifted).json()
    assert f"Overlaps area {code} (Granted)" in en["description"] and en["rule"] == "overlap"

    # A program that asks for no language keeps the English text it always had.
    raw = writer.post(ITEMS, headers=lan, json=shifted).json()
    assert raw["description"].startswith("the area overlaps granted growing area")


def test_several_rules_and_a_minimum_are_said_with_vietnamese_numbers_and_crop_names(writer, staff):
    lan, commune = staff["lan"], staff["commune"]
    x, y = staff["spots"][1]
    small = writer.post(f"{ITEMS}?lang=vi", headers=lan, json=area_body(square(x, y, 50), commune, crop="rice")).json()
    assert small["rule"] == "too_small"
    assert re.search(r"Diện tích 0,\d+ ha nhỏ hơn mức tối thiểu 5 ha cho Lúa", small["description"]), small["description"]
    several = writer.post(f"{ITEMS}?lang=vi", headers=lan,
                          json=area_body(square(x, y), None, name=None, crop="durian")).json()
    assert {e["rule"] for e in several["errors"]} == {"missing_attribute", "unknown_crop"}
    texts = " ".join(e["message"] for e in several["errors"])
    assert "Thiếu Tên" in texts and "«durian»" in texts and several["description"].startswith("3 quy tắc")


def test_every_message_the_rules_write_has_its_own_words():
    """Each English message the geometry/attribute rules and the trigger write maps to a key of its
    own (not the fallback), so no page shows the English text."""
    samples = [
        Problem("geometry_invalid", "the feature has no geometry"),
        Problem("geometry_invalid", "a growing area is a Polygon or MultiPolygon, not a Point"),
        Problem("too_large", "the polygon has 20001 vertices; at most 20000 are accepted (simplify it first)"),
        Problem("wrong_crs", "coordinates (500000, 2100000) … (500300, 2100300) are not longitude/latitude: …"),
        Problem("geometry_invalid", "invalid polygon that cannot be repaired (Self-intersection[1 2])"),
        Problem("too_large", "the area is 12,345.6 ha; at most 5,000 ha is accepted"),
        Problem("missing_attribute", "name is required (Circular 18/2019)"),
        Problem("missing_attribute", "address or commune_code is required (Circular 18/2019)"),
        Problem("unknown_crop", "unknown crop 'durian'; known crops: rice, tea"),
        Problem("too_small", "0.25 ha is below the 5 ha minimum for rice"),
        Problem("unknown_commune", "no current commune has the code 99999"),
        Problem("overlap", "overlaps feature 2 of the same file"),
        AreaProblem("outside_commune", "the area reaches more than 50 m outside commune 17890", None, {"commune": "17890"}),
        AreaProblem("overlap", "the area overlaps submitted growing area 12 by more than 10 m²", None,
                    {"other_status": "submitted"}),
    ]
    for p in samples:
        key, values = explain(p)
        assert ".other." not in key, p.message
    assert explain(samples[-1])[0] == "staff.problem.overlap_uncoded"


def test_an_upload_report_is_in_the_language_asked_for(writer, staff):
    import json
    x, y = staff["spots"][2]
    one = area_body(square(x, y), staff["commune"], name="Một")
    two = area_body(square(x + 0.0005, y), staff["commune"], name="Hai")  # overlaps the first
    data = json.dumps({"type": "FeatureCollection", "features": [one, two]}).encode()
    r = writer.post("/collections/growing_areas/uploads", headers={**staff["lan"], "Accept-Language": "vi-VN,vi;q=0.9"},
                    files={"file": ("vung.geojson", data, "application/geo+json")})
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["description"].startswith("1 trong 2 vùng của tệp không đạt")
    report = {f["index"]: f for f in body["report"]}
    assert report[2]["errors"][0]["rule"] == "overlap" and report[2]["errors"][0]["where"]
    assert report[2]["errors"][0]["message"] == "Chồng lên vùng số 1 của cùng tệp."


def test_an_unreadable_upload_is_said_in_the_language_asked_for(writer, staff):
    vi = {**staff["lan"], "Accept-Language": "vi"}
    r = writer.post("/collections/growing_areas/uploads", headers=vi, files={"file": ("ghi-chu.txt", b"xin chao", "text/plain")})
    assert r.status_code == 400, r.text
    assert r.json()["description"] == "ghi-chu.txt: hãy tải lên tệp Shapefile .zip, .kml, .kmz, .geojson hoặc .gpkg."
    r = writer.post("/collections/growing_areas/uploads", headers=vi,
                    files={"file": ("vung.geojson", b"{not json", "application/geo+json")})
    assert r.status_code == 400 and r.json()["description"].startswith("vung.geojson: không đọc được tệp"), r.text
    raw = writer.post("/collections/growing_areas/uploads", headers=staff["lan"],
                      files={"file": ("ghi-chu.txt", b"xin chao", "text/plain")})
    assert "upload a Shapefile .zip" in raw.json()["description"]  # no language asked: as before
