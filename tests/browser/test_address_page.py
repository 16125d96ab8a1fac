"""The public address page in Chromium on a 360 px phone, as someone who scanned a house plate
meets it: the code with its check character, the village, the small map and the page's QR code,
nothing wider than the screen, one response and nothing else fetched; a mistyped code's page
leads to the address meant."""
from __future__ import annotations

import psycopg
import pytest

PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def address(shared_demo):
    with psycopg.connect(shared_demo) as conn:
        return conn.execute("""SELECT h.address_code, v.name FROM households h JOIN villages v ON v.id = h.village_id
                               ORDER BY h.id LIMIT 1""").fetchone()


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("page", [PHONE], indirect=True, ids=["phone"])
def test_the_address_page_fits_a_phone(page, page_log, live_url, address, lang):
    code, village = address
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    url = f"{live_url}/a/{code}?lang={lang}"
    page.goto(url)
    assert page.locator("#code").inner_text() == code
    assert page.locator("#code .check").inner_text() == code[-1]
    assert page.locator("#village").inner_text() == village
    svg = page.locator("svg.trace-map")
    assert svg.locator("text", has_text=code).count() == 1  # the house, labelled with its code
    box = svg.bounding_box()
    assert box["width"] >= 300 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    qr = page.locator("svg.qr").bounding_box()
    assert qr["width"] >= 120 and qr["x"] + qr["width"] <= PHONE["width"]
    link = page.locator("#geo-link")
    assert link.is_visible() and link.get_attribute("href").startswith("geo:")
    assert (link.bounding_box()["height"]) >= 44  # a thumb's target
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert requests == [url]  # the map and the QR code are in the page
    page_log.assert_clean()


@pytest.mark.parametrize("page", [PHONE], indirect=True, ids=["phone"])
def test_a_mistyped_code_leads_to_the_address_meant(page, page_log, live_url, address):
    code, _ = address
    wrong = code[:5] + ("1" if code[5] != "1" else "2") + code[6:]
    response = page.goto(f"{live_url}/a/{wrong}?lang=en")
    assert response.status == 404
    assert "looks mistyped" in page.locator("#reason").inner_text()
    page.locator("#suggestions a", has_text=code).click()
    page.wait_for_url(f"**/a/{code}?lang=en")
    assert page.locator("#code").inner_text() == code
    assert not page_log.blocked and not page_log.failed
    assert [e for e in page_log.http_errors if wrong not in e] == []
    assert all("404" in e for e in page_log.console_errors)  # Chromium logs the 404 page's status


def test_the_map_draws_the_coverage_theme_with_its_legend(page, page_log, live_url, shared_demo):
    from tests.browser.mapping import open_map, rendered, settle

    open_map(page, f"{live_url}/map#map=8.00/19.20/104.90&layers=address_coverage,communes&lang=en")
    settle(page)
    drawn = rendered(page, "address_coverage-fill")
    assert drawn and all(set(f) >= {"code", "verified"} for f in drawn)  # a hidden share is left out
    assert any(0 < f.get("share", 0) < 100 for f in drawn)
    assert page.get_by_text("Households with a verified digital address").first.is_visible()
    page_log.assert_clean()
