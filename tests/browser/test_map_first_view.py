"""The map's first view over a slow connection (issue 21's 3G budget, bench/map_3g.py): the page
head asks for the first view's tiles, sprite and commune names while MapLibre loads
(api/static/map/warm.js), and MapLibre then reads them from the HTTP cache; the village names
(a large file, shown from z13) wait until the first view is drawn.

Throttled to Fast 3G as the benchmark is, so MapLibre arrives after the warm-up as on a phone.
"""
from __future__ import annotations

import re
import time

import pytest

from tests.browser.chromium import PageLog, wait_without_eval
from tests.browser.mapping import IDLE, jump, one, open_map, pixel, rendered

TILE = r"/tiles/WebMercatorQuad/\d+/\d+/\d+(\?collections=[a-z_,]+)?$"
VILLAGES_LOADED = """(() => {
  const data = ntmMap.getSource('labels-villages').serialize().data;
  return typeof data === 'string' || data.features.length > 0;
})()"""
SHOWN = "provinces,communes,villages,ntm_results,growing_areas,tourism_places,tourism_routes"
FIRST_VIEW_AT = "performance.timeOrigin + performance.getEntriesByName('ntm:first-view')[0].startTime"
FAST_3G = {"offline": False, "latency": 562.5, "downloadThroughput": 180000, "uploadThroughput": 84375}


def first_view(browser, url: str, viewport: dict) -> list:
    """Every request finished until the map is idle: a first visit throttled to Fast 3G, in a
    context without request routing (routing turns Chromium's HTTP cache off)."""
    context = browser.new_context(viewport=viewport, device_scale_factor=2, locale="vi-VN",
                                  service_workers="block")
    try:
        page = context.new_page()
        wait_without_eval(page, 90000)
        log = PageLog()
        log.attach(page)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", FAST_3G)
        finished: list = []
        context.on("requestfinished", lambda r: finished.append((r.url, r.sizes()["responseBodySize"])))
        page.goto(url, wait_until="commit")
        page.wait_for_function(IDLE, timeout=90000)
        done = list(finished)
        log.assert_clean()
        return done
    finally:
        context.close()


def downloads(requests: list, pattern: str) -> dict[str, list[int]]:
    """URL → body bytes of each request for it (0 or less: answered by the HTTP cache)."""
    out: dict[str, list[int]] = {}
    for url, size in requests:
        if re.search(pattern, url):
            out.setdefault(url, []).append(size)
    return out


@pytest.mark.parametrize("viewport", [{"width": 360, "height": 740}, {"width": 1280, "height": 800}])
def test_first_view_is_asked_for_once_ahead_of_maplibre(browser, live_url, viewport):
    requests = first_view(browser, f"{live_url}/map?lang=vi", viewport)
    tiles = downloads(requests, TILE)
    # The warm-up guessed the map's tiles exactly: each asked for twice (the warm-up, then the
    # map), downloaded once; none downloaded for nothing.
    assert tiles and all(len(sizes) == 2 for sizes in tiles.values()), tiles
    assert all(sorted(sizes)[0] <= 0 < sorted(sizes)[1] for sizes in tiles.values()), tiles
    # Only the layers shown: the hidden ones (households, cooperatives…) are not downloaded.
    assert {re.search(r"collections=([a-z_,]+)", url).group(1) for url in tiles} == {SHOWN}, tiles
    for pattern in (r"/styles/map/sprite@2x\.(json|png)$", r"/styles/map/labels/communes\.geojson$"):
        found = downloads(requests, pattern)
        assert found and all(sum(s > 0 for s in sizes) == 1 for sizes in found.values()), (pattern, found)
    # The style was preloaded once and read once (warm.js hands it to main.js).
    assert len(downloads(requests, r"/styles/map/style\.json")[f"{live_url}/styles/map/style.json?lang=vi"]) == 1


def test_a_hidden_layer_switched_on_is_fetched_then_and_drawn(page, page_log, live_url):
    page.goto(f"{live_url}/map?lang=en")
    page.wait_for_function(IDLE, timeout=60000)
    assert not [url for url, _ in page_log.responses if "cooperatives" in url]
    with page.expect_response(lambda r: re.search(TILE, r.url) and "cooperatives" in r.url):
        page.get_by_label("Cooperatives").check()
    page.wait_for_function("ntmMap.queryRenderedFeatures({layers: ['cooperatives-circle']}).length > 0", timeout=60000)
    later = [url for url, status in page_log.responses if re.search(TILE, url) and "cooperatives" in url]
    assert later and all("tourism_places" not in url for url in later), later
    assert rendered(page, "cooperatives-circle")
    page_log.assert_clean()


def test_a_popup_at_a_province_zoom_shows_the_details_its_tile_leaves_out(page, page_log, live_url, shared_demo):
    """Below the detail zoom a tile holds a place's name and kind only; its popup asks the item."""
    pid, name, address, lon, lat = one(shared_demo, "SELECT id, name_vi, address, ST_X(geom), ST_Y(geom) FROM "
                                                    "tourism_places WHERE kind = 'historic_site' ORDER BY id LIMIT 1")
    items: list[str] = []
    page.on("request", lambda r: items.append(r.url) if "/items/" in r.url else None)
    open_map(page, f"{live_url}/map?lang=vi")
    jump(page, lon, lat, 9)
    page.mouse.click(*pixel(page, lon, lat))
    popup = page.locator(".maplibregl-popup")
    popup.wait_for()
    text = popup.inner_text()
    assert name in text and "Địa chỉ" in text and address in text and "Di tích" in text, text
    assert any(f"/collections/tourism_places/items/{pid}?f=json" in url for url in items), items
    page_log.assert_clean()


def test_village_names_come_after_the_first_view_and_still_show(page, page_log, live_url, shared_demo):
    asked: list[float] = []  # wall-clock ms of each request for the village names (MapLibre's worker)
    page.on("request", lambda r: asked.append(time.time() * 1000) if "/labels/villages" in r.url else None)
    page.goto(f"{live_url}/map?lang=vi")
    page.wait_for_function(IDLE, timeout=60000)
    # Not part of the first view's style: the source started empty and was asked for its URL
    # once the first view was drawn (MapLibre keeps the URL or, once read, the features).
    page.wait_for_function(VILLAGES_LOADED)
    # Both clocks are this machine's; the request is seen here after the browser sent it.
    assert asked and min(asked) >= page.evaluate(FIRST_VIEW_AT), asked
    lon, lat = page.evaluate("(() => { const c = ntmMap.getCenter(); return [c.lng, c.lat]; })()")
    jump(page, lon, lat, 14)
    assert rendered(page, "villages-label")
    page_log.assert_clean()
