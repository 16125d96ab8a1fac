"""Statistics answers carry a strong ETag and answer 304 to a client holding it; the tag changes
when a boundary edit changes the figures or a raster is replaced, and not otherwise."""
from __future__ import annotations

import psycopg
import pytest

from layers.db.engines import connection
from layers.jobs.rasters.zonal_refresh import refresh
from tests.layers.zonal_rasters import LANDCOVER_LEGEND, register, split_array, utm_bounds

ROUTES = ("/collections/landcover_e/statistics?layer=growing_areas&lang=en",
          "/collections/landcover_e/statistics?layer=growing_areas&f=csv&lang=en",
          "/collections/growing_areas/items/{area}/rasters?lang=en")


@pytest.fixture
def world(demo_db, settings, tmp_path):
    """Land cover (rice west, tea east) over the largest granted growing area, computed."""
    settings = settings.model_copy(update={"raster_dir": tmp_path})
    with psycopg.connect(demo_db) as conn:
        area_id = conn.execute("SELECT id FROM growing_areas WHERE status = 'granted' "
                               "ORDER BY area_ha DESC LIMIT 1").fetchone()[0]
    bounds = utm_bounds(demo_db, "SELECT geom FROM growing_areas WHERE id = %s", area_id)
    array, transform = split_array(bounds, 10, 1, 2)
    register(demo_db, settings, "landcover_e", array, transform, kind="categorical", legend=LANDCOVER_LEGEND)
    with connection(demo_db) as conn:
        refresh(conn, settings)
    return demo_db, settings, area_id, bounds, (array, transform)


def tags(client, area_id) -> list[str]:
    out = []
    for route in ROUTES:
        response = client.get(route.format(area=area_id))
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "public, no-cache"
        tag = response.headers["etag"]
        assert tag.startswith('"') and not tag.startswith("W/")
        again = client.get(route.format(area=area_id), headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
        out.append(tag)
    return out


def test_a_held_answer_is_not_sent_again_until_the_figures_change(app_client, world):
    url, settings, area_id, (xmin, ymin, xmax, ymax), _ = world
    client = app_client(url, settings=settings, raster_stats_interval_s=0)
    first = tags(client, area_id)
    assert len(set(first)) == len(first)  # JSON and CSV differ
    assert tags(client, area_id) == first  # nothing changed: same tags
    vi = client.get(ROUTES[0].replace("&lang=en", ""), headers={"Accept-Language": "vi"})
    assert vi.headers["etag"] not in first and "Accept-Language" in vi.headers["vary"]

    with psycopg.connect(url) as conn:  # the area shrinks to its west half: its figures go, then come back
        conn.execute("""UPDATE growing_areas SET geom = ST_Multi(ST_Intersection(geom, ST_Transform(
                            ST_MakeEnvelope(%s, %s, %s, %s, 32648), 4326))) WHERE id = %s""",
                     (xmin, ymin, (xmin + xmax) / 2 - 5, ymax, area_id))
    edited = tags(client, area_id)
    assert all(a != b for a, b in zip(first, edited))
    with connection(url) as conn:
        refresh(conn, settings)
    recomputed = tags(client, area_id)
    assert all(a != b for a, b in zip(edited, recomputed))
    assert tags(client, area_id) == recomputed


def test_a_replaced_raster_changes_the_tag(app_client, world):
    url, settings, area_id, _, (array, transform) = world
    client = app_client(url, settings=settings, raster_stats_interval_s=0)
    first = tags(client, area_id)
    register(url, settings, "landcover_e", array[:, ::-1].copy(), transform, kind="categorical",
             legend=LANDCOVER_LEGEND, version=2)
    replaced = tags(client, area_id)
    assert all(a != b for a, b in zip(first, replaced))
