"""The raster cache (layers.jobs.rasters.cache): the demo rasters, suitability rasters and zonal
statistics made before from the same vectors, rasters and boundaries are reused, and are the
very bytes and figures a fresh computation gives; what changed is computed again; a damaged
copy is never registered."""
from __future__ import annotations

import json
import shutil
import types

import psycopg
import pytest
import shapely

from layers.db.engines import connection
from layers.jobs.demo import rasters as demo
from layers.jobs.demo.raster_world import read_world
from layers.jobs.rasters import suitability, zonal_refresh
from layers.jobs.rasters.cache import Cache
from layers.jobs.rasters.store import list_rasters, raster_path
from layers.jobs.rasters.suitability import after_demo
from layers.jobs.rasters.zonal import zonal_stats
from tests.conftest import DEMO_RASTER_SCALE
from tests.support import DEMO_SEED, with_overrides

QUIET = dict(log=lambda m: None)


def load(url, settings, cache: Cache) -> dict[str, dict]:
    with connection(url) as conn:
        demo.make_demo_rasters(conn, settings, seed=DEMO_SEED, scale=DEMO_RASTER_SCALE, cache=cache, **QUIET)
        after_demo(conn, settings, cache=cache, **QUIET)
        return {r["name"]: r for r in list_rasters(conn)}


def stats(url) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT r.name, s.layer, s.feature, s.stats::text FROM raster_zonal_stats s "
                            "JOIN rasters r ON r.id = s.raster_id ORDER BY 1, 2, 3").fetchall()


@pytest.fixture(scope="module")
def first(databases, demo_template, settings, tmp_path_factory):
    """The demo rasters, suitability and statistics made once through an empty cache."""
    cache = Cache(tmp_path_factory.mktemp("cache"))
    own = with_overrides(settings, raster_dir=tmp_path_factory.mktemp("first"))
    url = databases.create(template=demo_template)
    return types.SimpleNamespace(cache=cache, url=url, settings=own, rows=load(url, own, cache), stats=stats(url))


def _fresh(databases, demo_template, settings, tmp_path):
    return databases.create(template=demo_template), with_overrides(settings, raster_dir=tmp_path / "rasters")


def _nothing_computed(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("computed, not taken from the cache")
    monkeypatch.setattr(demo, "generate", refuse)
    monkeypatch.setattr(suitability, "write_suitabilities", refuse)
    monkeypatch.setattr(zonal_refresh, "zonal_stats", refuse)
    monkeypatch.setattr(zonal_refresh, "zonal_stats_many", refuse)


def test_the_cache_gives_what_making_them_gives(first, demo_rasters):
    """Made through the cache, the five demo rasters are byte for byte those made without one
    (the session's demo_rasters, same vectors, seed and scale), and the cache holds them all."""
    assert len(first.stats) > 100
    for name in demo.NAMES:
        assert first.rows[name]["sha256"] == {r["name"]: r for r in _rows(demo_rasters.url)}[name]["sha256"]
    assert len(list((first.cache.root / "demo").iterdir())) == 1
    assert len(list((first.cache.root / "suitability").iterdir())) == 3
    assert len(list((first.cache.root / "zonal").iterdir())) == 6  # the six categorical or continuous rasters


def _rows(url):
    with connection(url) as conn:
        return list_rasters(conn)


def test_a_second_load_takes_everything_from_the_cache(first, databases, demo_template, settings, tmp_path,
                                                       monkeypatch):
    _nothing_computed(monkeypatch)
    url, own = _fresh(databases, demo_template, settings, tmp_path)
    rows = load(url, own, first.cache)
    assert {n: r["sha256"] for n, r in rows.items()} == {n: r["sha256"] for n, r in first.rows.items()}
    assert len(rows) == 8 and stats(url) == first.stats
    for name, row in rows.items():  # the registered file is the cached one's bytes, checked on its own path
        path = raster_path(own, row)
        assert path.stat().st_size == row["bytes"] and path.parent == own.raster_dir / name


def test_a_moved_boundary_is_computed_again_not_taken_from_the_cache(first, databases, demo_template, settings,
                                                                      tmp_path, monkeypatch):
    """The rasters are the cache's; one growing area moved after they were registered gets figures
    computed from its new boundary (as exactextract gives them directly), every other feature the
    cached ones."""
    url, own = _fresh(databases, demo_template, settings, tmp_path)
    with connection(url) as conn:
        demo.make_demo_rasters(conn, own, seed=DEMO_SEED, scale=DEMO_RASTER_SCALE, cache=first.cache, **QUIET)
    with psycopg.connect(url) as conn:
        moved = conn.execute("SELECT id FROM growing_areas ORDER BY area_ha DESC LIMIT 1").fetchone()[0]
        conn.execute("UPDATE growing_areas SET geom = ST_Multi(ST_Buffer(geom, -0.0003)) WHERE id = %s", (moved,))
        wkb = conn.execute("SELECT ST_AsBinary(geom) FROM growing_areas WHERE id = %s", (moved,)).fetchone()[0]
    computed = []
    one, many = zonal_refresh.zonal_stats, zonal_refresh.zonal_stats_many

    def counting(real, paths, kind, features, **kw):
        features = list(features)
        computed.extend(key for key, _ in features for _ in (paths if isinstance(paths, list) else [paths]))
        return real(paths, kind, features, **kw)
    monkeypatch.setattr(zonal_refresh, "zonal_stats", lambda *a, **kw: counting(one, *a, **kw))
    monkeypatch.setattr(zonal_refresh, "zonal_stats_many", lambda *a, **kw: counting(many, *a, **kw))
    with connection(url) as conn:
        after_demo(conn, own, cache=first.cache, **QUIET)
        slope = next(r for r in list_rasters(conn) if r["name"] == "slope")
    assert computed == [str(moved)] * 6  # one feature, for each of the six rasters
    got = {(n, layer, f): s for n, layer, f, s in stats(url)}
    want = {(n, layer, f): s for n, layer, f, s in first.stats}
    assert got.keys() == want.keys()
    assert [k for k in got if got[k] != want[k]] == [k for k in got if k[2] == str(moved) and k[1] == "growing_areas"
                                                     and got[k] != want[k]]
    assert got[("slope", "growing_areas", str(moved))] != want[("slope", "growing_areas", str(moved))]
    (_, direct), = zonal_stats(raster_path(own, slope), "continuous", [(moved, shapely.from_wkb(bytes(wkb)))])
    assert json.loads(got[("slope", "growing_areas", str(moved))]) == json.loads(json.dumps(direct))


def test_a_damaged_cached_file_is_never_registered(first, databases, demo_template, settings, tmp_path):
    """A flipped byte in a cached COG: the copy's sha256 is not the recorded one, so the demo
    rasters are made anew (the same bytes as ever) and the cache entry replaced by a good one."""
    damaged = Cache(tmp_path / "cache")
    shutil.copytree(first.cache.root, damaged.root)  # copies, not links: first's files stay whole
    entry, = (damaged.root / "demo").iterdir()
    victim = entry / "elevation.tif"
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    url, own = _fresh(databases, demo_template, settings, tmp_path)
    said = []
    with connection(url) as conn:
        rows = {r["name"]: r for r in demo.make_demo_rasters(conn, own, seed=DEMO_SEED, scale=DEMO_RASTER_SCALE,
                                                              cache=damaged, log=said.append)}
    assert any("damaged" in m for m in said)
    assert {n: rows[n]["sha256"] for n in demo.NAMES} == {n: first.rows[n]["sha256"] for n in demo.NAMES}
    found = damaged.cogs("demo", entry.name)
    assert found and found["elevation"][0].read_bytes() == raster_path(own, rows["elevation"]).read_bytes()


def test_the_key_follows_every_row_the_rasters_are_painted_from(first, databases, demo_template):
    url = databases.create(template=demo_template)
    with connection(url) as conn:
        base = demo.cache_key(read_world(conn), DEMO_SEED, DEMO_RASTER_SCALE)
        assert demo.cache_key(read_world(conn), DEMO_SEED + 1, DEMO_RASTER_SCALE) != base
        keys = {base}
        for table, change in (("households", "village_id = (SELECT max(id) FROM villages)"),
                              ("growing_areas", "crop = CASE crop WHEN 'tea' THEN 'rice' ELSE 'tea' END"),
                              ("agri_zones", "geom = ST_Multi(ST_Translate(geom, 0.001, 0))")):
            conn.exec_driver_sql(f"UPDATE {table} SET {change} WHERE id = (SELECT min(id) FROM {table})")
            keys.add(demo.cache_key(read_world(conn), DEMO_SEED, DEMO_RASTER_SCALE))
        assert len(keys) == 4
