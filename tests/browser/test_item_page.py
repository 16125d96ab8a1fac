"""A feature's shareable page shows the feature on a small map and leads back to the web map."""
from __future__ import annotations

from tests.browser.mapping import IDLE, one, open_map, rendered
from tiles.map_vocabulary import PLACE_KINDS


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
    img = page.locator("table img").first
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=img.element_handle())
    assert "/static/tourism/photos/" in img.get_attribute("src")
    page_log.assert_clean()
