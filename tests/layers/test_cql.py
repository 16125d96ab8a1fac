"""CQL2 filters (layers.read.cql) against the demo province in a real PostGIS.

Each case runs the condition built by `to_sql` through SQLAlchemy and compares the ids it
selects with a hand-written SQL query over the same rows, for the CQL2 text and JSON forms.
"""
from __future__ import annotations

import asyncio
import json
import unicodedata

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import create_async_engine

from layers.read import cql, registry, relations
from layers.db.engines import _with_driver

PUBLIC_GA = "status IN ('granted', 'suspended', 'revoked', 'expired')"
PUBLIC = {"growing_areas": PUBLIC_GA}


@pytest.fixture(scope="module")
def url(shared_demo):
    return shared_demo


@pytest.fixture(scope="module")
def engine(url):
    eng = sa.create_engine(_with_driver(url, "psycopg"))
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def conn(url):
    with psycopg.connect(url, autocommit=True) as c:
        yield c


def statement(layer_id, filter, lang="cql2-text", srid=4326):
    layer = registry.get(layer_id)
    rel = relations.relation(layer)
    if lang is None:  # CQL2 JSON straight to to_sql, as a caller holding a dict may do
        expr = filter
    else:
        expr = cql.parse(filter if isinstance(filter, str) else json.dumps(filter), lang)
    cond = cql.to_sql(expr, layer, rel, filter_srid=srid)
    return sa.select(rel.c[layer.id_column]).where(*relations.public_where(layer, rel), cond)


def ids(engine, layer_id, filter, lang="cql2-text", srid=4326):
    with engine.connect() as c:
        return {r[0] for r in c.execute(statement(layer_id, filter, lang, srid))}


def want(conn, layer_id, where, *args):
    public = f" AND {PUBLIC[layer_id]}" if layer_id in PUBLIC else ""
    return {r[0] for r in conn.execute(f"SELECT id FROM {layer_id} WHERE ({where}){public}", args)}


def check(engine, conn, layer_id, text, js, where, *args, srid=4326):
    expected = want(conn, layer_id, where, *args)
    everything = want(conn, layer_id, "true")
    assert expected and expected != everything, f"case does not discriminate: {text}"
    assert ids(engine, layer_id, text, srid=srid) == expected, text
    if js is not None:
        assert ids(engine, layer_id, js, "cql2-json", srid=srid) == expected, js


def P(name):
    return {"property": name}


def op(name, *args):
    return {"op": name, "args": list(args)}


# --- comparison, logic, LIKE, IN, BETWEEN, IS NULL ------------------------------------------

SCALAR_CASES = [
    ("growing_areas", "crop = 'tea'", op("=", P("crop"), "tea"), "crop = 'tea'"),
    ("growing_areas", "'tea' <> crop", op("<>", "tea", P("crop")), "crop <> 'tea'"),
    ("growing_areas", "area_ha > 5", op(">", P("area_ha"), 5), "area_ha > 5"),
    ("growing_areas", "area_ha <= 2.5", op("<=", P("area_ha"), 2.5), "area_ha <= 2.5"),
    ("growing_areas", "households_count >= 20", op(">=", P("households_count"), 20), "households_count >= 20"),
    ("growing_areas", "households_count < 10.5", op("<", P("households_count"), 10.5), "households_count <= 10"),
    ("growing_areas", "households_count > area_ha", op(">", P("households_count"), P("area_ha")),
     "households_count > area_ha"),
    ("growing_areas", "id < 100", op("<", P("id"), 100), "id < 100"),
    ("growing_areas", "farming_diary = true", op("=", P("farming_diary"), True), "farming_diary"),
    ("growing_areas", "farming_diary", P("farming_diary"), "farming_diary"),
    ("growing_areas", "NOT residue_monitoring", op("not", P("residue_monitoring")), "NOT residue_monitoring"),
    ("growing_areas", "crop = 'tea' AND (area_ha > 5 OR NOT farming_diary)",
     op("and", op("=", P("crop"), "tea"), op("or", op(">", P("area_ha"), 5), op("not", P("farming_diary")))),
     "crop = 'tea' AND (area_ha > 5 OR NOT farming_diary)"),
    ("growing_areas", "crop = 'tea' OR crop = 'rice'", op("or", op("=", P("crop"), "tea"), op("=", P("crop"), "rice")),
     "crop IN ('tea', 'rice')"),
    ("growing_areas", "crop LIKE 'p%'", op("like", P("crop"), "p%"), "left(crop, 1) = 'p'"),
    ("growing_areas", "crop LIKE '_ea%'", op("like", P("crop"), "_ea%"), "substr(crop, 2, 2) = 'ea'"),
    ("growing_areas", "crop NOT LIKE '%a%'", op("not", op("like", P("crop"), "%a%")), "position('a' in crop) = 0"),
    ("growing_areas", "CASEI(crop) LIKE CASEI('P%')", op("like", op("casei", P("crop")), op("casei", "P%")),
     "left(crop, 1) = 'p'"),
    ("growing_areas", "casei(crop) = casei('TEA')", op("=", op("casei", P("crop")), op("casei", "TEA")),
     "crop = 'tea'"),
    ("growing_areas", "crop IN ('tea', 'rice', 'mango')", op("in", P("crop"), ["tea", "rice", "mango"]),
     "crop = 'tea' OR crop = 'rice'"),
    ("growing_areas", "crop NOT IN ('tea', 'rice')", op("not", op("in", P("crop"), ["tea", "rice"])),
     "crop <> 'tea' AND crop <> 'rice'"),
    ("growing_areas", "id IN (1, 2, 3, 40, 41)", op("in", P("id"), [1, 2, 3, 40, 41]), "id = ANY('{1,2,3,40,41}')"),
    ("growing_areas", "area_ha BETWEEN 1 AND 5", op("between", P("area_ha"), 1, 5), "area_ha >= 1 AND area_ha <= 5"),
    ("growing_areas", "area_ha NOT BETWEEN 1 AND 5", op("not", op("between", P("area_ha"), 1, 5)),
     "area_ha < 1 OR area_ha > 5"),
    ("growing_areas", "cooperative_id IS NULL", op("isNull", P("cooperative_id")), "cooperative_id IS NULL"),
    ("growing_areas", "cooperative_id IS NOT NULL", op("not", op("isNull", P("cooperative_id"))),
     "cooperative_id IS NOT NULL"),
    ("growing_areas", "valid_from > DATE('2023-01-01')", op(">", P("valid_from"), {"date": "2023-01-01"}),
     "valid_from > '2023-01-01'"),
    ("growing_areas", "valid_to < '2027-06-30'", op("<", P("valid_to"), "2027-06-30"), "valid_to < '2027-06-30'"),
    ("growing_areas", "valid_from >= TIMESTAMP('2023-01-01T12:00:00Z')",
     op(">=", P("valid_from"), {"timestamp": "2023-01-01T12:00:00Z"}), "valid_from >= '2023-01-02'"),
    ("growing_areas", "valid_from BETWEEN DATE('2021-01-01') AND DATE('2021-12-31')",
     op("between", P("valid_from"), {"date": "2021-01-01"}, {"date": "2021-12-31"}),
     "extract(year FROM valid_from) = 2021"),
    ("tourism_places", "kind IN ('homestay', 'craft_village') AND wifi = false",
     op("and", op("in", P("kind"), ["homestay", "craft_village"]), op("=", P("wifi"), False)),
     "kind IN ('homestay', 'craft_village') AND NOT wifi"),
    ("communes", "area_km2 > 50", op(">", P("area_km2"), 50), "area_km2 > 50"),
    ("households", "village_id <= 20", op("<=", P("village_id"), 20), "village_id <= 20"),
]


@pytest.mark.parametrize("layer_id,text,js,where", SCALAR_CASES, ids=[c[1] for c in SCALAR_CASES])
def test_scalar_predicates(engine, conn, layer_id, text, js, where):
    check(engine, conn, layer_id, text, js, where)


def test_address_code_prefix_on_households(engine, conn):
    code = conn.execute(
        "SELECT address_code FROM households WHERE address_code IS NOT NULL ORDER BY id LIMIT 1").fetchone()[0]
    prefix = code[:4]
    check(engine, conn, "households", f"address_code LIKE '{prefix}%'", op("like", P("address_code"), prefix + "%"),
          "starts_with(address_code, %s)", prefix)


def test_literals_are_bound_parameters_never_sql(engine, conn):
    evil = "x'; DROP TABLE growing_areas; --"
    stmt = statement("growing_areas", op("=", P("crop"), evil), "cql2-json")
    compiled = stmt.compile(dialect=postgresql.dialect())
    assert "DROP" not in str(compiled) and evil in compiled.params.values()
    assert ids(engine, "growing_areas", "crop = 'x''; DROP TABLE growing_areas; --'") == set()
    assert conn.execute("SELECT count(*) FROM growing_areas").fetchone()[0] > 0


def test_true_false_filters(engine, conn):
    assert ids(engine, "communes", "true") == want(conn, "communes", "true")
    assert ids(engine, "communes", "false") == set()
    assert ids(engine, "communes", op("in", P("code"), []), "cql2-json") == set()


# --- casei and accenti -------------------------------------------------------------------

def fold(s: str) -> str:
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in s if unicodedata.category(ch) != "Mn")


def test_accenti_matches_names_without_their_diacritics(engine, conn):
    rows = conn.execute("SELECT id, name_vi FROM communes").fetchall()
    name = next(n for _, n in rows if fold(n) != n and any(c in n for c in "ĐđƯưƠơÂâĂăÊêÔô"))
    plain = fold(name)
    expected = {i for i, n in rows if fold(n) == plain}
    assert ids(engine, "communes", f"ACCENTI(name_vi) = ACCENTI('{plain}')") == expected
    assert ids(engine, "communes", op("=", op("accenti", P("name_vi")), op("accenti", plain)), "cql2-json") == expected
    # Without accenti the plain spelling finds nothing; decomposed (NFD) text folds the same.
    assert ids(engine, "communes", f"name_vi = '{plain}'") == set()
    nfd = unicodedata.normalize("NFD", name)
    assert ids(engine, "communes", f"accenti(name_vi) = accenti('{nfd}')") == expected
    # casei and accenti together, in LIKE: a word of the name, upper case and unaccented.
    word = max(plain.split(), key=len).upper()
    expected_like = {i for i, n in rows if word.lower() in fold(n).lower()}
    assert expected_like and ids(
        engine, "communes", f"casei(accenti(name_vi)) LIKE casei(accenti('%{word}%'))") == expected_like


def test_casei_on_vietnamese_capitals(engine, conn):
    rows = conn.execute("SELECT id, name_vi FROM communes").fetchall()
    name = next(n for _, n in rows if n.upper() != n and not n.isascii())
    expected = {i for i, n in rows if n.lower() == name.lower()}
    assert ids(engine, "communes", f"casei(name_vi) = casei('{name.upper()}')") == expected
    assert ids(engine, "communes", f"name_vi = '{name.upper()}'") == set()


# --- spatial -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def geo(conn):
    x1, y1, x2, y2 = conn.execute(
        "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) e FROM communes) s"
    ).fetchone()
    box = [x1, y1, (x1 + x2) / 2, (y1 + y2) / 2]  # the south-west quarter of the province
    cid, cgeo = conn.execute(
        "SELECT id, ST_AsGeoJSON(geom, 15) FROM communes ORDER BY ST_Area(geom) DESC LIMIT 1").fetchone()
    px, py = conn.execute(
        "SELECT ST_X(geom), ST_Y(geom) FROM tourism_places ORDER BY id LIMIT 1").fetchone()
    line = [[x1 - 0.01, (y1 + y2) / 2], [x2 + 0.01, (y1 + y2) / 2 + 0.05]]
    return {"box": box, "commune": cid, "commune_geojson": json.loads(cgeo), "point": [px, py], "line": line}


def wkt_box(b):
    return f"POLYGON(({b[0]} {b[1]}, {b[2]} {b[1]}, {b[2]} {b[3]}, {b[0]} {b[3]}, {b[0]} {b[1]}))"


def test_bbox_and_polygon_literals(engine, conn, geo):
    b = geo["box"]
    env = "ST_MakeEnvelope(%s, %s, %s, %s, 4326)"
    check(engine, conn, "communes", f"S_INTERSECTS(geometry, BBOX({', '.join(map(str, b))}))",
          op("s_intersects", P("geometry"), {"bbox": b}), f"ST_Intersects(geom, {env})", *b)
    poly = {"type": "Polygon", "coordinates": [[[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]], [b[0], b[1]]]]}
    check(engine, conn, "tourism_places", f"S_WITHIN(geometry, {wkt_box(b)})", op("s_within", P("geometry"), poly),
          f"ST_Within(geom, {env})", *b)
    check(engine, conn, "communes", f"S_DISJOINT(geometry, {wkt_box(b)})", op("s_disjoint", P("geometry"), poly),
          f"NOT ST_Intersects(geom, {env})", *b)
    check(engine, conn, "communes", f"S_OVERLAPS(geometry, {wkt_box(b)})", op("s_overlaps", P("geometry"), poly),
          f"ST_Overlaps(geom, {env})", *b)


def test_spatial_predicates_against_real_geometries(engine, conn, geo):
    x, y = geo["point"]
    point = {"type": "Point", "coordinates": [x, y]}
    check(engine, conn, "communes", f"S_CONTAINS(geometry, POINT({x!r} {y!r}))", op("s_contains", P("geometry"), point),
          "ST_Contains(geom, ST_SetSRID(ST_MakePoint(%s, %s), 4326))", x, y)
    commune = geo["commune_geojson"]
    same = "(SELECT geom FROM communes WHERE id = %s)"
    assert ids(engine, "communes", op("s_touches", P("geometry"), commune), "cql2-json") == want(
        conn, "communes", f"ST_Touches(geom, {same})", geo["commune"]) != set()
    assert ids(engine, "communes", op("s_equals", P("geometry"), commune), "cql2-json") == {geo["commune"]}
    line = geo["line"]
    wkt = f"LINESTRING({line[0][0]} {line[0][1]}, {line[1][0]} {line[1][1]})"
    check(engine, conn, "communes", f"S_CROSSES(geometry, {wkt})",
          op("s_crosses", P("geometry"), {"type": "LineString", "coordinates": line}),
          "ST_Crosses(geom, ST_GeomFromText(%s, 4326))", wkt)


def test_literal_geometries_in_another_crs_are_transformed(engine, conn, geo):
    x, y = conn.execute(
        "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(%s, %s), 4326), 3857) p) s",
        geo["point"]).fetchone()
    expected = want(conn, "communes", "ST_Intersects(geom, ST_SetSRID(ST_MakePoint(%s, %s), 4326))", *geo["point"])
    assert len(expected) == 1
    assert ids(engine, "communes", f"S_INTERSECTS(geometry, POINT({x!r} {y!r}))", srid=3857) == expected
    b = geo["box"]
    x1, y1, x2, y2 = conn.execute(
        "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
        "(SELECT ST_Transform(ST_MakeEnvelope(%s, %s, %s, %s, 4326), 3857) e) s", b).fetchone()
    box = {"bbox": [x1, y1, x2, y2]}
    got = ids(engine, "tourism_places", op("s_intersects", P("geometry"), box), "cql2-json", 3857)
    assert got == want(conn, "tourism_places",
                       "ST_Intersects(ST_Transform(geom, 3857), ST_MakeEnvelope(%s, %s, %s, %s, 3857))",
                       x1, y1, x2, y2) != set()


# --- temporal ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dates(conn):
    d0, e0 = conn.execute(
        f"SELECT valid_from, valid_to FROM growing_areas WHERE {PUBLIC_GA} ORDER BY id LIMIT 1").fetchone()
    return {"d0": d0.isoformat(), "e0": e0.isoformat()}


IV = "INTERVAL(valid_from, valid_to)"
TEMPORAL_CASES = [
    ("T_AFTER(valid_from, DATE('{d0}'))", "valid_from > '{d0}'"),
    ("T_BEFORE(valid_from, DATE('{d0}'))", "valid_from < '{d0}'"),
    ("T_BEFORE(valid_from, TIMESTAMP('2022-01-01T00:00:00Z'))", "valid_from < '2022-01-01'"),
    ("T_AFTER(valid_from, TIMESTAMP('2022-01-01T12:00:00Z'))", "valid_from >= '2022-01-02'"),
    ("T_EQUALS(valid_from, DATE('{d0}'))", "valid_from = '{d0}'"),
    ("T_DURING(valid_from, INTERVAL('2020-01-01', '..'))", "valid_from > '2020-01-01'"),
    ("T_DURING(" + IV + ", INTERVAL('2019-06-01', '2029-01-01'))",
     "valid_from > '2019-06-01' AND valid_to < '2029-01-01'"),
    ("T_CONTAINS(" + IV + ", INTERVAL('2024-01-01', '2025-01-01'))",
     "valid_from < '2024-01-01' AND valid_to > '2025-01-01'"),
    ("T_EQUALS(" + IV + ", INTERVAL('{d0}', '{e0}'))", "valid_from = '{d0}' AND valid_to = '{e0}'"),
    ("T_DISJOINT(" + IV + ", INTERVAL('2019-01-01', '2020-12-31'))",
     "valid_from > '2020-12-31' OR valid_to < '2019-01-01'"),
    ("T_INTERSECTS(" + IV + ", INTERVAL('2019-01-01', '2020-12-31'))",
     "valid_from <= '2020-12-31' AND valid_to >= '2019-01-01'"),
    ("T_INTERSECTS(" + IV + ", INTERVAL('2028-06-01', '..'))", "valid_to >= '2028-06-01'"),
    ("T_MEETS(" + IV + ", INTERVAL('{e0}', '..'))", "valid_to = '{e0}'"),
    ("T_METBY(" + IV + ", INTERVAL('..', '{d0}'))", "valid_from = '{d0}'"),
    ("T_OVERLAPS(" + IV + ", INTERVAL('2024-01-01', '2028-01-01'))",
     "valid_from < '2024-01-01' AND valid_to > '2024-01-01' AND valid_to < '2028-01-01'"),
    ("T_OVERLAPPEDBY(" + IV + ", INTERVAL('2018-01-01', '2023-01-01'))",
     "valid_from > '2018-01-01' AND valid_from < '2023-01-01' AND valid_to > '2023-01-01'"),
    ("T_STARTS(" + IV + ", INTERVAL('{d0}', '2035-01-01'))", "valid_from = '{d0}' AND valid_to < '2035-01-01'"),
    ("T_STARTEDBY(" + IV + ", INTERVAL('{d0}', '{d0}'))", "valid_from = '{d0}' AND valid_to > '{d0}'"),
    ("T_FINISHES(" + IV + ", INTERVAL('2018-01-01', '{e0}'))", "valid_from > '2018-01-01' AND valid_to = '{e0}'"),
    ("T_FINISHEDBY(" + IV + ", INTERVAL('{e0}', '{e0}'))", "valid_from < '{e0}' AND valid_to = '{e0}'"),
]


@pytest.mark.parametrize("text,where", TEMPORAL_CASES,
                         ids=[f"{c[0].split('(')[0]}-{i}" for i, c in enumerate(TEMPORAL_CASES)])
def test_temporal_predicates(engine, conn, dates, text, where):
    check(engine, conn, "growing_areas", text.format(**dates), None, where.format(**dates))


def test_temporal_predicates_in_cql2_json(engine, conn, dates):
    iv = {"interval": [P("valid_from"), P("valid_to")]}
    check(engine, conn, "growing_areas", "T_OVERLAPS(" + IV + ", INTERVAL('2024-01-01', '2028-01-01'))",
          op("t_overlaps", iv, {"interval": ["2024-01-01", "2028-01-01"]}),
          "valid_from < '2024-01-01' AND valid_to > '2024-01-01' AND valid_to < '2028-01-01'")
    check(engine, conn, "growing_areas", f"T_METBY({IV}, INTERVAL('..', '{dates['d0']}'))",
          op("t_metBy", iv, {"interval": ["..", dates["d0"]]}), "valid_from = %s", dates["d0"])
    check(engine, conn, "growing_areas", "T_AFTER(valid_to, TIMESTAMP('2028-01-01T00:00:00Z'))",
          op("t_after", P("valid_to"), {"timestamp": "2028-01-01T00:00:00Z"}), "valid_to > '2028-01-01'")
    check(engine, conn, "growing_areas", "T_DURING(valid_from, INTERVAL('2021-01-01', '2022-01-01'))",
          op("t_during", P("valid_from"), {"interval": [{"date": "2021-01-01"}, "2022-01-01"]}),
          "valid_from > '2021-01-01' AND valid_from < '2022-01-01'")


# --- arrays ------------------------------------------------------------------------------

def test_array_predicates_on_target_markets(engine, conn):
    tm = "target_markets"
    check(engine, conn, "growing_areas", "A_CONTAINS(target_markets, ('EU'))", op("a_contains", P(tm), ["EU"]),
          "'EU' = ANY(target_markets)")
    check(engine, conn, "growing_areas", "A_CONTAINS(target_markets, ('EU', 'domestic'))",
          op("a_contains", P(tm), ["EU", "domestic"]),
          "'EU' = ANY(target_markets) AND 'domestic' = ANY(target_markets)")
    check(engine, conn, "growing_areas", "A_CONTAINEDBY(target_markets, ('domestic', 'EU'))",
          op("a_containedBy", P(tm), ["domestic", "EU"]),
          "NOT EXISTS (SELECT 1 FROM unnest(target_markets) m WHERE m NOT IN ('domestic', 'EU'))")
    check(engine, conn, "growing_areas", "A_OVERLAPS(target_markets, ('EU', 'China'))",
          op("a_overlaps", P(tm), ["EU", "China"]), "'EU' = ANY(target_markets) OR 'China' = ANY(target_markets)")
    check(engine, conn, "growing_areas", "A_EQUALS(target_markets, ('domestic'))", op("a_equals", P(tm), ["domestic"]),
          "cardinality(target_markets) = 1 AND target_markets[1] = 'domestic'")
    check(engine, conn, "growing_areas", "NOT A_OVERLAPS(target_markets, ('domestic'))",
          op("not", op("a_overlaps", P(tm), ["domestic"])), "NOT 'domestic' = ANY(target_markets)")


def test_array_predicates_on_integer_and_json_arrays(engine, conn):
    place = conn.execute(
        "SELECT place_ids[1] FROM tourism_routes WHERE cardinality(place_ids) > 0 ORDER BY id LIMIT 1").fetchone()[0]
    check(engine, conn, "tourism_routes", f"A_CONTAINS(place_ids, ({place}))",
          op("a_contains", P("place_ids"), [place]), "%s = ANY(place_ids)", place)
    # photos is a JSON column: compared as text; the demo has none, so nothing contains one.
    assert ids(engine, "tourism_places", "A_CONTAINS(photos, ('a.jpg'))") == set()
    assert ids(engine, "tourism_places", op("a_overlaps", P("photos"), ["a.jpg", 1]), "cql2-json") == set()


# --- the id and what is not queryable ---------------------------------------------------------

@pytest.mark.parametrize("layer_id,name", [
    ("growing_areas", "owner_name"), ("growing_areas", "owner_phone"), ("growing_areas", "created_at"),
    ("households", "head_name"), ("households", "national_id"), ("households", "geom"),
    ("communes", "parent_code"), ("communes", "Geometry"),
])
def test_properties_outside_the_registry_are_refused(engine, layer_id, name):
    with pytest.raises(cql.FilterError, match=rf"unknown property '{name}'.*queryables: id, "):
        statement(layer_id, f"\"{name}\" IS NULL")
    with pytest.raises(cql.FilterError, match="unknown property"):
        statement(layer_id, op("like", op("casei", P(name)), "x"), "cql2-json")


def test_every_queryable_is_accepted(engine):
    for layer in registry.LAYERS:
        for name in cql.queryables(layer, "en", "http://x")["properties"]:
            statement(layer.id, op("isNull", P(name)), "cql2-json")


# --- errors ------------------------------------------------------------------------------

def deep_not(n):
    node = P("farming_diary")
    for _ in range(n):
        node = op("not", node)
    return node


GA, TEXT, JSON = "growing_areas", "cql2-text", "cql2-json"
ERRORS = [
    (GA, TEXT, "crop = ", "line 1, column 8"),
    (GA, TEXT, "crop = 'tea' AND", "line 1, column 17"),
    (GA, TEXT, "crop = 'tea'\n  AND area_ha >", "line 2, column 16"),
    (GA, TEXT, "S_INTERSECTS(geometry, POLYGON((0 0, 1)))", "line 1, column 39"),
    (GA, JSON, '{"op": "=", "args": [', "line 1 column 21"),
    (GA, JSON, '{"foo": 1}', "not CQL2 JSON: each part must be"),
    (GA, TEXT, "crop = 3", "property 'crop' is text; cannot compare it with 3"),
    (GA, TEXT, "area_ha = 'big'", "property 'area_ha' is a number; cannot compare it with 'big'"),
    (GA, TEXT, "households_count IN (1, 'x')", "is an integer; cannot compare it with 'x'"),
    (GA, TEXT, "farming_diary = 'yes'", "is a boolean; cannot compare it with 'yes'"),
    (GA, TEXT, "crop = area_ha", "property 'crop' is text; cannot compare it with property 'area_ha' (a number)"),
    (GA, TEXT, "area_ha LIKE '1%'", "LIKE needs text; property 'area_ha' is a number"),
    (GA, TEXT, "casei(area_ha) = 'x'", "casei() needs text"),
    (GA, TEXT, "valid_from > DATE('2023-13-45')", "invalid date '2023-13-45'"),
    (GA, TEXT, "valid_from > 'soon'", "invalid timestamp 'soon'"),
    (GA, TEXT, "T_BEFORE(crop, DATE('2020-01-01'))", "T_BEFORE needs a date or a timestamp; property 'crop' is text"),
    (GA, TEXT, "T_DURING(valid_from, INTERVAL('2021-01-01', '2020-01-01'))", "ends before it starts"),
    (GA, TEXT, "A_CONTAINS(crop, ('tea'))", "A_CONTAINS needs an array; property 'crop' is text"),
    (GA, TEXT, "A_CONTAINS(target_markets, (1))", "property 'target_markets' holds text; cannot compare it with 1"),
    ("tourism_routes", "cql2-text", "A_OVERLAPS(place_ids, ('a'))", "property 'place_ids' holds integers"),
    (GA, TEXT, "target_markets = 'EU'", "use A_EQUALS, A_CONTAINS"),
    (GA, TEXT, "crop = NULL", "use IS NULL"),
    (GA, TEXT, "S_INTERSECTS(crop, POINT(105 19))", "S_INTERSECTS needs a geometry; property 'crop' is text"),
    (GA, TEXT, "geometry = 'x'", "S_INTERSECTS"),
    (GA, TEXT, "S_WITHIN(geometry, POLYGON((105 19, 106 19, 106 20, 105 19.5)))",
     "ring needs 4 or more positions, the last equal"),
    (GA, TEXT, "S_WITHIN(geometry, POLYGON((105 19, 106 20, 106 19, 105 20, 105 19)))", "Self-intersection"),
    (GA, TEXT, "S_WITHIN(geometry, POINT(19 105))", "outside lon -180..180, lat -90..90"),
    (GA, TEXT, "S_INTERSECTS(geometry, BBOX(106, 19, 105, 20))", "invalid BBOX"),
    (GA, None, op("s_intersects", P("geometry"), {"type": "Circle", "coordinates": [1, 2]}),
     "unsupported geometry type 'Circle'"),
    (GA, None, op("s_intersects", P("geometry"), {"type": "Point", "coordinates": ["a", 2]}), "is not a position"),
    (GA, None, op("s_intersects", P("geometry"), {"type": "Polygon", "coordinates": [[105, 19]]}), "is not a position"),
    (GA, None, op("=", P("crop")), "= takes 2 arguments, got 1"),
    (GA, None, op("=", {"property": 3}, 1), "unknown property 3"),
    (GA, None, {"op": "and", "args": "x"}, "'op' must be a name and 'args' a list"),
    (GA, None, op("t_during", P("valid_from"), {"interval": ["2020-01-01"]}), "an interval has 2 ends"),
    (GA, None, op("in", P("crop"), "tea"), "IN needs a list"),
    (GA, None, op("=", P("area_ha"), float("inf")), "out of range"),
    (GA, JSON, op("s_intersects", P("geometry"), {"type": "LineString", "coordinates": [[105, 19]]}),
     "a line needs at least 2 positions"),
    (GA, JSON, op("s_intersects", P("geometry"), {"bbox": [1, 2, 3]}), "expected 4 (or 6) numbers"),
    (GA, JSON, op("frobnicate", P("crop"), 1), "unsupported operator 'frobnicate'; supported: and, or, not"),
    (GA, TEXT, "foo(crop) = 1", "unsupported function 'foo'; supported: casei, accenti"),
    (GA, TEXT, "area_ha + 1 > 2", "arithmetic ('+') is not supported"),
    (GA, JSON, op("between", P("area_ha"), 1), "between takes 3 arguments, got 2"),
    (GA, JSON, op("=", op("like", P("crop"), "a"), True), "like is a condition"),
    (GA, JSON, "\"crop\"", "expected a condition, got 'crop'"),
    (GA, TEXT, "crop", "property 'crop' is text, not a condition"),
    (GA, JSON, op("casei", P("crop")), "casei() is a value, not a condition"),
    (GA, None, op("or", *[op("=", P("crop"), str(i)) for i in range(3000)]), "filter too large"),
    (GA, JSON, op("in", P("crop"), ["a"] * 6000), "filter too large"),
    (GA, JSON, op("in", P("crop"), ["tea" * 100] * 300), "filter too long: 91,246 characters"),
    (GA, TEXT, "(" * 65 + "crop = 'tea'" + ")" * 65, "nested too deeply"),
    (GA, TEXT, "(" * 3000 + "crop = 'tea'" + ")" * 3000, "nested too deeply"),
    (GA, TEXT, "NOT " * 101 + "farming_diary", "nested too deeply"),
    (GA, TEXT, "area_ha = " + "-" * 3 + "1", "nested too deeply"),
    (GA, TEXT, "area_ha = " + " + ".join(["1"] * 65), "nested too deeply"),
    (GA, TEXT, "id" + " = id" * 65, "nested too deeply"),
    (GA, TEXT, "id" + "=id" * 4000, "nested too deeply"),
    (GA, TEXT, " OR ".join(["id=1"] * 1002), "filter too long: 1,001 ANDs and ORs"),
    (GA, TEXT, "id IN (" + ", ".join(["1"] * 10001) + ")", "filter too long: 20,005 terms"),
    (GA, JSON, "[" * 3000 + "]" * 3000, "recursion limit exceeded"),
    (GA, None, deep_not(300), "nested too deeply (more than 256 levels)"),
    ("growing_areas", "cql2-xml", "crop = 'tea'", "unknown filter-lang 'cql2-xml'; supported: cql2-text, cql2-json"),
]


@pytest.mark.parametrize("layer_id,lang,filter,message", ERRORS, ids=[e[3][:40] for e in ERRORS])
def test_errors_say_what_and_where(layer_id, lang, filter, message):
    with pytest.raises(cql.FilterError) as e:
        statement(layer_id, filter, lang)
    assert message in str(e.value)
    assert isinstance(e.value, ValueError)


def test_nesting_within_the_limits_works(engine, conn):
    farming = want(conn, "growing_areas", "farming_diary")
    text = "(" * 60 + "NOT " * 100 + "farming_diary" + ")" * 60
    assert ids(engine, "growing_areas", text) == farming
    assert ids(engine, "growing_areas", deep_not(100), None) == farming
    assert ids(engine, "growing_areas", "crop = '((((NOT NOT ---' OR id = -1") == set()


def test_parse_returns_cql2_json():
    assert cql.parse("crop = 'tea'") == {"op": "=", "args": [{"property": "crop"}, "tea"]}
    assert cql.parse('{"op": "isNull", "args": [{"property": "crop"}]}', "cql2-json") == op("isNull", P("crop"))
    point = cql.parse("S_INTERSECTS(geometry, POINT(105 19))")["args"][1]
    assert point == {"type": "Point", "coordinates": [105.0, 19.0]}


# --- queryables --------------------------------------------------------------------------

def test_queryables_of_growing_areas():
    layer = registry.get("growing_areas")
    q = cql.queryables(layer, "en", "https://map.example/api")
    assert q["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert q["$id"] == "https://map.example/api/collections/growing_areas/queryables"
    assert q["type"] == "object" and q["additionalProperties"] is False and q["title"] == layer.title_en
    props = q["properties"]
    assert set(props) == {"id", *layer.property_names, "geometry"}
    assert props["crop"] == {"title": "Crop", "type": "string"}
    assert props["households_count"]["type"] == "integer" and props["area_ha"]["type"] == "number"
    assert props["farming_diary"]["type"] == "boolean"
    assert props["valid_from"] == {"title": "Valid from", "type": "string", "format": "date"}
    assert props["target_markets"] == {"title": "Target markets", "type": "array", "items": {"type": "string"}}
    assert props["geometry"]["format"] == "geometry-polygon-or-multipolygon"
    assert props["geometry"]["x-ogc-role"] == "primary-geometry"
    assert "owner_name" not in props
    vi = cql.queryables(layer, "vi", "https://map.example/api")
    assert vi["title"] == layer.title_vi and vi["properties"]["crop"]["title"] == "Cây trồng"


def test_queryables_of_other_layers():
    households = cql.queryables(registry.get("households"), "vi", "http://h")["properties"]
    assert set(households) == {"id", "address_code", "plus_code", "commune_code", "village_id", "geometry"}
    assert households["geometry"]["format"] == "geometry-point"
    routes = cql.queryables(registry.get("tourism_routes"), "en", "http://h")["properties"]
    assert routes["place_ids"]["items"] == {"type": "integer"}
    assert routes["geometry"]["format"] == "geometry-linestring-or-multilinestring"


# --- the web app's driver ------------------------------------------------------------------

def test_the_same_conditions_run_on_asyncpg(url, engine, geo, dates):
    """The API runs on asyncpg, which needs every parameter typed: check a sample of each kind."""
    filters = [
        ("growing_areas", "crop IN ('tea', 'rice') AND area_ha BETWEEN 1 AND 5.5 AND households_count > 10", 4326),
        ("growing_areas", "valid_from > '2019-06-01' AND T_INTERSECTS(INTERVAL(valid_from, valid_to), "
                          "INTERVAL('2028-01-01T00:00:00Z', '..'))", 4326),
        ("growing_areas", "A_CONTAINS(target_markets, ('EU')) OR A_OVERLAPS(target_markets, ('China'))", 4326),
        ("growing_areas", "NOT farming_diary AND cooperative_id IS NULL AND id <> 3", 4326),
        ("tourism_routes", "A_CONTAINEDBY(place_ids, (1, 2, 3)) OR A_CONTAINS(place_ids, (5))", 4326),
        ("tourism_places", "A_CONTAINS(photos, ('x')) OR casei(accenti(name_vi)) LIKE '%a%'", 4326),
        ("communes", f"S_INTERSECTS(geometry, BBOX({', '.join(map(str, geo['box']))}))", 4326),
        ("communes", "S_INTERSECTS(geometry, POINT(11700000 2200000))", 3857),
    ]

    async def run():
        aeng = create_async_engine(_with_driver(url, "asyncpg"))
        try:
            async with aeng.connect() as c:
                return [{r[0] for r in await c.execute(statement(lid, f, srid=srid))} for lid, f, srid in filters]
        finally:
            await aeng.dispose()

    results = asyncio.run(run())
    for (lid, f, srid), got in zip(filters, results):
        assert got == ids(engine, lid, f, srid=srid), f
    assert all(results[:7])
