"""The map popup of a growing area says what the raster layers say about it (issue 13), in the
page's language: a known split land cover (rice west, tea east) over a known area."""
from __future__ import annotations

import re

from api.app import create_app
from layers.db.engines import connection
from layers.jobs.rasters.zonal_refresh import refresh
from tests.browser.mapping import jump, one, open_map, pixel
from tests.layers.zonal_rasters import LANDCOVER_LEGEND, register, split_array, utm_bounds
from tests.support import serve


def test_growing_area_popup_lists_its_land_cover(page, page_log, demo_db, settings, tmp_path):
    settings = settings.model_copy(update={"raster_dir": tmp_path, "raster_stats_interval_s": 0})
    gid, lon, lat = one(demo_db, """SELECT id, ST_X(p), ST_Y(p) FROM (SELECT id, ST_PointOnSurface(geom) p
        FROM growing_areas WHERE status = 'granted' ORDER BY area_ha DESC LIMIT 1) s""")
    array, transform = split_array(utm_bounds(demo_db, "SELECT geom FROM growing_areas WHERE id = %s", gid), 10, 1, 2)
    register(demo_db, settings, "landcover_t", array, transform, kind="categorical", legend=LANDCOVER_LEGEND)
    with connection(demo_db) as conn:
        refresh(conn, settings, layers=["growing_areas"])
    with serve(create_app(settings, url=demo_db)) as url:
        open_map(page, f"{url}/map?lang=vi")
        jump(page, lon, lat, 16)
        page.mouse.click(*pixel(page, lon, lat))
        figures = page.locator(".popup-rasters li").first
        figures.wait_for()
        text = figures.inner_text()
    assert text.startswith("landcover_t: ") and re.search(r"\d+ % (Lúa|Chè) \(\d+(,\d+)? ha\)", text), text
    assert "rice" not in text and "tea" not in text
    assert page.locator(".popup-rasters").evaluate("e => e.closest('.maplibregl-popup, .info-sheet') !== null")
    page_log.assert_clean()
