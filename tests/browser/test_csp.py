"""The pages work under their Content-Security-Policy (api/http/security_headers.py): every page is
opened with a recorder of `securitypolicyviolation` events, which must stay empty, and maps must
reach idle (MapLibre's blob: workers allowed, nothing else loosened). Issue 11 item 7."""
from __future__ import annotations

import pytest

from tests.browser.mapping import one, open_map
from tests.browser.staff_helpers import log_in

RECORDER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) =>
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`));
"""


@pytest.fixture
def recorded(page):
    page.add_init_script(RECORDER)
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.__csp")


@pytest.mark.parametrize("path, has_map", [
    ("/?lang=vi", False),
    ("/map?lang=en", True),
    ("/tourism?lang=vi", True),
    ("/embed?lang=en", True),
    ("/collections?f=html", False),
    ("/collections/communes/items?f=html&limit=5", False),
])
def test_public_pages_run_without_a_csp_violation(recorded, page_log, live_url, path, has_map):
    response = recorded.goto(f"{live_url}{path}")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-eval" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    if has_map:
        open_map(recorded, f"{live_url}{path}")
    else:
        recorded.wait_for_load_state("networkidle")
    assert violations(recorded) == []
    page_log.assert_clean()


def test_an_item_page_maps_its_feature_under_the_policy(recorded, page_log, live_url, shared_demo):
    fid = one(shared_demo, "SELECT min(id) FROM tourism_places WHERE jsonb_array_length(photos) > 0")[0]
    open_map(recorded, f"{live_url}/collections/tourism_places/items/{fid}?f=html&lang=en")
    assert violations(recorded) == []
    page_log.assert_clean()


def test_staff_pages_log_in_and_draw_the_map_under_the_policy(recorded, page_log, staff):
    log_in(recorded, staff["url"], "xa.staff")
    recorded.wait_for_function("window.staffMap && window.staffMap.loaded()")
    assert violations(recorded) == []
    page_log.assert_clean()


def test_the_recorder_sees_a_violation(recorded, live_url):
    """The check above can fail: an inline script is refused and recorded."""
    recorded.goto(f"{live_url}/?lang=en")
    recorded.evaluate("""() => { const s = document.createElement('script');
                                 s.textContent = 'window.__ran = true'; document.body.append(s); }""")
    recorded.wait_for_function("window.__csp.length > 0")
    assert recorded.evaluate("window.__ran === undefined")
    assert any(v.startswith("script-src") for v in violations(recorded))
