"""Failures at the HTTP edge: each answered once, in the API's JSON shape, with the right status.

A mistake in our SQL is a 500 (retrying cannot help), a lost connection a 503, a conflict with
stored data a 409, a client's box beyond its CRS a 400; every response carries a request id, and
an unexpected error is logged under it.
"""
from __future__ import annotations

import logging
import time

import morecantile
import psycopg
import pytest
from fastapi import Request
from sqlalchemy import text

from geo import ogc_crs
from tests.support import started_client

OGC = "http://www.opengis.net/def/crs"
HUGE = "-1e10,-1e10,1e10,1e10"


@pytest.fixture(scope="module")
def broken_db(databases, demo_template) -> str:
    """The demo with a column our SQL needs renamed: every households query fails with 42703."""
    url = databases.create(template=demo_template)
    with psycopg.connect(url) as conn:
        conn.execute("ALTER TABLE households RENAME COLUMN geom TO geom_gone")
    return url


@pytest.fixture(scope="module")
def broken(settings, broken_db):
    with started_client(settings, broken_db) as c:
        yield c.app, c


def household_tile(url: str, prefix: str) -> str:
    with psycopg.connect(url) as conn:
        lon, lat = conn.execute("SELECT ST_X(geom_gone), ST_Y(geom_gone) FROM households LIMIT 1").fetchone()
    t = morecantile.tms.get("WebMercatorQuad").tile(lon, lat, 15)
    return f"{prefix}/tiles/WebMercatorQuad/15/{t.x}/{t.y}"


@pytest.mark.parametrize("prefix", ["/collections/households", ""])
def test_a_failing_tile_runs_once_and_is_a_json_500(broken, broken_db, prefix, caplog):
    app, c = broken
    service, calls = app.state.tiles, []
    real = service.tile

    async def counted(*args, **kw):  # counts the real method's runs, changes nothing
        calls.append(args[1].id)
        return await real(*args, **kw)

    service.tile = counted
    try:
        with caplog.at_level(logging.ERROR, logger="ntm_map"):
            r = c.get(household_tile(broken_db, prefix))
    finally:
        del service.tile
    assert len(calls) == 1, calls  # the fast path answered; the router did not run the tile again
    body = r.json()
    assert r.status_code == 500 and body["code"] == "InternalError" and body["status"] == 500, r.text
    rid = r.headers["x-request-id"]
    assert rid in body["description"]
    assert any(rid in rec.getMessage() and "42703" in rec.getMessage() for rec in caplog.records)


def test_a_sql_bug_is_a_500_not_a_retry_later(broken, caplog):
    _, c = broken
    with caplog.at_level(logging.ERROR, logger="ntm_map"):
        r = c.get("/collections/households/items?limit=5", headers={"X-Request-Id": "probe-42"})
    assert r.status_code == 500 and r.json()["code"] == "InternalError" and "retry-after" not in r.headers
    assert r.headers["x-request-id"] == "probe-42" and "probe-42" in r.json()["description"]
    assert any("probe-42" in rec.getMessage() for rec in caplog.records)
    assert c.get("/collections/villages/items?limit=5").status_code == 200  # the rest still works


def test_every_response_has_a_request_id_and_only_sane_ones_are_kept(reader):
    ids = set()
    for path in ("/healthz", "/collections/villages/items?limit=1", "/nowhere", "/tiles/WebMercatorQuad/3/6/3"):
        r = reader.get(path)
        ids.add(r.headers["x-request-id"])
    assert len(ids) == 4
    for bad in ("a b", "x" * 200, "<script>", ""):
        got = reader.get("/healthz", headers={"X-Request-Id": bad}).headers["x-request-id"]
        assert got != bad and len(got) == 32


@pytest.fixture(scope="module")
def probe(settings, shared_demo):
    """The app plus routes that meet real database errors and one plain bug."""

    async def duplicate(request: Request):
        async with request.app.state.engine.connect() as conn:
            await conn.execute(text("CREATE TEMP TABLE t (k int PRIMARY KEY)"))
            await conn.execute(text("INSERT INTO t VALUES (1), (1)"))

    async def dropped(request: Request):
        async with request.app.state.engine.connect() as conn:
            await conn.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))

    async def bug(request: Request):
        return {"half": 1 / 0}

    with started_client(settings, shared_demo, raise_server_exceptions=False) as c:
        for path, route in (("/probe/duplicate", duplicate), ("/probe/dropped", dropped), ("/probe/bug", bug)):
            c.app.add_api_route(path, route)
        yield c


def test_a_conflict_with_stored_data_is_409(probe):
    r = probe.get("/probe/duplicate")
    assert r.status_code == 409 and r.json()["code"] == "Conflict" and "duplicate key" in r.json()["description"]


def test_a_lost_connection_stays_503(probe):
    r = probe.get("/probe/dropped")
    assert r.status_code == 503 and r.headers["retry-after"], r.text
    assert probe.get("/collections/villages/items?limit=1").status_code == 200  # the pool recovers


def test_an_unexpected_error_is_a_json_500(probe, caplog):
    with caplog.at_level(logging.ERROR, logger="ntm_map"):
        r = probe.get("/probe/bug")
    assert r.status_code == 500 and r.headers["content-type"] == "application/json"
    assert r.json() == {"code": "InternalError", "status": 500,
                        "description": f"an unexpected error occurred; it is logged as request "
                                       f"{r.headers['x-request-id']}"}
    logged = [rec for rec in caplog.records if r.headers["x-request-id"] in rec.getMessage()]
    assert logged and "ZeroDivisionError" in logged[0].exc_text


def test_a_box_beyond_its_crs_is_a_400(reader):
    r = reader.get(f"/collections/households/items?bbox={HUGE}&bbox-crs={OGC}/EPSG/0/3405")
    assert r.status_code == 400 and r.json()["description"].startswith("bbox:"), r.text
    assert "3405" in r.json()["description"]
    # Past the parameter checks (a filter's geometry), PostGIS's own transform error is a 400 too.
    big = 10 ** 10
    huge_polygon = f"POLYGON((-{big} -{big}, {big} -{big}, {big} {big}, -{big} {big}, -{big} -{big}))"
    r = reader.get("/collections/households/items", params={
        "filter": f"S_INTERSECTS(geometry, {huge_polygon})", "filter-crs": f"{OGC}/EPSG/0/3405"})
    assert r.status_code == 400 and "transform" in r.json()["description"], r.text


def test_every_projected_crs_transforms_its_whole_usable_box(reader, shared_demo):
    """The parameter check lets through exactly what PostGIS can transform: the widest box allowed
    in each CRS works in SQL and through the API."""
    projected = [s for s in ogc_crs.SUPPORTED_EPSG if not ogc_crs.parse(f"EPSG:{s}").geographic]
    with psycopg.connect(shared_demo) as conn:
        for srid in projected:
            w, s, e, n = ogc_crs.usable_bounds(srid)
            conn.execute("SELECT ST_Transform(ST_Segmentize(ST_MakeEnvelope(%s, %s, %s, %s, %s), %s), 4326)",
                         (w, s, e, n, srid, (e - w) / 16))
    for srid in projected:
        w, s, e, n = ogc_crs.usable_bounds(srid)
        r = reader.get(f"/collections/provinces/items?limit=1&bbox={w},{s},{e},{n}&bbox-crs={OGC}/EPSG/0/{srid}")
        assert r.status_code == 200, (srid, r.text)
        r = reader.get(f"/collections/provinces/items?limit=1&bbox={w - 1e6},{s},{e},{n}&bbox-crs=EPSG:{srid}")
        assert r.status_code == 400, (srid, r.text)


def test_healthz_answers_while_the_main_pool_is_exhausted(app_client, shared_demo):
    c = app_client(shared_demo, db_pool_size=2)
    held = [c.portal.call(c.app.state.engine.connect().start) for _ in range(2)]
    try:
        started = time.monotonic()
        r = c.get("/healthz")
        took = time.monotonic() - started
    finally:
        for conn in held:
            c.portal.call(conn.close)
    assert r.status_code == 200 and r.json()["database"]["ok"], r.text
    assert took < 1.0
