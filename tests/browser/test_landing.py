"""The landing page in a real browser: it speaks to people first (map, tourism, open data, staff),
keeps the developers' links in a section of their own, fits a phone and a desktop, and leads to the map."""
import pytest

from tests.browser.mapping import IDLE

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 768}


def test_landing_page_loads_without_errors_and_links_to_the_map(page, page_log, live_url):
    page.goto(f"{live_url}/?f=html&lang=en")
    assert page.title()
    page.get_by_role("link", name="Open the NTM web map").click()
    page.wait_for_function(IDLE)
    assert page.url.startswith(f"{live_url}/map?lang=en")
    page.get_by_role("link", name="Tourism").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Rural tourism"
    page_log.assert_clean()


@pytest.mark.parametrize("page", [PHONE, DESKTOP], indirect=True, ids=["phone", "desktop"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_landing_speaks_to_people_first_and_fits(page, page_log, live_url, lang):
    page.goto(f"{live_url}/?f=html&lang={lang}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width
    main = page.locator("main")
    cards = main.locator("ul.cards li h3").all_inner_texts()
    expected = {"vi": ["Xem bản đồ", "Du lịch nông thôn", "Dữ liệu mở", "Dành cho cán bộ"],
                "en": ["Open the map", "Rural tourism", "Open data", "For staff"]}[lang]
    assert cards == expected
    # Developers' links come after, in their own section; none of them before it.
    dev = main.locator("section.developers")
    before = page.evaluate("""() => { const dev = document.querySelector('section.developers');
        return [...document.querySelectorAll('main a')].filter(a => !dev.contains(a)).map(a => a.getAttribute('href')); }""")
    assert not any(h.startswith(("/tileMatrixSets", "/conformance", "/api", "/docs")) for h in before), before
    dev_links = dev.locator("a").all_inner_texts()
    assert len(dev_links) == len(set(dev_links)) >= 8  # no two identical "API docs" links
    assert any("Tile matrix sets" in t or "lưới tile" in t for t in dev_links)
    other = "Open the map" if lang == "vi" else "Xem bản đồ"
    assert other not in main.inner_text()  # one language
    page_log.assert_clean()
