"""/search end to end on the demo province: names with and without diacritics, codes, privacy."""
from __future__ import annotations

import json
import unicodedata

import psycopg
import pytest


PROPERTIES = {"kind", "collection", "feature_id", "label", "context", "match", "match_type", "href"}


def plain(text: str) -> str:
    """What a phone keyboard without Vietnamese gives: no diacritics, đ as d."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def find(reader, q, **params):
    r = reader.get("/search", params={"q": q, **params})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/geo+json")
    body = json.loads(r.content)
    assert body["type"] == "FeatureCollection" and body["numberReturned"] == len(body["features"])
    for f in body["features"]:
        assert f["type"] == "Feature" and set(f["properties"]) == PROPERTIES
        assert f["id"] == f"{f['properties']['collection']}.{f['properties']['feature_id']}"
    return body["features"]


def first(reader, q, **params):
    features = find(reader, q, **params)
    assert features, f"nothing found for {q!r}"
    return features[0]


def row(url, sql, *args):
    with psycopg.connect(url) as conn:
        return conn.execute(sql, args).fetchone()


@pytest.mark.parametrize("q", ["Yên Thành", "Yen Thanh", "yên thành", "YÊN THÀNH", "yen thanh", "Xã Yên Thành"])
def test_a_commune_with_and_without_diacritics(reader, shared_demo, q):
    commune_id, code = row(shared_demo, "SELECT id, code FROM communes WHERE name_vi = 'Yên Thành'")
    f = first(reader, q)
    p = f["properties"]
    assert (p["kind"], p["collection"], p["feature_id"]) == ("commune", "communes", commune_id)
    assert p["label"] == "Xã Yên Thành, Nghệ An" and p["match_type"] == "exact"
    assert p["context"] == "Nghệ An"
    assert p["href"].endswith(f"/collections/communes/items/{commune_id}")
    assert f["geometry"]["type"] == "MultiPolygon"
    minx, miny, maxx, maxy = f["bbox"]
    assert 103 < minx < maxx < 107 and 18 < miny < maxy < 20.5


def test_d_with_stroke_folds_to_d(reader):
    p = first(reader, "do luong")["properties"]
    assert (p["kind"], p["label"], p["match"]) == ("commune", "Xã Đô Lương, Nghệ An", "Đô Lương")
    assert first(reader, "Đô Lương")["properties"]["feature_id"] == p["feature_id"]


def test_english_labels(reader):
    assert first(reader, "yen thanh", lang="en")["properties"]["label"] == "Yen Thanh commune, Nghe An"
    assert first(reader, "cua lo", lang="en")["properties"]["label"] == "Cua Lo ward, Nghe An"


def test_a_village_is_labelled_with_its_commune(reader, shared_demo):
    vid, name, commune = row(shared_demo, """
        SELECT v.id, v.name, c.full_name_vi FROM villages v JOIN communes c ON c.code = v.commune_code
        WHERE v.name ~ '^Bản [^0-9]+$' ORDER BY v.id DESC LIMIT 1""")
    features = find(reader, plain(name).lower(), kind="village", limit=50)
    mine = [f for f in features if f["properties"]["feature_id"] == vid]
    assert mine and mine[0]["properties"]["label"] == f"{name}, {commune}, Nghệ An"
    assert mine[0]["properties"]["match_type"] == "exact" and features[0]["properties"]["match_type"] == "exact"
    assert mine[0]["geometry"]["type"] == "MultiPolygon" and len(mine[0]["bbox"]) == 4


def test_same_village_names_come_with_their_communes(reader):
    features = find(reader, "xom 3", kind="village", limit=50)
    exact = [f["properties"] for f in features if f["properties"]["match_type"] == "exact"]
    assert len(exact) > 1 and all(p["label"].startswith("Xóm 3, ") for p in exact)
    assert len({p["label"] for p in exact}) == len(exact)
    assert [f["properties"]["match_type"] for f in features][: len(exact)] == ["exact"] * len(exact)


def test_exact_before_prefix_before_similar_and_communes_first_on_ties(reader):
    types = [f["properties"]["match_type"] for f in find(reader, "Vinh", limit=50)]
    order = ["exact", "prefix", "word", "substring", "similar"]
    assert types == sorted(types, key=order.index)
    kinds = [f["properties"]["kind"] for f in find(reader, "Nghia Dan", limit=50)]
    assert kinds[0] == "commune"


@pytest.mark.parametrize("variant", [str, str.lower, lambda c: c.replace("-", ""),
                                     lambda c: c.replace("-", "").lower()])
def test_an_address_code_finds_exactly_its_household(reader, shared_demo, variant):
    hid, code, village = row(shared_demo, """
        SELECT h.id, h.address_code, v.name FROM households h JOIN villages v ON v.id = h.village_id
        ORDER BY h.id OFFSET 123 LIMIT 1""")
    features = find(reader, variant(code))
    assert len(features) == 1
    f = features[0]
    assert f["properties"]["kind"] == "address" and f["properties"]["collection"] == "households"
    assert f["properties"]["feature_id"] == hid and f["properties"]["match"] == code
    assert f["properties"]["label"].startswith(f"{code}, {village}, ")
    assert f["geometry"]["type"] == "Point" and "bbox" not in f


def test_nothing_private_leaves_with_an_address(reader, shared_demo):
    code, = row(shared_demo, "SELECT address_code FROM households ORDER BY id LIMIT 1")
    text = reader.get("/search", params={"q": code}).text
    with psycopg.connect(shared_demo) as conn:
        secrets = conn.execute("SELECT head_name, phone, national_id FROM private.household_private p "
                               "JOIN households h ON h.id = p.household_id WHERE h.address_code = %s",
                               (code,)).fetchone()
    assert secrets and not any(s and s in text for s in secrets)


def test_a_partial_address_code_lists_that_cell(reader, shared_demo):
    code, = row(shared_demo, "SELECT address_code FROM households ORDER BY id LIMIT 1")
    features = find(reader, code[:4].lower(), limit=5)
    assert len(features) == 5 and all(f["properties"]["match"].startswith(code[:4]) for f in features)


def test_growing_area_codes_by_prefix_only_public(reader, shared_demo):
    code, = row(shared_demo, "SELECT code FROM growing_areas WHERE status = 'granted' ORDER BY id LIMIT 1")
    f = first(reader, code.lower().replace("-", ""))
    assert f["properties"]["match"] == code and f["properties"]["match_type"] == "exact"
    assert f["geometry"]["type"] == "MultiPolygon" and len(f["bbox"]) == 4
    scope = code.rsplit("-", 1)[0]
    features = find(reader, scope, limit=50)
    assert features and all(f["properties"]["match"].startswith(scope) for f in features)
    with psycopg.connect(shared_demo) as conn:
        public = {r[0] for r in conn.execute(
            "SELECT id FROM growing_areas WHERE code LIKE %s "
            "AND status IN ('granted', 'suspended', 'revoked', 'expired')",
            (scope + "%",))}
    assert {f["properties"]["feature_id"] for f in features} == public


def test_non_public_growing_areas_are_never_found(app_client, demo_db):
    with psycopg.connect(demo_db, autocommit=True) as conn:
        hidden, code = conn.execute(
            "UPDATE growing_areas SET status = 'submitted', name = 'Vùng thử nghiệm Bí Mật' WHERE id = "
            "(SELECT min(id) FROM growing_areas WHERE status = 'granted') RETURNING id, code").fetchone()
        shown, = conn.execute(
            "UPDATE growing_areas SET name = 'Vùng thử nghiệm Công Khai' WHERE id = "
            "(SELECT max(id) FROM growing_areas WHERE status = 'granted') RETURNING id").fetchone()
        draft, = conn.execute(
            "UPDATE growing_areas SET name = 'Vùng nháp Bí Mật' WHERE id = "
            "(SELECT min(id) FROM growing_areas WHERE status = 'draft') RETURNING id").fetchone()
    c = app_client(demo_db)
    found = lambda q: {(f["properties"]["collection"], f["properties"]["feature_id"])  # noqa: E731
                       for f in find(c, q, limit=50)}
    assert ("growing_areas", hidden) not in found(code) | found(code.replace("-", ""))
    assert ("growing_areas", hidden) not in found(code.rsplit("-", 1)[0])
    for q in ("bi mat", "Vùng thử nghiệm Bí Mật", "vung nhap", "thu nghiem"):
        assert not {fid for layer, fid in found(q) if layer == "growing_areas"} & {hidden, draft}, q
    assert ("growing_areas", shown) in found("thu nghiem cong khai")


def test_a_tourism_place_by_part_of_its_name(reader):
    p = first(reader, "pu mat")["properties"]
    assert p["kind"] == "tourism_place" and p["label"].startswith("Vườn quốc gia Pù Mát, ")
    p = first(reader, "lang sen", kind="tourism_place")["properties"]
    assert p["label"].startswith("Khu di tích Kim Liên (Làng Sen)")
    f = first(reader, "Kim Lien Relic", lang="en")
    assert f["properties"]["label"].startswith("Kim Lien Relic Site") and f["geometry"]["type"] == "Point"


def test_a_typo_still_finds_the_commune(reader):
    assert first(reader, "yen thamh")["properties"]["label"] == "Xã Yên Thành, Nghệ An"


def test_kind_and_limit_filter(reader):
    assert {f["properties"]["kind"] for f in find(reader, "Yen Thanh", kind="village,tourism_place")} <= {
        "village", "tourism_place"}
    assert len(find(reader, "xom", limit=3)) == 3
    assert find(reader, "gnd4", kind="commune") == []


def test_nothing_found_is_an_empty_collection(reader):
    assert find(reader, "qqzzxxyy") == []


@pytest.mark.parametrize("params, needle", [
    ({}, "q:"), ({"q": ""}, "q:"), ({"q": "   "}, "q:"), ({"q": "a"}, "at least 2 characters"),
    ({"q": "x" * 300}, "at most 200"), ({"q": "vinh", "limit": 0}, "limit"), ({"q": "vinh", "limit": 51}, "limit"),
    ({"q": "vinh", "limit": "ten"}, "limit"), ({"q": "vinh", "kind": "place"}, "'place'"),
    ({"q": "vinh", "kind": ","}, "kind"), ({"q": "vinh", "lang": "fr"}, "vi or en"),
    ({"q": "GND4-0001-F"}, "check character"),
])
def test_bad_requests_say_what_is_wrong(reader, params, needle):
    r = reader.get("/search", params=params)
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["code"] == "InvalidParameterValue" and body["status"] == 400 and needle in body["description"]


def test_the_link_leads_to_the_feature(reader):
    for q in ("do luong", "pu mat"):
        p = first(reader, q)["properties"]
        r = reader.get(p["href"])
        assert r.status_code == 200 and r.json()["id"] == p["feature_id"]


def test_search_as_an_html_page(reader):
    page = reader.get("/search", params={"q": "do luong", "f": "html", "lang": "vi"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Đô Lương" in page.text and "/items/" in page.text and "f=html" in page.text
    empty = reader.get("/search", params={"q": "zzzzqqqq", "f": "html", "lang": "en"})
    assert empty.status_code == 200 and "Nothing found" in empty.text
    assert 'action="search"' in reader.get("/?f=html").text  # the landing page has the box
