"""The trace page in Chromium, as a buyer meets it: a phone (360 px) and a desktop (1366 px), in
Vietnamese and English; both source areas' codes in the list and on the map, the warning about the
revoked one, nothing wider than the screen, and no request but the page itself."""
from __future__ import annotations

import psycopg
import pytest

from tests.api.trace_helpers import DL_PATH, make_lots

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 768}
WORDS = {"vi": ("Cảnh báo về vùng trồng", "Đã thu hồi", "Lúc thu hoạch"),
         "en": ("Warning about where this was grown", "Revoked", "At harvest")}


@pytest.fixture
def revoked(demo_db, writable_live_url):
    lots = make_lots(demo_db)
    with psycopg.connect(demo_db) as conn:
        conn.execute("SET ntm.actor = 'test:raw'")
        conn.execute("UPDATE growing_areas SET status = 'revoked' WHERE id = %s", (lots["areas"][0],))
    return {**lots, "base": writable_live_url}


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("page", [PHONE, DESKTOP], indirect=True, ids=["phone", "desktop"])
def test_the_trace_page_shows_both_areas_and_the_warning(page, page_log, revoked, lang):
    viewport = page.viewport_size
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{revoked['base']}{DL_PATH}?lang={lang}")
    warning, revoked_word, then_word = WORDS[lang]
    alert = page.get_by_role("alert")
    assert alert.is_visible() and warning in alert.inner_text()
    assert revoked["codes"][0] in alert.inner_text() and revoked_word in alert.inner_text()
    items = page.locator(".area-list li")
    assert items.count() == 2
    for code in revoked["codes"]:
        assert page.locator(".area-list .code", has_text=code).is_visible()
        assert page.locator("svg.trace-map text", has_text=code).count() == 1
    assert then_word in items.first.inner_text()
    svg = page.locator("svg.trace-map").bounding_box()
    assert svg["width"] >= min(300, viewport["width"] - 40) and svg["x"] >= 0
    assert svg["x"] + svg["width"] <= viewport["width"]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"the page is {width} px wide on a {viewport['width']} px screen"
    # One response, nothing else to fetch: no script, no stylesheet, no font, no icon.
    assert requests == [f"{revoked['base']}{DL_PATH}?lang={lang}"]
    size = page.evaluate("performance.getEntriesByType('navigation')[0].decodedBodySize")
    assert size < 16_000, size
    page.screenshot(path=f"/tmp/trace-{lang}-{viewport['width']}.png", full_page=True)
    page_log.assert_clean()


@pytest.mark.parametrize("page", [PHONE], indirect=True, ids=["phone"])
def test_a_recalled_lot_fills_the_top_of_a_phone(page, page_log, revoked):
    with psycopg.connect(revoked["url"]) as conn:
        conn.execute("SET ntm.actor = 'test:raw'")
        conn.execute("UPDATE harvest_lots SET status = 'recalled', recalled_at = now(), recall_reason = %s "
                     "WHERE id = %s", ("Dư lượng thuốc bảo vệ thực vật vượt ngưỡng cho phép", revoked["gs1"]))
    page.goto(f"{revoked['base']}/l/{revoked['gs1']}?lang=vi")  # the short URL leads to the Digital Link
    assert page.url.endswith(DL_PATH + "?lang=vi")
    banner = page.locator("#recall")
    box = banner.bounding_box()
    assert box["y"] == 0 and box["width"] == PHONE["width"]
    big = page.locator("#recall .big")
    assert big.inner_text() == "LÔ HÀNG NÀY ĐÃ BỊ THU HỒI"
    size = float(big.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px"))
    assert size >= 32  # twice the body text
    assert "vượt ngưỡng cho phép" in banner.inner_text()
    page.screenshot(path="/tmp/trace-recalled-360.png", full_page=True)
    page_log.assert_clean()
