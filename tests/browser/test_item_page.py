"""A feature's shareable page shows the feature on a small map and leads back to the web map; item
pages and HTML item tables read as words in one language and fit a phone and a desktop."""
from __future__ import annotations

import re

import pytest

from tests.browser.mapping import IDLE, one, open_map, rendered
from tiles.map_vocabulary import PLACE_KINDS

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 768}


def test_item_page_maps_the_feature_and_links_to_the_web_map(page, page_log, live_url, shared_demo):
    fid, code = one(shared_demo, "SELECT id, code FROM growing_areas WHERE status = 'granted' ORDER BY id LIMIT 1")
    open_map(page, f"{live_url}/collections/growing_areas/items/{fid}?f=html&lang=en")
    assert code in page.locator("table").inner_text()
    assert rendered(page, "item-fill") and rendered(page, "growing_crop-fill")
    assert not rendered(page, "ntm_level-fill")  # other themes stay out of the way
    link = page.get_by_role("link", name="Open on the web map")
    assert "layers=communes,villages,growing_crop" in link.get_attribute("href")
    link.click()
    page.wait_for_function(IDLE)
    assert page.get_by_label("By crop").is_checked() and not page.get_by_label("By level").is_checked()
    assert page.evaluate("ntmMap.getZoom()") > 12
    page_log.assert_clean()


def test_tourism_place_page_shows_its_photos(page, page_log, live_url, shared_demo):
    fid, kind = one(shared_demo, "SELECT id, kind FROM tourism_places WHERE jsonb_array_length(photos) > 0 "
                                 "ORDER BY id LIMIT 1")
    open_map(page, f"{live_url}/collections/tourism_places/items/{fid}?f=html&lang=vi")
    assert PLACE_KINDS[kind][0] in page.locator("table").inner_text()  # the kind in words, not its code
    img = page.locator(".photos img").first
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=img.element_handle())
    assert "/static/tourism/photos/" in img.get_attribute("src")
    page_log.assert_clean()


def fits(page, viewport) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"the page is {width} px wide on a {viewport['width']} px screen"


def visible_text(page) -> str:
    return page.locator("main").inner_text()


@pytest.mark.parametrize("page", [PHONE, DESKTOP], indirect=True, ids=["phone", "desktop"])
def test_item_page_reads_as_words_in_one_language(page, page_log, live_url, shared_demo):
    viewport = page.viewport_size
    fid, name, commune, area, start = one(shared_demo, """
        SELECT g.id, g.name, c.full_name_vi, g.area_ha, g.valid_from FROM growing_areas g
        JOIN communes c ON c.code = g.commune_code
        WHERE g.status = 'granted' AND 'domestic' = ANY(g.target_markets) ORDER BY g.id LIMIT 1""")
    open_map(page, f"{live_url}/collections/growing_areas/items/{fid}?f=html&lang=vi")
    fits(page, viewport)
    assert page.locator("h1").inner_text() == name  # its name, not "· 100"
    text = visible_text(page)
    assert "Đã cấp mã" in text and "Nội địa" in text and commune in text
    assert f"{start.day:02d}/{start.month:02d}/{start.year}" in text  # dates as people write them
    assert re.search(r"\d+(,\d{1,2})? ha", text) and str(area) not in text  # rounded, with a Vietnamese comma
    for code in ("granted", "domestic", "MultiPolygon", "Polygon", "Hình học", "alternate", "application/"):
        assert code not in text, code
    page_log.assert_clean()


@pytest.mark.parametrize("page", [PHONE, DESKTOP], indirect=True, ids=["phone", "desktop"])
def test_item_table_fits_and_names_instead_of_codes(page, page_log, live_url):
    viewport = page.viewport_size
    page.goto(f"{live_url}/collections/growing_areas/items?f=html&lang=en&limit=20")
    fits(page, viewport)
    wrap = page.locator(".table-wrap")
    box = wrap.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]  # the table scrolls inside, not the page
    text = visible_text(page)
    assert "Granted" in text and ("Passion fruit" in text or "Orange" in text)
    assert not re.search(r"\b(granted|passion_fruit|domestic|none)\b", text)
    assert not re.search(r"\b\d{5}\b", page.locator("td[data-label='Commune']").first.inner_text())
    assert "Yes" in text and "Có" not in text  # one language
    if viewport["width"] < 500:  # cards: each value beside its title
        first = page.locator("table.items tbody tr").first
        assert first.bounding_box()["width"] <= viewport["width"]
        label = page.evaluate("getComputedStyle(document.querySelector('td[data-label]'), '::before').content")
        assert label.strip('"') == "Growing-area code"
    page_log.assert_clean()
