"""OGC query parameters through HTTP: queryables as parameters, unknown parameters, limit.

Oracles: hand-written SQL on the same database, and the CQL2 `filter` that says the same thing.
"""
from __future__ import annotations

import psycopg
import pytest

from api.query import params
from api.query.queryable_params import RESERVED, parameter_types
from api.http.unknown_params import ALWAYS, declared_query
from layers.read.registry import BY_ID

PUBLIC = "status IN ('granted','suspended','revoked','expired')"
ITEMS = "/collections/growing_areas/items"


def sql(url, query, *args):
    with psycopg.connect(url) as conn:
        return conn.execute(query, args).fetchall()


def ids(client, url, **query):
    r = client.get(url, params={"limit": 10_000, **query})
    assert r.status_code == 200, r.text
    return sorted(f["id"] for f in r.json()["features"])


def test_a_queryable_filters_by_equality_like_the_same_filter(reader, shared_demo):
    expected = [i for (i,) in sql(shared_demo, f"SELECT id FROM growing_areas WHERE crop = 'tea' AND {PUBLIC} ORDER BY id")]
    everything = sql(shared_demo, f"SELECT count(*) FROM growing_areas WHERE {PUBLIC}")[0][0]
    assert 0 < len(expected) < everything  # the case discriminates
    assert ids(reader, ITEMS, crop="tea") == expected == ids(reader, ITEMS, filter="crop = 'tea'")


@pytest.mark.parametrize("name, column_sql", [
    ("households_count", "households_count"), ("farming_diary", "farming_diary"),
    ("valid_from", "valid_from"), ("area_ha", "area_ha"), ("id", "id"), ("commune_code", "commune_code"),
])
def test_each_type_converts_its_value(reader, shared_demo, name, column_sql):
    """integer, boolean, date, number (a float read back from our own output), the id, text."""
    sample = reader.get(ITEMS, params={"limit": 50, "sortby": "-households_count"}).json()["features"][7]
    raw = sample["id"] if name == "id" else sample["properties"][name]
    text = str(raw).lower() if isinstance(raw, bool) else str(raw)
    expected = [i for (i,) in sql(shared_demo, f"SELECT id FROM growing_areas WHERE {column_sql} = "
                                               f"(SELECT {column_sql} FROM growing_areas WHERE id = %s) "
                                               f"AND {PUBLIC} ORDER BY id", sample["id"])]
    assert sample["id"] in expected
    assert ids(reader, ITEMS, **{name: text}) == expected


def test_queryables_combine_with_bbox_datetime_filter_and_each_other(reader, shared_demo):
    box = (104.5, 18.5, 105.8, 19.6)
    expected = [i for (i,) in sql(shared_demo, f"""
        SELECT id FROM growing_areas WHERE crop = 'tea' AND farming_diary AND {PUBLIC}
          AND ST_Intersects(geom, ST_MakeEnvelope(%s, %s, %s, %s, 4326))
          AND (valid_from IS NULL OR valid_from <= '2025-06-30') AND (valid_to IS NULL OR valid_to >= '2025-06-30')
          AND households_count >= 10 ORDER BY id""", *box)]
    tea = ids(reader, ITEMS, crop="tea")
    assert expected and len(expected) < len(tea)
    got = ids(reader, ITEMS, crop="tea", farming_diary="true", bbox=",".join(map(str, box)),
              datetime="2025-06-30", filter="households_count >= 10")
    assert got == expected


@pytest.mark.parametrize("query, needle", [
    ("households_count=abc", "households_count: 'abc' is not a whole number"),
    ("households_count=1.5", "households_count"), ("area_ha=nan", "area_ha: 'nan' is not a number"),
    ("area_ha=1e999", "area_ha"), ("farming_diary=yes", "farming_diary: 'yes' is not true or false"),
    ("valid_from=2024-13-01", "valid_from"), ("valid_from=yesterday", "valid_from"),
    ("id=99999999999999999999", "id"),
    ("crop=tea&crop=rice", "crop: given 2 times"),
    ("target_markets=EU", "A_CONTAINS(target_markets"), ("geometry=POINT(1 2)", "bbox"),
])
def test_bad_queryable_values_are_400s_naming_the_parameter(reader, query, needle):
    r = reader.get(f"{ITEMS}?{query}")
    assert r.status_code == 400, r.text
    assert needle in r.json()["description"]


@pytest.mark.parametrize("url", [
    ITEMS, f"{ITEMS}/1", "/collections", "/collections/growing_areas", "/collections/growing_areas/queryables",
    "/conformance", "/", "/search?q=vinh",
])
def test_unknown_parameters_are_400s_on_the_json_api(reader, url):
    joiner = "&" if "?" in url else "?"
    r = reader.get(f"{url}{joiner}bbxo=1")
    assert r.status_code == 400, (url, r.text)
    description = r.json()["description"]
    assert "'bbxo'" in description and "lang" in description, description
    tracking = f"{url}{joiner}fbclid=IwAR0x&gclid=abc&utm_source=zalo"
    for tracked in (reader.get(f"{tracking}&f=html"),
                    reader.get(tracking, headers={"Accept": "text/html,application/xhtml+xml"})):
        assert tracked.status_code in (200, 404), (url, tracked.text)  # 404: item 1 may not be public
        assert tracked.headers["content-type"].startswith("text/html")


def test_the_allowed_parameters_are_listed_and_f_lang_work_everywhere(reader):
    r = reader.get(f"{ITEMS}?limt=5")
    description = r.json()["description"]
    for name in ("limit", "bbox", "filter", "crop", "households_count", "f", "lang"):
        assert name in description
    assert "target_markets" not in description  # an array: not a query parameter
    for url in (ITEMS, "/collections", "/conformance", "/", "/collections/villages/queryables"):
        assert reader.get(url, params={"f": "json", "lang": "en"}).status_code == 200, url


def test_tiles_ignore_parameters_they_do_not_know(reader):
    """Decided per endpoint: tile URLs get clients' and caches' own parameters (cache busters)."""
    assert reader.get("/tiles/WebMercatorQuad/8/203/112?v=3&_=1712").status_code == 200
    assert reader.get("/collections/villages/tiles?v=3").status_code == 200


def test_the_reserved_names_are_the_items_parameters():
    """Guard for api.query.queryable_params.RESERVED: a queryable named like an items parameter must
    not shadow it, so the list must be exactly what the items route declares."""
    from api.routes import features

    route = next(r for r in features.router.routes if r.path == "/collections/{collectionId}/items")
    assert set(declared_query(route)) | set(ALWAYS) == set(RESERVED)
    for layer in BY_ID.values():
        assert not set(parameter_types(layer)) & set(RESERVED)


def test_a_limit_above_the_maximum_is_served_as_the_maximum(reader, monkeypatch):
    monkeypatch.setattr(params, "MAX_LIMIT", 7)
    r = reader.get("/collections/villages/items", params={"limit": 50})
    assert r.status_code == 200 and r.json()["numberReturned"] == 7
    monkeypatch.undo()
    r = reader.get("/collections/villages/items", params={"limit": 10 ** 12, "properties": "code"})
    assert r.status_code == 200 and r.json()["numberReturned"] > 1000
    assert reader.get("/collections/villages/items?limit=0").status_code == 400


def test_owslib_gets_only_tea(live_url, shared_demo):
    from owslib.ogcapi.features import Features

    expected = sql(shared_demo, f"SELECT count(*) FROM growing_areas WHERE crop = 'tea' AND {PUBLIC}")[0][0]
    items = Features(live_url).collection_items("growing_areas", crop="tea", limit=1000)
    assert {f["properties"]["crop"] for f in items["features"]} == {"tea"}
    assert len(items["features"]) == expected > 0
