"""raster_zonal_stats is kept true: computed for what touches a raster, forgotten when a boundary
changes (migration 0010's triggers), recomputed after an edit or a replaced raster, and never
written from a boundary that changed meanwhile."""
from __future__ import annotations

import psycopg
import pytest

from layers.db.engines import connection
from layers.jobs.rasters import zonal_refresh
from layers.jobs.rasters.zonal_refresh import refresh
from tests.layers.zonal_rasters import LANDCOVER_LEGEND, register, split_array, utm_bounds


@pytest.fixture
def world(demo_db, settings, tmp_path):
    """A demo database, settings whose raster_dir is the test's, and a land-cover raster over
    the first growing area: rice (1) west of its middle, tea (2) east."""
    settings = settings.model_copy(update={"raster_dir": tmp_path})
    with psycopg.connect(demo_db) as conn:
        area_id, commune = conn.execute(
            "SELECT id, commune_code FROM growing_areas ORDER BY area_ha DESC LIMIT 1").fetchone()
    bounds = utm_bounds(demo_db, "SELECT geom FROM growing_areas WHERE id = %s", area_id)
    array, transform = split_array(bounds, 10, 1, 2)
    register(demo_db, settings, "landcover_t", array, transform, kind="categorical", legend=LANDCOVER_LEGEND)
    return demo_db, settings, area_id, commune, bounds


def stats_of(url, layer, feature):
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT s.stats, s.raster_version FROM raster_zonal_stats s JOIN rasters r "
                           "ON r.id = s.raster_id WHERE r.name = 'landcover_t' AND layer = %s AND feature = %s",
                           (layer, str(feature))).fetchone()
    return row


def shares(stats):
    return {c["value"]: c["share"] for c in stats["classes"]}


def test_refresh_computes_once_and_an_edit_changes_the_stats(world):
    url, settings, area_id, commune, (xmin, ymin, xmax, ymax) = world
    with connection(url) as conn:
        done = refresh(conn, settings)
    assert done["landcover_t/growing_areas"] >= 1 and done["landcover_t/communes"] >= 1
    before, version = stats_of(url, "growing_areas", area_id)
    assert version == 1 and set(shares(before)) == {1, 2}
    assert stats_of(url, "communes", commune) is not None
    with connection(url) as conn:  # nothing stale: nothing computed
        assert set(refresh(conn, settings).values()) == {0}

    # The area's boundary shrinks to its west half (rice only): its row goes at once ...
    with psycopg.connect(url) as conn:
        conn.execute("""UPDATE growing_areas SET geom = ST_Multi(ST_Intersection(geom, ST_Transform(
                            ST_MakeEnvelope(%s, %s, %s, %s, 32648), 4326))) WHERE id = %s""",
                     (xmin, ymin, (xmin + xmax) / 2 - 5, ymax, area_id))
    assert stats_of(url, "growing_areas", area_id) is None
    # ... and the next refresh writes the new figures: rice only, fewer hectares.
    with connection(url) as conn:
        assert refresh(conn, settings, layers=["growing_areas"])["landcover_t/growing_areas"] == 1
    after, _ = stats_of(url, "growing_areas", area_id)
    assert shares(after) == {1: 1.0}
    assert after["area_ha"] < before["area_ha"]


def test_a_status_change_keeps_the_stats(world):
    url, settings, area_id, *_ = world
    with connection(url) as conn:
        refresh(conn, settings, layers=["growing_areas"])
    with psycopg.connect(url) as conn:
        conn.execute("UPDATE growing_areas SET name = name || ' (b)' WHERE id = %s", (area_id,))
    assert stats_of(url, "growing_areas", area_id) is not None


def test_a_replaced_raster_is_recomputed(world):
    url, settings, area_id, _, bounds = world
    with connection(url) as conn:
        refresh(conn, settings, ["landcover_t"], ["growing_areas"])
    array, transform = split_array(bounds, 10, 2, 2)  # all tea now
    register(url, settings, "landcover_t", array, transform, kind="categorical", version=2)
    with connection(url) as conn:
        assert refresh(conn, settings, ["landcover_t"], ["growing_areas"])["landcover_t/growing_areas"] >= 1
    stats, version = stats_of(url, "growing_areas", area_id)
    assert version == 2 and shares(stats) == {2: 1.0}


def test_a_boundary_changed_while_computing_is_not_written(world):
    url, settings, area_id, *_ = world
    with connection(url) as conn:
        stale = conn.execute(zonal_refresh._stale("growing_areas"),
                             {"raster": 0, "layer": "growing_areas", "limit": 10}).all()
        assert stale == []  # (raster 0 does not exist: nothing to do)
        raster = conn.exec_driver_sql("SELECT id, version FROM rasters WHERE name = 'landcover_t'").one()
        params = {"raster": raster.id, "layer": "growing_areas", "key": str(area_id), "version": raster.version,
                  "stats": "{}", "fp": "not the geometry read"}
        assert conn.execute(zonal_refresh._write("growing_areas"), params).rowcount == 0
        params["version"] = raster.version + 1
        params["fp"] = conn.exec_driver_sql(
            f"SELECT md5(ST_AsEWKB(geom)) FROM growing_areas WHERE id = {int(area_id)}").scalar_one()
        assert conn.execute(zonal_refresh._write("growing_areas"), params).rowcount == 0  # raster replaced
        params["version"] = raster.version
        assert conn.execute(zonal_refresh._write("growing_areas"), params).rowcount == 1  # control


def test_unknown_names_and_layers_are_said(world):
    url, settings, *_ = world
    with connection(url) as conn:
        with pytest.raises(ValueError, match="no categorical or continuous raster named nope"):
            refresh(conn, settings, ["nope"])
        with pytest.raises(ValueError, match="unknown layer 'villages'"):
            refresh(conn, settings, layers=["villages"])


def test_the_app_s_run_says_when_a_full_batch_leaves_more_to_do(world):
    import asyncio

    url, settings, *_ = world
    assert asyncio.run(zonal_refresh._once(settings.model_copy(update={"raster_stats_batch": 1}), url)) is True
    assert asyncio.run(zonal_refresh._once(settings, url)) is False  # the rest, under a batch of 2,000
    assert asyncio.run(zonal_refresh._once(settings, url)) is False  # nothing left


def test_a_raster_whose_file_is_gone_does_not_stop_the_others(world):
    url, settings, area_id, _, bounds = world
    array, transform = split_array(bounds, 10, 2, 2)
    register(url, settings, "aaa_gone", array, transform, kind="categorical")  # sorted first
    (settings.raster_dir / "aaa_gone" / "v1.tif").unlink()
    said = []
    with connection(url) as conn:
        done = refresh(conn, settings, layers=["growing_areas"], on_error=lambda name, exc: said.append(name))
    assert said == ["aaa_gone"] and done["landcover_t/growing_areas"] >= 1
    with connection(url) as conn:
        with pytest.raises(Exception, match="v1.tif"):
            refresh(conn, settings, ["aaa_gone"])


def test_only_one_app_process_refreshes_at_a_time(world):
    url, settings, *_ = world
    with psycopg.connect(url) as other:  # another worker holds the lock
        assert other.execute(zonal_refresh.REFRESH_LOCK.text).fetchone()[0] is True
        assert zonal_refresh._run_once(settings, url) == {}
    assert zonal_refresh._run_once(settings, url)["landcover_t/growing_areas"] >= 1  # released with its connection
