"""The web map's drawing as people read it (issue 21): household cells that leave the province
visible, crop colours colour-blind people can tell apart, the boundaries' credit, "my location"
failures and the embed's scroll hint in words of the page's language."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from tests.browser.chromium import ARTIFACTS
from tests.browser.mapping import open_map, settle
from tiles.map_layers import CELL_PX, GRID_PAINT
from tiles.tilesets import GRID_STYLE

PHONE = {"width": 360, "height": 740}


def radius(count: int, stops) -> float:
    """MapLibre's ["interpolate", ["linear"], ["sqrt", count], x0, y0, ...] for these stops."""
    x = math.sqrt(count)
    pairs = list(zip(stops[::2], stops[1::2]))
    if x <= pairs[0][0]:
        return pairs[0][1]
    for (x0, y0), (x1, y1) in itertools.pairwise(pairs):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return pairs[-1][1]


def covered(cells, stops) -> float:
    """Share of the cells' bounding box under at least one circle (rasterised at 1 px)."""
    xs, ys = [c[0] for c in cells], [c[1] for c in cells]
    x0, y0 = min(xs), min(ys)
    w, h = int(max(xs) - x0) + 1, int(max(ys) - y0) + 1
    grid = np.zeros((h, w), bool)
    yy, xx = np.mgrid[0:h, 0:w]
    for x, y, count in cells:
        r = radius(count, stops)
        i0, i1 = max(0, int(y - y0 - r)), min(h, int(y - y0 + r) + 2)
        j0, j1 = max(0, int(x - x0 - r)), min(w, int(x - x0 + r) + 2)
        grid[i0:i1, j0:j1] |= (xx[i0:i1, j0:j1] - (x - x0)) ** 2 + (yy[i0:i1, j0:j1] - (y - y0)) ** 2 <= r * r
    return float(grid.mean())


def test_household_cells_do_not_cover_the_province_at_low_zoom(page, page_log, live_url):
    open_map(page, f"{live_url}/map?lang=vi")  # the whole province in view
    page.get_by_label("Mã địa chỉ hộ gia đình").check()
    settle(page)
    cells = page.evaluate("""() => ntmMap.queryRenderedFeatures({layers: ['households-grid']}).map((f) => {
        const p = ntmMap.project(f.geometry.coordinates); return [p.x, p.y, f.properties.count]; })""")
    assert len(cells) > 50
    # The demo has 5,000 households; a province has ~200,000: the same cells with 40× the counts.
    for scale in (1, 40):
        scaled = [(x, y, c * scale) for x, y, c in cells]
        now = covered(scaled, GRID_PAINT["circle-radius"][3:])
        before = covered(scaled, GRID_STYLE["paint"]["circle-radius"][3:])
        print(f"households ×{scale} at z{page.evaluate('ntmMap.getZoom()'):.1f}: {len(cells)} cells cover {now:.0%} "
              f"of their box (with the tiles' default circles: {before:.0%})")
        assert now < 0.3 and before > 2 * now
    assert GRID_PAINT["circle-radius"][-1] <= CELL_PX / 2 - 1  # the largest circle fits its cell
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map_ux_households_low_zoom.png"))
    page_log.assert_clean()


def test_the_boundaries_are_credited_in_the_page_language(page, page_log, live_url):
    open_map(page, f"{live_url}/map?lang=en")
    credit = page.locator(".maplibregl-ctrl-attrib-inner")
    assert "Administrative boundaries: © 2021 Thang Le Quoc, vietnamese-provinces-database (MIT licence)" in (
        credit.text_content())
    assert page.locator(".maplibregl-ctrl-attrib-button").get_attribute("title") == "Show or hide the data credits"
    page_log.assert_clean()


@pytest.mark.parametrize("page", [PHONE], indirect=True)
def test_my_location_refused_says_so(page, page_log, live_url):
    page.context.clear_permissions()
    page.add_init_script("""navigator.geolocation.getCurrentPosition = (ok, fail) =>
        setTimeout(() => fail({code: 1, message: 'User denied Geolocation', PERMISSION_DENIED: 1}), 10);
      navigator.geolocation.watchPosition = (ok, fail) => {
        setTimeout(() => fail({code: 1, message: 'User denied Geolocation', PERMISSION_DENIED: 1}), 10); return 1; };""")
    open_map(page, f"{live_url}/map?lang=vi")
    page.get_by_role("button", name="Vị trí của tôi").click()
    notice = page.get_by_role("alert")
    notice.wait_for()
    assert "không cho phép dùng vị trí" in notice.inner_text()
    box = notice.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map_ux_locate_refused.png"))
    notice.get_by_role("button", name="Đóng thông báo").click()
    assert not notice.is_visible()
    page_log.assert_clean()


@pytest.mark.parametrize("lang, hint", [("vi", "Giữ Ctrl và cuộn chuột"), ("en", "Use Ctrl + scroll")])
def test_embed_scroll_hint_is_in_the_page_language(page, page_log, live_url, lang, hint):
    open_map(page, f"{live_url}/embed?lang={lang}")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    box = page.locator("#map").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, 200)
    screen = page.locator(".maplibregl-cooperative-gesture-screen")
    assert hint in screen.text_content()
    assert "Use" not in screen.text_content() or lang == "en"
    settle(page)
    page_log.assert_clean()


def test_embed_refusals_speak_the_asked_language(live_url):
    import httpx

    vi = httpx.get(f"{live_url}/embed", params={"kind": "castle", "lang": "vi"}, headers={"Accept": "application/json"})
    assert vi.status_code == 400 and "không có loại hình" in vi.text
    en = httpx.get(f"{live_url}/embed", params={"commune": "99999", "lang": "en"}, headers={"Accept": "application/json"})
    assert en.status_code == 404 and "no current commune has the code 99999" in en.text
