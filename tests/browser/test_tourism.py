"""The rural tourism page and the embeddable map, in Chromium with the outside world blocked."""
from __future__ import annotations

from tests.browser.chromium import ARTIFACTS
from tests.browser.mapping import IDLE, one, open_map, rendered


def test_tourism_page_lists_places_with_photos_and_filters_by_kind(page, page_log, live_url, shared_demo):
    total, homestays = one(shared_demo, "SELECT count(*), count(*) FILTER (WHERE kind = 'homestay') FROM tourism_places")
    open_map(page, f"{live_url}/tourism?lang=en&shown=500")  # every card (24 by default: test_tourism_paging.py)
    places = page.locator("li.place")
    assert places.count() == total
    assert len(set(places.evaluate_all("els => els.map((e) => e.dataset.kind)"))) >= 5
    first = places.first
    assert first.locator("p").nth(1).inner_text().strip()  # a description
    photo = first.locator(".photos img").first
    photo.scroll_into_view_if_needed()
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=photo.element_handle())
    assert len(rendered(page, "tourism_places-icon")) > 10
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "tourism_page.png"), full_page=True,
                    clip={"x": 0, "y": 0, "width": 1280, "height": 1300})

    page.get_by_label("Kind").select_option("homestay")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_function(IDLE)
    assert "kind=homestay" in page.url
    kinds = places.evaluate_all("els => els.map((e) => e.dataset.kind)")
    assert kinds == ["homestay"] * min(homestays, 24)
    assert {f["kind"] for f in rendered(page, "tourism_places-icon")} == {"homestay"}
    assert "Homestay" in page.locator("#layers").inner_text()  # the legend explains the icons
    page_log.assert_clean()


def test_embed_snippet_shows_a_filtered_map_inside_another_page(page, page_log, live_url, shared_demo):
    code, kind, name = one(shared_demo, "SELECT commune_code, kind, name_vi FROM tourism_places "
                                        "WHERE kind = 'homestay' ORDER BY id LIMIT 1")
    open_map(page, f"{live_url}/tourism?lang=vi")
    page.get_by_label("Loại hình").select_option(kind)
    page.get_by_label("Xã, phường").select_option(code)  # communes listed with their number of places
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_function(IDLE)
    assert f"commune={code}" in page.url
    snippet = page.locator("#embed-snippet").input_value()
    assert snippet.startswith("<iframe src=") and f"/embed?kind={kind}&commune={code}&lang=vi" in snippet
    assert page.locator("li.place").count() >= 1 and name in page.locator("#places").inner_text()

    # A commune website: a page of its own holding only the snippet (served locally, since
    # Chromium keeps pages from elsewhere out of local-network addresses).
    host = f"{live_url}/__commune_site.html"
    page.route(host, lambda route: route.fulfill(
        content_type="text/html", body=f"<!doctype html><html><head><meta charset=\"utf-8\"></head><body><h1>Xã {code}</h1>{snippet}</body></html>"))
    page.goto(host)
    frame = page.frame_locator("iframe")
    frame.locator("body[data-map-state='idle']").wait_for(timeout=60000)
    inner = next(f for f in page.frames if "/embed" in f.url)
    shown = inner.evaluate("ntmMap.queryRenderedFeatures({layers: ['tourism_places-icon']}).map((f) => f.properties)")
    assert shown and all(p["kind"] == kind and p["commune_code"] == code for p in shown)
    assert name in {p["name_vi"] for p in shown}
    box = inner.evaluate("ntmMap.getBounds().toArray()")
    west, south, east, north = one(shared_demo, "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
                                                "(SELECT ST_Extent(geom) e FROM communes WHERE code = %s) s", (code,))
    assert box[0][0] <= west + 0.05 and box[1][0] >= east - 0.05  # framed on the commune
    assert box[1][0] - box[0][0] < (east - west) * 4
    page_log.assert_clean()
