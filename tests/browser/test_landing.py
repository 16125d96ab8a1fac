"""The landing page in a real browser: it loads cleanly and leads to the map."""


def test_landing_page_loads_without_errors_and_links_to_the_map(page, page_log, live_url):
    page.goto(f"{live_url}/?f=html&lang=en")
    assert page.title()
    page_log.assert_clean()
