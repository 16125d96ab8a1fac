"""Zonal statistics over HTTP: one feature's figures in words (vi/en), one raster's table in JSON
and CSV, 404/400 for what does not exist, and the web app's own refresh after an edit."""
from __future__ import annotations

import csv
import io
import time

import numpy as np
import psycopg
import pytest

from layers.db.engines import connection
from layers.jobs.rasters.zonal_refresh import refresh
from tests.layers.zonal_rasters import LANDCOVER_LEGEND, register, split_array, utm_bounds


@pytest.fixture
def world(demo_db, settings, tmp_path):
    """Land cover (rice west, tea east) and a slope raster over the largest granted growing area."""
    settings = settings.model_copy(update={"raster_dir": tmp_path})
    with psycopg.connect(demo_db) as conn:
        area_id, commune_id, commune_code = conn.execute("""
            SELECT g.id, c.id, c.code FROM growing_areas g JOIN communes c ON c.code = g.commune_code
            WHERE g.status = 'granted' ORDER BY g.area_ha DESC LIMIT 1""").fetchone()
    bounds = utm_bounds(demo_db, "SELECT geom FROM growing_areas WHERE id = %s", area_id)
    array, transform = split_array(bounds, 10, 1, 2)
    register(demo_db, settings, "landcover_t", array, transform, kind="categorical", legend=LANDCOVER_LEGEND)
    slope = np.tile(np.linspace(2, 8, array.shape[1], dtype="float32"), (array.shape[0], 1))
    register(demo_db, settings, "slope_t", slope, transform, kind="continuous", units="°", nodata=-9999)
    return demo_db, settings, area_id, commune_id, commune_code, bounds


def computed(world):
    url, settings, *_ = world
    with connection(url) as conn:
        refresh(conn, settings)
    return world


def test_a_growing_area_s_figures_in_words(app_client, world):
    url, settings, area_id, *_ = computed(world)
    client = app_client(url, settings=settings, raster_stats_interval_s=0)
    body = client.get(f"/collections/growing_areas/items/{area_id}/rasters?lang=en").json()
    by = {r["name"]: r for r in body["rasters"]}
    assert set(by) == {"landcover_t", "slope_t"} and body["pending"] == []
    cover = by["landcover_t"]
    assert [c["label"] for c in cover["statistics"]["classes"]] in (["rice paddy", "tea"], ["tea", "rice paddy"])
    assert cover["text"].startswith("landcover_t: ") and "% rice paddy (" in cover["text"] and " ha)" in cover["text"]
    assert by["slope_t"]["text"].startswith("slope_t: mean ") and "°" in by["slope_t"]["text"]
    assert 2 <= by["slope_t"]["statistics"]["mean"] <= 8
    vi = client.get(f"/collections/growing_areas/items/{area_id}/rasters",
                    headers={"Accept-Language": "vi"}).json()
    assert "Lúa" in {r["name"]: r for r in vi["rasters"]}["landcover_t"]["text"]
    assert "trung bình" in {r["name"]: r for r in vi["rasters"]}["slope_t"]["text"]


def test_pending_before_the_refresh(app_client, world):
    url, settings, area_id, *_ = world
    client = app_client(url, settings=settings, raster_stats_interval_s=0)
    body = client.get(f"/collections/growing_areas/items/{area_id}/rasters?lang=en").json()
    assert body["rasters"] == [] and sorted(body["pending"]) == ["landcover_t", "slope_t"]
    assert body["pending_text"].startswith("Being computed: ")


def test_one_raster_per_commune_as_json_and_csv(app_client, world):
    url, settings, _, commune_id, commune_code, _ = computed(world)
    client = app_client(url, settings=settings, raster_stats_interval_s=0)
    body = client.get("/collections/landcover_t/statistics?layer=communes&lang=en").json()
    assert body["numberMatched"] >= 1 and commune_code in {r["code"] for r in body["rows"]}
    row = next(r for r in body["rows"] if r["code"] == commune_code)
    assert row["id"] == commune_id
    response = client.get("/collections/landcover_t/statistics?layer=communes&f=csv&lang=en")
    assert response.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.text)))
    assert table[0][:5] == ["Code", "Name", "Measured area (ha)", "rice paddy (%)", "rice paddy (ha)"]
    line = next(r for r in table[1:] if r[0] == commune_code)
    assert float(line[3]) + float(line[5]) == pytest.approx(100, abs=0.01)
    assert client.get("/collections/slope_t/statistics?layer=growing_areas").json()["numberMatched"] >= 1
    assert client.get("/collections/slope_t/statistics?layer=communes&limit=1").json()["links"] == []


def test_statistics_pages_link_to_the_next(app_client, world):
    url, settings, _, _, commune_code, _ = world
    wide = utm_bounds(url, "SELECT geom FROM communes WHERE code = %s", commune_code)
    array, transform = split_array(wide, 100, 1, 2)
    register(url, settings, "wide_t", array, transform, kind="categorical", legend=LANDCOVER_LEGEND)
    with connection(url) as conn:
        refresh(conn, settings, ["wide_t"], ["communes"])
    client = app_client(url, settings=settings, raster_stats_interval_s=0)
    first = client.get("/collections/wide_t/statistics?layer=communes&limit=1&lang=en").json()
    assert first["numberMatched"] > 1 and first["numberReturned"] == 1
    second = client.get(first["links"][0]["href"]).json()
    assert "lang=en" in first["links"][0]["href"] and second["offset"] == 1
    assert second["rows"][0]["code"] != first["rows"][0]["code"]
    last = client.get(f"/collections/wide_t/statistics?layer=communes&limit=1&offset={first['numberMatched'] - 1}")
    assert last.json()["links"] == []


@pytest.mark.parametrize(("path", "status", "words"), [
    ("/collections/villages/items/1/rasters?lang=en", 404, "kept for communes and growing areas"),
    ("/collections/growing_areas/items/999999999/rasters?lang=en", 404, "no public growing_areas feature"),
    ("/collections/nope/statistics?lang=en", 404, "no public categorical or continuous raster named nope"),
    ("/collections/landcover_t/statistics?layer=villages", 400, "statistics are kept for communes or growing_areas"),
    ("/collections/landcover_t/statistics?f=xml", 400, "f=json or f=csv"),
    ("/collections/landcover_t/statistics?limit=10001", 400, "limit"),
    ("/collections/landcover_t/statistics?colour=red", 400, "colour"),
])
def test_bad_requests_are_said(app_client, world, path, status, words):
    url, settings, *_ = world
    client = app_client(url, settings=settings, raster_stats_interval_s=0)
    response = client.get(path)
    assert response.status_code == status, response.text
    assert words in response.json()["description"]


def test_a_draft_area_is_not_public(app_client, world):
    url, settings, *_ = computed(world)
    with psycopg.connect(url) as conn:
        draft = conn.execute("SELECT id FROM growing_areas WHERE status = 'draft' LIMIT 1").fetchone()
    client = app_client(url, settings=settings, raster_stats_interval_s=0)
    assert client.get(f"/collections/growing_areas/items/{draft[0]}/rasters").status_code == 404


def test_the_app_recomputes_an_edited_area_by_itself(app_client, world):
    url, settings, area_id, _, _, (xmin, ymin, xmax, ymax) = computed(world)
    client = app_client(url, settings=settings, raster_stats_interval_s=1)
    with psycopg.connect(url) as conn:  # the area shrinks to its west half: rice only
        conn.execute("""UPDATE growing_areas SET geom = ST_Multi(ST_Intersection(geom, ST_Transform(
                            ST_MakeEnvelope(%s, %s, %s, %s, 32648), 4326))) WHERE id = %s""",
                     (xmin, ymin, (xmin + xmax) / 2 - 5, ymax, area_id))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        body = client.get(f"/collections/growing_areas/items/{area_id}/rasters?lang=en").json()
        cover = {r["name"]: r for r in body["rasters"]}.get("landcover_t")
        if cover:
            break
        time.sleep(0.5)
    assert cover is not None, body
    assert [c["value"] for c in cover["statistics"]["classes"]] == [1]


def test_item_pages_show_the_figures(app_client, world):
    url, settings, area_id, commune_id, *_ = computed(world)
    client = app_client(url, settings=settings, raster_stats_interval_s=0)
    page = client.get(f"/collections/growing_areas/items/{area_id}?f=html&lang=en").text
    section = page.split('id="item-rasters"', 1)[1].split("</section>", 1)[0]
    assert "From the raster layers" in section and "% rice paddy (" in section and "slope_t: mean " in section
    page = client.get(f"/collections/communes/items/{commune_id}?f=html&lang=vi").text
    assert "Theo các lớp ảnh (raster)" in page and "Lúa" in page.split('id="item-rasters"', 1)[1]
    page = client.get("/collections/villages/items/1?f=html&lang=en").text
    assert 'id="item-rasters"' not in page
