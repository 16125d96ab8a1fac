"""The landing page in a real browser: it loads cleanly and leads to the map."""
from tests.browser.mapping import IDLE


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
