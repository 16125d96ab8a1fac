"""A raster collection's page in Chromium (issue 13): the legend's words in Vietnamese and
English, the picture's pixel at a known place coloured as the legend says (the raster is made
here: class 1 in its west half, class 2 in its east), and no sideways scrolling at 360 px.
Screenshots at 360 and 1366 px go to tests/artifacts/raster_page_*.png."""
from __future__ import annotations

import io
import math

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
from tests.browser.chromium import ARTIFACTS, PageLog, block_outside
from tests.support import serve

UTM = "EPSG:32648"
LEFT, TOP, PIXEL, SIDE = 580_000.0, 2_342_000.0, 20.0, 200  # 4 km square in northern Viet Nam
COVER = {"classes": [{"value": 1, "colour": "#1a9641", "label_vi": "Lúa nước thử", "label_en": "Test paddy"},
                     {"value": 2, "colour": "#d7191c", "label_vi": "Đất ở thử", "label_en": "Test housing"}]}
HEIGHT = {"stops": [[0, "#2b83ba"], [500, "#ffffbf"], [1000, "#d7191c"]]}
BACKGROUND = (0xee, 0xf1, 0xec)  # .picture's background, seen through the 80% opaque tiles
TOLERANCE = 18
VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1366, "height": 768}}


@pytest.fixture(scope="module")
def site(settings, databases, schema_template, tmp_path_factory):
    db = databases.create(template=schema_template)
    tmp = tmp_path_factory.mktemp("raster-page")
    rs = settings.model_copy(update={"raster_dir": tmp / "store"})
    cover = np.ones((SIDE, SIDE), np.uint8)
    cover[:, SIDE // 2:] = 2
    with rasterio.open(tmp / "cover.tif", "w", driver="GTiff", width=SIDE, height=SIDE, count=1, dtype="uint8",
                       crs=UTM, transform=from_origin(LEFT, TOP, PIXEL, PIXEL)) as dst:
        dst.write(cover[np.newaxis])
    height = np.tile(np.linspace(0, 1000, SIDE, dtype=np.float32), (SIDE, 1))
    with rasterio.open(tmp / "height.tif", "w", driver="GTiff", width=SIDE, height=SIDE, count=1, dtype="float32",
                       crs=UTM, transform=from_origin(LEFT, TOP, PIXEL, PIXEL)) as dst:
        dst.write(height[np.newaxis])
    with connection(db) as conn:
        conn.execute(sa.text(r"DELETE FROM rasters"))
        add_raster(conn, rs, "test_height", tmp / "height.tif", kind="continuous", title_vi="Độ cao thử",
                   title_en="Test height", legend=HEIGHT, units="m", synthetic=True)
        add_raster(conn, rs, "test_cover", tmp / "cover.tif", kind="categorical", title_vi="Lớp phủ thử",
                   title_en="Test land cover", legend=COVER, synthetic=True)
    with serve(create_app(rs, url=db)) as url:
        yield url


def _open(browser, url, viewport, lang):
    context = browser.new_context(viewport=viewport, locale="vi-VN" if lang == "vi" else "en-GB")
    log = PageLog()
    context.route("**/*", block_outside(log))
    page = context.new_page()
    log.attach(page)
    page.goto(f"{url}/collections/test_cover?f=html&lang={lang}")
    page.wait_for_function("() => [...document.querySelectorAll('#raster-picture img')]"
                           ".every((i) => i.complete && i.naturalWidth > 0)")
    return context, page, log


def _place(page, lon, lat):
    """Where lon/lat falls on the page, from the picture's tile addresses and its drawn size."""
    page.eval_on_selector("#raster-picture", "(e) => e.scrollIntoView({block: 'center'})")
    srcs = page.eval_on_selector_all("#raster-picture img", "(ims) => ims.map((i) => i.getAttribute('src'))")
    box = page.eval_on_selector("#raster-picture", "(e) => { const b = e.getBoundingClientRect(); "
                                "return [b.left, b.top, b.width, b.height]; }")
    addresses = [tuple(int(v) for v in s.split("?")[0].rsplit("/", 3)[1:]) for s in srcs]
    z = addresses[0][0]
    x0, y0 = min(a[1] for a in addresses), min(a[2] for a in addresses)
    cols, rows = len({a[1] for a in addresses}), len({a[2] for a in addresses})
    n = 2 ** z
    fx = (lon + 180) / 360 * n
    fy = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return box[0] + (fx - x0) / cols * box[2], box[1] + (fy - y0) / rows * box[3]


def _colour(page, x, y):
    png = page.screenshot(clip={"x": x - 2, "y": y - 2, "width": 5, "height": 5})
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float).reshape(-1, 3)
    return tuple(int(round(v)) for v in pixels.mean(axis=0))


def _seen(hex_colour):
    rgb = [int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]
    return tuple(round(0.8 * c + 0.2 * b) for c, b in zip(rgb, BACKGROUND))


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_page_shows_the_legend_and_the_pixels_it_names(browser, site, viewport, lang):
    context, page, log = _open(browser, site, VIEWPORTS[viewport], lang)
    try:
        legend = page.inner_text("ul.legend")
        words = ("Lúa nước thử", "Đất ở thử") if lang == "vi" else ("Test paddy", "Test housing")
        assert all(w in legend for w in words), legend
        assert page.inner_text("h1") == ("Lớp phủ thử" if lang == "vi" else "Test land cover")
        xs, ys = warp_points(UTM, "EPSG:4326", [LEFT + SIDE * PIXEL * 0.25, LEFT + SIDE * PIXEL * 0.75],
                             [TOP - SIDE * PIXEL / 2] * 2)
        for lon, lat, klass in zip(xs, ys, COVER["classes"]):
            x, y = _place(page, lon, lat)
            page.mouse.move(0, 0)
            seen, expected = _colour(page, x, y), _seen(klass["colour"])
            assert all(abs(a - b) <= TOLERANCE for a, b in zip(seen, expected)), (klass["label_en"], seen, expected)
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.tagName") == "A"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"raster_page_{viewport}_{lang}.png"), full_page=True)
        log.assert_clean()
    finally:
        context.close()


def test_the_tilesets_page_fits_a_phone(browser, site):
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="vi-VN")
    log = PageLog()
    context.route("**/*", block_outside(log))
    page = context.new_page()
    log.attach(page)
    try:
        page.goto(f"{site}/collections/test_cover/map/tiles?f=html&lang=vi")
        assert "Bộ ô ảnh của Lớp phủ thử" in page.inner_text("h1")
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path=str(ARTIFACTS / "raster_page_tilesets_phone_vi.png"), full_page=True)
        log.assert_clean()
    finally:
        context.close()


@pytest.mark.parametrize(("lang", "words"), [("vi", "Thang màu từ 0 đến 1.000"), ("en", "Colour ramp from 0 to 1,000")])
def test_a_continuous_raster_shows_its_ramp(browser, site, lang, words):
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="en-GB")
    log = PageLog()
    context.route("**/*", block_outside(log))
    page = context.new_page()
    log.attach(page)
    try:
        page.goto(f"{site}/collections/test_height?f=html&lang={lang}")
        assert page.get_attribute(".ramp", "aria-label") == words and f"{words} m" in page.inner_text("main")
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path=str(ARTIFACTS / f"raster_page_ramp_phone_{lang}.png"), full_page=True)
        log.assert_clean()
    finally:
        context.close()
