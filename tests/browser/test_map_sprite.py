"""A plain MapLibre map given nothing but /styles/map/style.json finds every icon the style names
(issue 12, item 6): the icons come from the style's sprite, not from our page's JavaScript, so
any MapLibre client gets them. Without a sprite, MapLibre fires `styleimagemissing` for each."""
from __future__ import annotations

import pytest

from tests.browser.chromium import ARTIFACTS, PageLog, block_outside, wait_without_eval
from tiles.map_vocabulary import PLACE_KINDS

PLAIN = """<!doctype html>
<html><head><meta charset="utf-8"><title>plain MapLibre</title>
<script src="/static/vendor/maplibre-gl/maplibre-gl.js"></script></head>
<body style="margin:0"><div id="map" style="width:1000px;height:700px"></div>
<script>
  window.missing = [];
  window.plainMap = new maplibregl.Map({container: "map", style: "/styles/map/style.json"});
  plainMap.on("styleimagemissing", (e) => window.missing.push(e.id));
  plainMap.on("error", (e) => console.error("map:", e.error ? e.error.message : e));
</script></body></html>"""
# Tiles holding tourism places have arrived (whether or not their icons could be drawn).
LOADED = """() => plainMap.loaded() && plainMap.areTilesLoaded()
    && plainMap.querySourceFeatures('ntm', {sourceLayer: 'tourism_places'}).length > 0"""


@pytest.mark.parametrize("scale", [1, 2])
def test_plain_maplibre_with_only_the_served_style_misses_no_image(browser, live_url, scale):
    log = PageLog()
    context = browser.new_context(viewport={"width": 1000, "height": 700}, device_scale_factor=scale,
                                  service_workers="block")
    context.route("**/*", block_outside(log))
    try:
        page = context.new_page()
        wait_without_eval(page, 30000)
        log.attach(page)
        url = f"{live_url}/plain-maplibre.html"  # answered by the browser: no ntm-map page script
        page.route(url, lambda route: route.fulfill(body=PLAIN, content_type="text/html"))
        page.goto(url)
        page.wait_for_function(LOADED, timeout=60000)
        page.evaluate("() => new Promise((done) => { plainMap.once('idle', done); plainMap.triggerRepaint(); })")
        assert page.evaluate("window.missing") == []
        kinds = set(page.evaluate(
            "plainMap.queryRenderedFeatures({layers: ['tourism_places-icon']}).map((f) => f.properties.kind)"))
        assert len(kinds) >= 3, kinds
        assert page.evaluate("(ids) => ids.every((id) => plainMap.hasImage(id))",
                             [f"tourism-{k}" for k in PLACE_KINDS])
        suffix = "" if scale == 1 else "@2x"
        for ext in ("json", "png"):
            assert log.matching(rf"/styles/map/sprite{suffix}\.{ext}$") == [
                (f"{live_url}/styles/map/sprite{suffix}.{ext}", 200)], ext
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"plain_maplibre_sprite_x{scale}.png"))
        log.assert_clean()
    finally:
        context.close()
