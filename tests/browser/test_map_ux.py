"""The web map as people use it (issue 21): feature information that stays inside the viewport at
1366×768 and on a 360×740 phone, in words of one language, and reachable by keyboard alone."""
from __future__ import annotations

import re

import pytest

from tests.browser.chromium import ARTIFACTS
from tests.browser.mapping import IDLE, jump, one, open_map, pixel, settle

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 360, "height": 740}
BOTH = pytest.mark.parametrize("page", [DESKTOP, PHONE], indirect=True, ids=["desktop", "phone"])
INFO = ".maplibregl-popup, .info-sheet:not([hidden])"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"map_ux_{name}.png"))


def inside_viewport(page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    vw, vh = page.viewport_size["width"], page.viewport_size["height"]
    assert box, f"{selector} is not shown"
    assert box["x"] >= 0 and box["y"] >= 0, box
    assert box["x"] + box["width"] <= vw + 0.5 and box["y"] + box["height"] <= vh + 0.5, (box, vw, vh)
    assert page.evaluate("document.documentElement.scrollWidth") <= vw


def open_at_bottom_right(page, lon: float, lat: float, zoom: float) -> None:
    """Put (lon, lat) near the map's lower right corner (above and left of the scale and the credits,
    which start unfolded) and click it:
    the worst place for a popup."""
    jump(page, lon, lat, zoom)
    box = page.locator("#map").bounding_box()
    page.evaluate("([dx, dy]) => ntmMap.panBy([dx, dy], {duration: 0})",
                  [-(box["width"] / 2 - 140), -(box["height"] / 2 - 100)])
    settle(page)
    x, y = pixel(page, lon, lat)
    page.mouse.click(x, y)
    page.locator(INFO).first.wait_for()


@BOTH
def test_growing_area_information_fits_with_its_link_in_words(page, page_log, live_url, shared_demo):
    gid, code, lon, lat = one(shared_demo, """
        SELECT id, code, ST_X(p), ST_Y(p) FROM (SELECT id, code, ST_PointOnSurface(geom) p, target_markets,
        certification FROM growing_areas WHERE status = 'granted' AND 'domestic' = ANY(target_markets)
        AND certification = 'none' ORDER BY id LIMIT 1) s""")
    commune = one(shared_demo, "SELECT c.name_vi FROM communes c JOIN growing_areas g ON g.commune_code = c.code "
                               "WHERE g.id = %s", (gid,))[0]
    open_map(page, f"{live_url}/map?lang=vi")
    open_at_bottom_right(page, lon, lat, 15)
    inside_viewport(page, INFO)
    link = page.locator(INFO).get_by_role("link", name="Xem trang chi tiết")
    inside_viewport(page, f"{INFO} >> a.popup-link")
    assert link.get_attribute("href").endswith(f"/growing_areas/items/{gid}?f=html&lang=vi")
    text = page.locator(INFO).inner_text()
    shot(page, f"growing_{page.viewport_size['width']}")
    assert code in text and commune in text  # the commune by name, not its code
    assert "Nội địa" in text and "Chưa có" in text  # market and certificate in words
    for raw in ("domestic", "none", "granted", "rice", "orange", "true", "false"):
        assert not re.search(rf"\b{raw}\b", text), raw
    assert re.search(r"\d+,\d+ ha|\d+ ha", text)  # rounded, Vietnamese decimal comma
    assert re.search(r"\b\d{2}/\d{2}/\d{4}\b", text) and not re.search(r"\d{4}-\d{2}-\d{2}", text)
    page_log.assert_clean()


@BOTH
def test_tourism_information_has_its_close_button_on_screen(page, page_log, live_url, shared_demo):
    name, lon, lat = one(shared_demo, "SELECT name_en, ST_X(geom), ST_Y(geom) FROM tourism_places "
                                      "ORDER BY length(coalesce(description_en, '')) DESC LIMIT 1")
    open_map(page, f"{live_url}/map?lang=en")
    open_at_bottom_right(page, lon, lat, 15)
    inside_viewport(page, INFO)
    close = page.locator(".maplibregl-popup-close-button, .info-close").first
    inside_viewport(page, ".maplibregl-popup-close-button, .info-close")
    text = page.locator(INFO).inner_text()
    assert name in text and "Commune" in text
    assert not re.search(r"\b(Có|Không|Loại hình|Xã, phường)\b", text)  # one language (the address is data)
    shot(page, f"tourism_{page.viewport_size['width']}")
    close.click()
    assert page.locator(INFO).count() == 0
    page_log.assert_clean()


def tab_to(page, selector: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} not reached by Tab")


@BOTH
def test_keyboard_opens_a_features_information_and_escape_returns(page, page_log, live_url, shared_demo):
    name, lon, lat = one(shared_demo, "SELECT name_vi, ST_X(geom), ST_Y(geom) FROM tourism_places ORDER BY id LIMIT 1")
    open_map(page, f"{live_url}/map?lang=vi")
    jump(page, lon, lat, 16)
    page.locator("body").click(position={"x": 5, "y": 5})  # start from the page, then keyboard only
    if page.viewport_size["width"] < 641:
        tab_to(page, "#panel-toggle")
        page.keyboard.press("Enter")
    tab_to(page, "#in-view > summary")
    page.keyboard.press("Enter")
    item = page.locator("#in-view-list button", has_text=name).first
    item.wait_for()
    tab_to(page, "#in-view-list button")
    while name not in page.evaluate("document.activeElement.textContent"):
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.locator(INFO).first.wait_for()
    assert name in page.locator(INFO).inner_text()
    assert page.evaluate("(s) => !!document.activeElement.closest(s)", INFO)  # focus went into it
    inside_viewport(page, INFO)
    shot(page, f"keyboard_{page.viewport_size['width']}")
    page.keyboard.press("Escape")
    assert page.locator(INFO).count() == 0
    assert name in page.evaluate("document.activeElement.textContent")  # back where it opened from
    page_log.assert_clean()


def test_ntm_view_says_its_year_shows_wards_and_names_the_commune(page, page_log, live_url, shared_demo):
    year = one(shared_demo, "SELECT max(year) FROM ntm_results")[0]
    name, lon, lat = one(shared_demo, "SELECT name_vi, ST_X(p), ST_Y(p) FROM (SELECT name_vi, "
                                      "ST_PointOnSurface(geom) p FROM ntm_results ORDER BY commune_code LIMIT 1) s")
    ward = one(shared_demo, "SELECT name_vi FROM communes WHERE kind = 'Phường' ORDER BY code LIMIT 1")[0]
    page.set_viewport_size(DESKTOP)
    open_map(page, f"{live_url}/map?lang=vi")
    panel = page.locator("#layers").inner_text()
    assert f"Kết quả đánh giá năm {year}" in panel
    assert "Phường, đặc khu (ngoài chương trình)" in panel
    wards = page.evaluate("ntmMap.queryRenderedFeatures({layers: ['ntm_level-wards']}).map(f => f.properties.name_vi)")
    assert ward in wards
    jump(page, lon, lat, 11)
    x, y = pixel(page, lon, lat)
    page.mouse.click(x, y)
    popup = page.locator(".maplibregl-popup")
    popup.wait_for()
    assert name in popup.locator("h3").inner_text()  # heading: the commune, not the layer
    assert re.search(r"\d+/\d+ tiêu chí", popup.inner_text())
    inside_viewport(page, ".maplibregl-popup")
    shot(page, "ntm_popup")
    wlon, wlat = one(shared_demo, "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM communes "
                                  "WHERE name_vi = %s) s", (ward,))
    jump(page, wlon, wlat, 12)
    x, y = pixel(page, wlon, wlat)
    page.mouse.click(x, y)
    page.wait_for_function("(w) => document.querySelector('.maplibregl-popup h3')?.textContent.includes(w)", arg=ward)
    assert "không thuộc chương trình nông thôn mới" in page.locator(".maplibregl-popup").inner_text()
    page_log.assert_clean()


@pytest.mark.parametrize("page", [DESKTOP], indirect=True)
def test_information_near_the_top_left_corner_opens_inside(page, page_log, live_url, shared_demo):
    gid, lon, lat = one(shared_demo, "SELECT id, ST_X(p), ST_Y(p) FROM (SELECT id, ST_PointOnSurface(geom) p "
                                     "FROM growing_areas WHERE status = 'granted' ORDER BY id DESC LIMIT 1) s")
    open_map(page, f"{live_url}/map?lang=en")
    jump(page, lon, lat, 15)
    box = page.locator("#map").bounding_box()
    page.evaluate("([dx, dy]) => ntmMap.panBy([dx, dy], {duration: 0})",
                  [box["width"] / 2 - 40, box["height"] / 2 - 40])
    settle(page)
    x, y = pixel(page, lon, lat)
    page.mouse.click(x, y)
    page.locator(".maplibregl-popup").wait_for()
    inside_viewport(page, ".maplibregl-popup")
    inside_viewport(page, ".maplibregl-popup a.popup-link")
    assert page.locator(".maplibregl-popup a.popup-link").get_attribute("href").endswith(
        f"/growing_areas/items/{gid}?f=html&lang=en")
    shot(page, "top_left_1366")
    page_log.assert_clean()
