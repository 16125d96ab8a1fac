"""Rasters in Chromium (issue 13): the staff drawing map's imagery basemap shows the imagery's own
pixels where they belong, and the public map's switcher turns a raster on with its legend, its
opacity slider (keyboard) and its value in the popup.

The rasters are made here, so their pixels are known without reading the server's output: a
1 km imagery square in UTM 48N whose west half is one colour and east half another (a colour at
the right place, not just a drawn canvas), a two-class land cover and a continuous height, all
registered through the import (layers.jobs.rasters.store.add_raster) on a demo copy of the
module's own. Screenshots at 1366 and 360 px go to tests/artifacts/.
"""
from __future__ import annotations

import io
from datetime import date

import numpy as np
import pytest
import rasterio
import sqlalchemy as sa
from PIL import Image
from rasterio.transform import from_origin
from rasterio.warp import transform as warp_points

from api.app import create_app
from layers.db.engines import connection
from layers.jobs.rasters.store import add_raster
from layers.write import accounts
from tests.api.growing_helpers import commune_with_room, free_spots
from tests.browser.chromium import ARTIFACTS, PageLog, block_outside, wait_without_eval
from tests.browser.language_oracle import Oracle, database_strings, json_strings
from tests.browser.mapping import IDLE
from tests.browser.staff_helpers import PASSWORD, assert_clean, log_in
from tests.browser.test_accessibility import axe_violations, describe
from tests.browser.test_one_language import VISIBLE_TEXTS
from tests.support import serve

WEST, EAST = (200, 40, 160), (30, 160, 200)  # the imagery's two halves (RGB)
OVERVIEW = (240, 200, 40)  # a coarse image around it (6 km, 30 m pixels), listed after it by name
SIDE_M, PIXEL_M = 1000, 1.0
UTM = "EPSG:32648"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 768}
USER = "anh.staff"
COVER = {"classes": [{"value": 1, "colour": "#1a9641", "label_vi": "Lúa nước thử", "label_en": "Test paddy"},
                     {"value": 2, "colour": "#d7191c", "label_vi": "Đất ở thử", "label_en": "Test housing"}]}
HEIGHT = {"stops": [[0, "#2b83ba"], [500, "#ffffbf"], [1000, "#d7191c"]]}
TOLERANCE = 18  # per channel: WebP/JPEG, resampling and the browser's colour handling


def _utm(lon, lat):
    xs, ys = warp_points("EPSG:4326", UTM, [lon], [lat])
    return xs[0], ys[0]


def _write(path, data, left, top, pixel, count):
    with rasterio.open(path, "w", driver="GTiff", width=data.shape[-1], height=data.shape[-2], count=count,
                       dtype=data.dtype, crs=UTM, transform=from_origin(left, top, pixel, pixel)) as dst:
        dst.write(data if count > 1 else data[np.newaxis])


@pytest.fixture(scope="module")
def raster_site(settings, databases, demo_template, tmp_path_factory):
    db = databases.create(template=demo_template)
    commune, _province = commune_with_room(db)
    lon, lat = free_spots(db, commune, n=1)[0]
    x, y = _utm(lon, lat)
    tmp = tmp_path_factory.mktemp("raster-map")
    rs = settings.model_copy(update={"raster_dir": tmp / "store"})
    n = int(SIDE_M / PIXEL_M)
    rgb = np.empty((3, n, n), np.uint8)
    for band in range(3):
        rgb[band, :, : n // 2], rgb[band, :, n // 2:] = WEST[band], EAST[band]
    _write(tmp / "image.tif", rgb, x - SIDE_M / 2, y + SIDE_M / 2, PIXEL_M, 3)
    coarse = np.empty((3, 200, 200), np.uint8)
    for band in range(3):
        coarse[band] = OVERVIEW[band]
    _write(tmp / "overview.tif", coarse, x - 3000, y + 3000, 30.0, 3)
    cover = np.ones((200, 200), np.uint8)  # 20 m pixels, 4 km: class 1 in the west, 2 in the east
    cover[:, 100:] = 2
    _write(tmp / "cover.tif", cover, x - 2000, y + 2000, 20.0, 1)
    height = np.tile(np.linspace(0, 1000, 200, dtype=np.float32), (200, 1))
    _write(tmp / "height.tif", height, x - 2000, y + 2000, 20.0, 1)
    with connection(db) as conn:
        # Only this module's rasters: a demo's own (their files live in another raster folder)
        # would cover the known pixels and ask for files this server does not have.
        conn.execute(sa.text(r"DELETE FROM rasters WHERE name NOT LIKE 'test\_%'"))
        add_raster(conn, rs, "test_image", tmp / "image.tif", kind="imagery", title_vi="Ảnh thử", title_en="Test imagery",
                   source="Synthetic, made by test_raster_map", acquired=date(2026, 6, 30), synthetic=True)
        add_raster(conn, rs, "test_overview", tmp / "overview.tif", kind="imagery", title_vi="Ảnh tổng quan thử",
                   title_en="Test overview imagery", source="Synthetic, made by test_raster_map",
                   acquired=date(2026, 5, 1), synthetic=True)
        add_raster(conn, rs, "test_cover", tmp / "cover.tif", kind="categorical", title_vi="Lớp phủ thử",
                   title_en="Test land cover", legend=COVER, acquired=date(2026, 6, 30), synthetic=True)
        add_raster(conn, rs, "test_height", tmp / "height.tif", kind="continuous", title_vi="Độ cao thử",
                   title_en="Test height", legend=HEIGHT, units="m", synthetic=True)
        accounts.create_user(conn, USER, "commune_staff", [commune], password=PASSWORD)
    with serve(create_app(rs, url=db)) as url:
        yield {"url": url, "lon": lon, "lat": lat, "db": db, "settings": rs}


def _page(browser, viewport, lang="en"):
    context = browser.new_context(viewport=viewport, locale="vi-VN" if lang == "vi" else "en-GB",
                                  service_workers="block")
    log = PageLog()
    context.route("**/*", block_outside(log))
    page = context.new_page()
    page.set_default_timeout(30000)
    wait_without_eval(page, 30000)
    log.attach(page)
    return context, page, log


def _shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"raster_{name}.png"))


def _sign_in(page, url, lang="en"):
    log_in(page, url, USER, lang)
    page.wait_for_selector("#basemap-switch")


def _staff_idle(page):
    page.evaluate("() => new Promise((done) => { staffMap.once('idle', done); staffMap.triggerRepaint(); })")


def _colour_at(page, map_name, lon, lat):
    """The screenshot's mean colour over 5×5 pixels at lon/lat of the map `map_name`."""
    x, y = page.evaluate("""([name, lon, lat]) => {
        const map = window[name];
        const p = map.project([lon, lat]);
        const box = map.getCanvas().getBoundingClientRect();
        return [box.left + p.x, box.top + p.y];
    }""", [map_name, lon, lat])
    png = page.screenshot(clip={"x": x - 2, "y": y - 2, "width": 5, "height": 5})
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float).reshape(-1, 3)
    return tuple(int(round(v)) for v in pixels.mean(axis=0))


def _near(colour, expected):
    return all(abs(a - b) <= TOLERANCE for a, b in zip(colour, expected))


def _metres_east(lon, lat, metres):
    return lon + metres / (111_320 * np.cos(np.radians(lat))), lat


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "360"])
def test_staff_map_shows_the_imagery_pixels_where_they_are(browser, raster_site, viewport):
    context, page, log = _page(browser, viewport)
    try:
        _sign_in(page, raster_site["url"])
        lon, lat = raster_site["lon"], raster_site["lat"]
        west, east = _metres_east(lon, lat, -150), _metres_east(lon, lat, 150)
        page.evaluate("([lon, lat]) => staffMap.jumpTo({center: [lon, lat], zoom: 16})", [lon, lat])
        _staff_idle(page)
        plain = _colour_at(page, "staffMap", *west)
        assert not _near(plain, WEST), f"the plain map already shows the imagery's colour {plain}"
        # The radio group by keyboard: focus "Plain map", arrow to "Imagery".
        page.focus("#basemap-switch input[value=plain]")
        page.keyboard.press("ArrowUp")
        assert page.evaluate("document.activeElement.value") == "imagery"
        assert page.get_attribute("#basemap-switch", "data-basemap") == "imagery"
        assert page.evaluate("staffMap.getLayoutProperty('raster-test_image', 'visibility')") == "visible"
        _staff_idle(page)
        seen_west, seen_east = _colour_at(page, "staffMap", *west), _colour_at(page, "staffMap", *east)
        _shot(page, f"staff_imagery_{viewport['width']}")
        assert _near(seen_west, WEST), f"150 m west of the middle: {seen_west}, the COG has {WEST}"
        assert _near(seen_east, EAST), f"150 m east of the middle: {seen_east}, the COG has {EAST}"
        # Where staff trace: the imagery's source, date and pixel size, in the page's words.
        assert page.text_content("#imagery-credit") == "Imagery: synthetic (demo), 30 Jun 2026, 1 m/pixel"
        assert page.is_visible("#imagery-credit")
        box = page.locator("#basemap-switch").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], box
        # Outside the sharp image, inside the coarse one: the coarse one is drawn, and named. At
        # the middle the sharp one was drawn over it, though the style lists it first.
        away = _metres_east(lon, lat, 2000)
        page.evaluate("([lon, lat]) => staffMap.jumpTo({center: [lon, lat], zoom: 16})", list(away))
        _staff_idle(page)
        assert _near(_colour_at(page, "staffMap", *away), OVERVIEW)
        assert page.text_content("#imagery-credit") == "Imagery: synthetic (demo), 1 May 2026, 30 m/pixel"
        page.focus("#basemap-switch input[value=imagery]")
        page.keyboard.press("ArrowDown")  # back to plain
        assert page.get_attribute("#basemap-switch", "data-basemap") == "plain"
        assert page.evaluate("staffMap.getLayoutProperty('raster-test_image', 'visibility')") == "none"
        assert not page.is_visible("#imagery-credit")
        found = axe_violations(page)
        assert not found, describe(found)
        assert_clean(log, allow_http=())
    finally:
        context.close()


def _open_map(page, url, lang, lon, lat, zoom=14, layers=None):
    wanted = f"&layers={','.join(layers)}" if layers else ""
    page.goto(f"{url}/map?lang={lang}#map={zoom}/{lat}/{lon}{wanted}&lang={lang}")
    page.wait_for_function(f"{IDLE} || document.body.dataset.mapState === 'failed'", timeout=60000)
    assert page.evaluate("document.body.dataset.mapState") == "idle"


def _map_idle(page):
    page.evaluate("() => new Promise((done) => { ntmMap.once('idle', done); ntmMap.triggerRepaint(); })")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "360"])
def test_switcher_turns_a_raster_on_with_legend_opacity_and_value(browser, raster_site, viewport):
    context, page, log = _page(browser, viewport)
    lon, lat = raster_site["lon"], raster_site["lat"]
    try:
        _open_map(page, raster_site["url"], "en", lon, lat)
        if page.is_visible("#panel-toggle") and page.get_attribute("#panel-toggle", "aria-expanded") == "false":
            page.click("#panel-toggle")
        row = page.locator(".toggle[data-raster=test_cover]")
        assert page.text_content('#layers fieldset[data-group="rasters"] > legend') == "Imagery and surface maps"
        assert not row.locator(".raster-extra").is_visible()
        assert page.evaluate("ntmMap.getLayoutProperty('raster-test_cover', 'visibility')") == "none"
        box = row.locator("input[data-toggle]")
        box.focus()
        page.keyboard.press("Space")
        assert page.evaluate("ntmMap.getLayoutProperty('raster-test_cover', 'visibility')") == "visible"
        page.wait_for_selector(".toggle[data-raster=test_cover] .raster-legend[data-ready=true]")
        assert row.locator(".raster-classes li").all_text_contents() == ["Test paddy", "Test housing"]
        assert row.locator(".raster-classes li").last.is_visible()
        swatch = row.locator(".raster-classes .swatch").first.evaluate("(e) => getComputedStyle(e).backgroundColor")
        assert swatch == "rgb(26, 150, 65)"
        assert "layers=" in page.evaluate("location.hash") and "raster-test_cover" in page.evaluate("location.hash")
        # The opacity slider, by keyboard: its label names it; arrows step 10 %, Home is 0.
        slider = row.locator("input[type=range]")
        assert slider.evaluate("(e) => e.labels[0].textContent") == "Opacity"
        start = page.evaluate("ntmMap.getPaintProperty('raster-test_cover', 'raster-opacity')")
        assert slider.input_value() == str(round(start * 100))  # the style's own opacity to begin with
        slider.focus()
        page.keyboard.press("ArrowLeft")
        page.keyboard.press("ArrowLeft")
        assert page.evaluate("ntmMap.getPaintProperty('raster-test_cover', 'raster-opacity')") == pytest.approx(start - 0.2)
        assert slider.get_attribute("aria-valuetext") == f"{round(start * 100) - 20} %"
        page.keyboard.press("Home")
        assert page.evaluate("ntmMap.getPaintProperty('raster-test_cover', 'raster-opacity')") == 0
        page.keyboard.press("End")
        assert page.evaluate("ntmMap.getPaintProperty('raster-test_cover', 'raster-opacity')") == 1
        # The continuous one: a gradient bar with its range in words (units through format.js).
        other = page.locator(".toggle[data-raster=test_height]")
        other.locator("input[data-toggle]").check()
        page.wait_for_selector(".toggle[data-raster=test_height] .raster-legend[data-ready=true]")
        assert other.locator(".raster-ramp-ends span").all_text_contents() == ["0 m", "1,000 m"]
        assert "linear-gradient" in other.locator(".raster-ramp-bar").evaluate("(e) => e.style.backgroundImage")
        other.scroll_into_view_if_needed()
        _shot(page, f"map_panel_{viewport['width']}")
        # A click 500 m west of the middle (class 1) says the class under it in the popup.
        if viewport is PHONE:
            page.click("#panel-toggle")
        _map_idle(page)
        x, y = page.evaluate("""([lon, lat]) => { const p = ntmMap.project([lon, lat]);
            const b = ntmMap.getCanvas().getBoundingClientRect(); return [b.left + p.x, b.top + p.y]; }""",
                             list(_metres_east(lon, lat, -500)))
        page.mouse.click(x, y)
        page.wait_for_selector(".popup-raster tr[data-raster=test_cover][data-ready=true]")
        assert page.text_content(".popup-raster tr[data-raster=test_cover] td") == "Test paddy"
        page.wait_for_selector(".popup-raster tr[data-raster=test_height][data-ready=true]")
        assert page.text_content(".popup-raster tr[data-raster=test_height] td").endswith(" m")
        _shot(page, f"map_{viewport['width']}")
        # By keyboard: the map focused, Enter reads the values at its centre (moved 500 m east:
        # class 2), Escape closes and focus stays on the map.
        page.keyboard.press("Escape")
        page.evaluate("([lon, lat]) => ntmMap.jumpTo({center: [lon, lat]})", list(_metres_east(lon, lat, 500)))
        page.focus("canvas.maplibregl-canvas")
        page.keyboard.press("Enter")
        page.wait_for_selector(".popup-raster tr[data-raster=test_cover][data-ready=true]")
        assert page.text_content(".popup-raster tr[data-raster=test_cover] td") == "Test housing"
        page.keyboard.press("Escape")
        assert not page.locator(".popup-raster").count()
        assert page.evaluate("document.activeElement.classList.contains('maplibregl-canvas')")
        found = axe_violations(page)
        assert not found, describe(found)
        log.assert_clean()
    finally:
        context.close()


def _in_one_language(page, db, lang, roots, responses):
    """Texts under `roots` that are neither the page language's catalogue nor data (the oracle of
    tests/browser/test_one_language.py)."""
    data = database_strings(db, lang)
    for body in responses:
        json_strings(body, lang, data)
    oracle = Oracle(lang, data)
    bad = []
    for root in roots:
        for t in page.evaluate(VISIBLE_TEXTS, root)["texts"]:
            if not oracle.accepts(t["text"], t["code"]):
                bad.append(f"{t['where']}: {t['text']!r}")
    return bad


def _keep_json(page, responses):
    def keep(response):
        if "json" in (response.headers.get("content-type") or ""):
            try:
                responses.append(response.json())
            except Exception:  # a body already gone
                pass
    page.on("response", keep)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_raster_controls_speak_the_page_language(browser, raster_site, lang):
    """Every raster on with its legend, a popup's values, and the staff switch with imagery on:
    each visible text is the page language's catalogue or data, in vi and in en."""
    context, page, log = _page(browser, DESKTOP, lang=lang)
    responses: list = []
    _keep_json(page, responses)
    lon, lat = raster_site["lon"], raster_site["lat"]
    try:
        _open_map(page, raster_site["url"], lang, lon, lat)
        for name in ("test_image", "test_cover", "test_height"):
            page.locator(f".toggle[data-raster={name}] input[data-toggle]").check()
            page.wait_for_selector(f".toggle[data-raster={name}] .raster-legend[data-ready=true]")
        _map_idle(page)
        x, y = page.evaluate("""([lon, lat]) => { const p = ntmMap.project([lon, lat]);
            const b = ntmMap.getCanvas().getBoundingClientRect(); return [b.left + p.x, b.top + p.y]; }""",
                             list(_metres_east(lon, lat, 500)))
        page.mouse.click(x, y)
        page.wait_for_selector(".popup-raster tr[data-raster=test_cover][data-ready=true]")
        page.wait_for_selector(".popup-raster tr[data-raster=test_height][data-ready=true]")
        assert page.text_content(".popup-raster tr[data-raster=test_cover] td") == (
            "Test housing" if lang == "en" else "Đất ở thử")
        bad = _in_one_language(page, raster_site["db"], lang, ['#layers fieldset[data-group="rasters"]', ".popup-raster"],
                               responses)
        assert not bad, "\n".join(bad)
        _sign_in(page, raster_site["url"], lang)
        page.check("#basemap-switch input[value=imagery]")
        assert page.is_visible("#imagery-credit")
        bad = _in_one_language(page, raster_site["db"], lang, ["#basemap-switch"], responses)
        assert not bad, "\n".join(bad)
        log.assert_clean()
    finally:
        context.close()


def test_the_vietnamese_page_says_it_in_vietnamese(browser, raster_site):
    """One language: the raster controls of /map?lang=vi carry the vi catalogue's words and data."""
    context, page, log = _page(browser, DESKTOP, lang="vi")
    try:
        # A permalink naming the raster turns it on (the switcher's state includes rasters).
        _open_map(page, raster_site["url"], "vi", raster_site["lon"], raster_site["lat"],
                  layers=["communes", "raster-test_height"])
        row = page.locator(".toggle[data-raster=test_height]")
        assert row.locator("input[data-toggle]").is_checked()
        assert page.evaluate("ntmMap.getLayoutProperty('raster-test_height', 'visibility')") == "visible"
        page.wait_for_selector(".toggle[data-raster=test_height] .raster-legend[data-ready=true]")
        assert row.locator("label").first.text_content().strip() == "Độ cao thử"
        assert row.locator(".raster-opacity label").text_content() == "Độ đậm"
        assert row.locator(".raster-ramp-ends span").all_text_contents() == ["0 m", "1.000 m"]
        assert row.locator(".raster-ramp-bar").get_attribute("aria-label") == "Từ 0 m đến 1.000 m"
        assert page.text_content('#layers fieldset[data-group="rasters"] > legend') == "Lớp ảnh và bản đồ bề mặt"
        log.assert_clean()
    finally:
        context.close()


def test_staff_map_uses_the_deployment_basemap_with_the_imagery_over_it(browser, raster_site):
    """NTM_BASEMAP_STYLE_URL on the staff map, as on /map: the deployment's basemap replaces the
    offline one (its background's colour where nothing else is drawn), imagery still switches on."""
    basemap = "http://127.0.0.1:9/basemap/style.json"  # answered by the browser route below
    context, page, log = _page(browser, DESKTOP)
    page.route(basemap, lambda route: route.fulfill(json={
        "version": 8, "sources": {}, "layers": [{"id": "deployment-bg", "type": "background",
                                                 "paint": {"background-color": "#aaccee"}}]}))
    rs = raster_site["settings"].model_copy(update={"basemap_style_url": basemap})
    lon, lat = raster_site["lon"], raster_site["lat"]
    west = _metres_east(lon, lat, -150)
    try:
        with serve(create_app(rs, url=raster_site["db"])) as url:
            _sign_in(page, url)
            ids = page.evaluate("staffMap.getStyle().layers.map((l) => l.id)")
            assert ids[0] == "deployment-bg" and "land" not in ids and "raster-test_image" in ids
            page.evaluate("([lon, lat]) => staffMap.jumpTo({center: [lon, lat], zoom: 16})", [lon, lat])
            page.check("#basemap-switch input[value=plain]")
            _staff_idle(page)
            assert _near(_colour_at(page, "staffMap", *west), (0xaa, 0xcc, 0xee))
            page.check("#basemap-switch input[value=imagery]")
            _staff_idle(page)
            assert _near(_colour_at(page, "staffMap", *west), WEST)
            log.assert_clean()
    finally:
        context.close()
