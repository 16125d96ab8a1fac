"""/docs and /api?f=html in real Chromium with the outside world cut off (issue 12 item 4): Swagger
UI comes from this server (npm's swagger-ui-dist), so the operations render offline, under the
site's CSP ('self' scripts only), with no console error and no request leaving 127.0.0.1."""
from __future__ import annotations

import pytest

from tests.browser.test_csp import RECORDER, violations


@pytest.mark.parametrize("path", ["/docs?lang=en", "/api?f=html"])
def test_api_documentation_renders_its_operations_offline(page, page_log, live_url, path):
    page.add_init_script(RECORDER)
    response = page.goto(f"{live_url}{path}")
    assert response.status == 200
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    page.wait_for_function("document.querySelectorAll('.opblock').length >= 5")
    # Swagger UI knows every operation of the definition but draws only those near the screen
    # (it renders a long list lazily), so the blocks are counted in its state and found by scrolling.
    assert page.evaluate("window.ui.specSelectors.operations().size") > 100
    paths = page.evaluate("[...document.querySelectorAll('.opblock-summary-path')].map(e => e.dataset.path)")
    assert "/conformance" in paths
    items = page.locator(".opblock-summary-path[data-path='/collections/growing_areas/items']")
    for _ in range(60):  # down the page until the block is drawn
        if items.count():
            break
        page.mouse.wheel(0, 600)
        page.wait_for_timeout(100)
    items.first.click()
    page.wait_for_function("document.querySelector('.parameters') !== null")
    names = page.evaluate("[...document.querySelectorAll('.parameters .parameter__name')].map(e => e.textContent)")
    assert any(n.startswith("crop") for n in names) and any(n.startswith("filter-lang") for n in names)
    assert violations(page) == []
    assert page_log.matching(r"/static/vendor/swagger-ui/swagger-ui-bundle\.js") == [
        (f"{live_url}/static/vendor/swagger-ui/swagger-ui-bundle.js", 200)]
    page_log.assert_clean()
