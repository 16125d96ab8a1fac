"""The public web map in Debian's Chromium, with every request outside 127.0.0.1 blocked."""
from __future__ import annotations

import re

import pytest

from tests.browser.chromium import ARTIFACTS
from tests.browser.mapping import IDLE, jump, one, open_map, pixel, rendered, settle

TILE = r"/tiles/WebMercatorQuad/\d+/\d+/\d+"


def test_map_reaches_idle_offline_with_style_and_tiles_answered(page, page_log, live_url):
    open_map(page, f"{live_url}/map?lang=vi")
    styles = page_log.matching(r"/styles/map/style\.json")
    tiles = page_log.matching(TILE)
    assert styles and all(status == 200 for _, status in styles)
    assert len(tiles) >= 4 and all(status == 200 for _, status in tiles)
    assert page_log.matching(r"/static/vendor/maplibre-gl/maplibre-gl\.js$") == [
        (f"{live_url}/static/vendor/maplibre-gl/maplibre-gl.js", 200)]
    assert all(url.startswith(live_url) for url, _ in page_log.responses)
    page_log.assert_clean()  # includes: nothing tried to reach outside 127.0.0.1
    # The NTM choropleth is drawn, with commune names, over the whole demo province.
    levels = {f["level"] for f in rendered(page, "ntm_level-fill")}
    assert levels and levels <= {"model", "advanced", "standard", "not_met"}
    assert rendered(page, "communes-label")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map_ntm_choropleth.png"))


def test_toggling_layers_changes_what_is_rendered(page, page_log, live_url):
    open_map(page, f"{live_url}/map?lang=en")
    assert rendered(page, "ntm_level-fill") and not rendered(page, "ntm_criteria-fill")
    page.get_by_label("By criteria met").check()  # the two NTM views show one at a time
    settle(page)
    assert not rendered(page, "ntm_level-fill")
    met = [f["criteria_met"] for f in rendered(page, "ntm_criteria-fill")]
    assert met and all(isinstance(m, int) for m in met)
    assert not page.get_by_label("By level").is_checked()
    page.get_by_label("By criteria met").uncheck()
    settle(page)
    assert not rendered(page, "ntm_criteria-fill")
    assert "layers=" in page.url and "ntm_criteria" not in page.url.split("layers=")[1]
    page_log.assert_clean()


def test_search_finds_a_commune_without_diacritics_and_flies_there(page, page_log, live_url, shared_demo):
    lon, lat = one(shared_demo, "SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_PointOnSurface(geom) c FROM communes "
                                "WHERE name_vi = 'Yên Thành') s")
    open_map(page, f"{live_url}/map?lang=vi")
    before = page.evaluate("ntmMap.getZoom()")
    box = page.get_by_role("searchbox")
    box.fill("yen thanh")
    page.get_by_role("option").filter(has_text="Xã Yên Thành").first.wait_for()
    box.press("ArrowDown")  # by keyboard: the first result is the exact match
    assert "Xã Yên Thành" in page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    page.wait_for_function("!ntmMap.isMoving()")
    settle(page)
    zoom, (clon, clat) = page.evaluate("[ntmMap.getZoom(), ntmMap.getCenter().toArray()]")
    assert zoom > before + 1
    assert ntm_bounds_contain(page, lon, lat)
    assert abs(clon - lon) < 0.15 and abs(clat - lat) < 0.15
    names = {f.get("name_vi") for f in rendered(page, "communes-label")}
    assert "Yên Thành" in names
    page_log.assert_clean()


def ntm_bounds_contain(page, lon: float, lat: float) -> bool:
    return page.evaluate("([lon, lat]) => ntmMap.getBounds().contains([lon, lat])", [lon, lat])


def test_popup_shows_a_known_place_with_labels_and_its_page(page, page_log, live_url, shared_demo):
    pid, name, kind, lon, lat = one(shared_demo, "SELECT id, name_vi, kind, ST_X(geom), ST_Y(geom) "
                                                 "FROM tourism_places WHERE kind = 'historic_site' ORDER BY id LIMIT 1")
    open_map(page, f"{live_url}/map?lang=vi")
    jump(page, lon, lat, 15)
    x, y = pixel(page, lon, lat)
    page.mouse.click(x, y)
    popup = page.locator(".maplibregl-popup")
    popup.wait_for()
    text = popup.inner_text()
    assert name in text and "Loại hình" in text and "Di tích" in text  # title and value in Vietnamese
    link = popup.get_by_role("link")
    assert link.get_attribute("href").endswith(f"/collections/tourism_places/items/{pid}?f=html&lang=vi")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map_popup.png"))
    link.click()
    page.wait_for_function(IDLE)  # the place's own page, with its small map
    assert name in page.locator("body").inner_text()
    page_log.assert_clean()


def test_language_switch_changes_interface_and_map_labels(page, page_log, live_url):
    open_map(page, f"{live_url}/map?lang=vi")
    panel = page.locator("#layers")
    assert "Kết quả nông thôn mới" in panel.inner_text()
    assert page.get_by_role("searchbox").get_attribute("placeholder").startswith("Tìm")
    zoom = page.evaluate("ntmMap.getZoom()")
    page.get_by_role("button", name="EN").click()  # the page again in English, at the same view
    page.wait_for_url("**lang=en**")
    page.wait_for_function(IDLE, timeout=60000)
    panel = page.locator("#layers")
    assert "NTM results" in panel.inner_text() and "Kết quả" not in panel.inner_text()
    assert page.get_by_role("searchbox").get_attribute("placeholder").startswith("Find")
    assert page.locator("html").get_attribute("lang") == "en"
    assert abs(page.evaluate("ntmMap.getZoom()") - zoom) < 0.05
    field = page.evaluate("ntmMap.getLayoutProperty('communes-label', 'text-field')")
    assert "name_en" in str(field).split("name_vi")[0]  # English first, Vietnamese as fallback
    assert page.locator(".maplibregl-ctrl-zoom-in").get_attribute("title") == "Zoom in"
    page.get_by_role("button", name="VI").click()
    page.wait_for_url("**lang=vi**")
    page.wait_for_function(IDLE, timeout=60000)
    assert page.locator(".maplibregl-ctrl-zoom-in").get_attribute("title") == "Phóng to"
    assert "Kết quả nông thôn mới" in page.locator("#layers").inner_text()
    page_log.assert_clean()


def test_permalink_restores_view_layers_and_language(page, page_log, live_url, shared_demo):
    lon, lat = one(shared_demo, "SELECT ST_X(geom), ST_Y(geom) FROM households ORDER BY id LIMIT 1")
    open_map(page, f"{live_url}/map#map=15.00/{lat:.5f}/{lon:.5f}&layers=households,communes&lang=en")
    assert abs(page.evaluate("ntmMap.getZoom()") - 15) < 0.01
    assert page.get_by_label("Household address codes").is_checked()
    assert not page.get_by_label("By level").is_checked()
    assert "NTM results" in page.locator("#panel").inner_text()
    points = rendered(page, "households-point")
    assert points and all(set(p) == {"address_code", "plus_code", "commune_code", "village_id", "_id"} for p in points)
    assert not rendered(page, "ntm_level-fill")
    page_log.assert_clean()


@pytest.mark.parametrize("page", [{"width": 360, "height": 740}], indirect=True)
def test_usable_on_a_360px_phone(page, page_log, live_url):
    open_map(page, f"{live_url}/map?lang=vi")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing sticks out sideways
    body = page.locator("#panel-body")
    assert not body.is_visible()  # the panel starts folded away, the map gets the screen
    canvas = page.locator("canvas.maplibregl-canvas").bounding_box()
    assert canvas["width"] >= 340 and canvas["height"] >= 500
    toggle = page.get_by_role("button", name=re.compile("Lớp bản đồ"))
    toggle.click()
    assert body.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    page.get_by_label("Theo số tiêu chí đạt").check()
    settle(page)
    assert rendered(page, "ntm_criteria-fill")
    toggle.click()
    assert not body.is_visible()
    page_log.assert_clean()


def test_an_external_basemap_replaces_the_offline_one_under_the_themes(page, page_log, settings, shared_demo):
    from api.app import create_app
    from tests.support import serve

    basemap = "http://127.0.0.1:9/basemap/style.json"  # answered by the browser route below
    page.route(basemap, lambda route: route.fulfill(json={
        "version": 8, "sources": {}, "layers": [{"id": "deployment-bg", "type": "background",
                                                 "paint": {"background-color": "#aaccee"}}]}))
    with serve(create_app(settings.model_copy(update={"basemap_style_url": basemap}), url=shared_demo)) as url:
        open_map(page, f"{url}/map?lang=en")
        ids = page.evaluate("ntmMap.getStyle().layers.map((l) => l.id)")
        assert ids[0] == "deployment-bg" and "land" not in ids and "communes-label" not in ids
        assert rendered(page, "ntm_level-fill")
        page_log.assert_clean()
