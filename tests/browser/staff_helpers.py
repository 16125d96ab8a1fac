"""Staff pages in the browser: signing in, drawing, lifecycle buttons (shared by test_staff_*.py).

The `staff` fixture lives in conftest.py; these are the steps the tests take on the page.
"""
from __future__ import annotations

import re

from tests.api.growing_helpers import square

PASSWORD = "mật khẩu đủ dài"


def assert_clean(page_log, allow_http):
    """Chromium logs every 4xx as a console error too: drop those whose response was expected."""
    allowed = [e for e in page_log.http_errors if any(re.search(a, e) for a in allow_http)]
    statuses = {e.split()[0] for e in allowed}
    page_log.console_errors = [m for m in page_log.console_errors
                               if not any(f"status of {s} " in m for s in statuses)]
    page_log.assert_clean(allow_http=allow_http)


def log_in(page, url, name, lang="en"):
    page.goto(f"{url}/staff?lang={lang}")
    page.fill("#login-form [name=username]", name)
    page.fill("#login-form [name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("body[data-ready=true]")
    assert name in page.text_content("#who")


def draw_square(page, lon, lat, side_m=300):
    """Click the polygon tool, then each corner on the map canvas, then the first corner again."""
    page.evaluate("([lon, lat]) => window.staffMap.jumpTo({center: [lon, lat], zoom: 15})", [lon, lat])
    page.wait_for_function("window.staffMap.loaded()")
    ring = square(lon, lat, side_m)["coordinates"][0]
    box = page.locator("#map").bounding_box()
    page.click(".mapbox-gl-draw_polygon")
    for corner in ring:  # the ring repeats its first corner last: that click closes the polygon
        x, y = page.evaluate("(c) => { const p = window.staffMap.project(c); return [p.x, p.y]; }", corner)
        page.mouse.click(box["x"] + x, box["y"] + y)
        page.wait_for_timeout(150)
    page.wait_for_function("document.querySelector('#draw-state').textContent.includes('ha')")


def fill_area(page, name):
    page.fill("#area-form [name=name]", name)
    page.select_option("#area-form [name=crop]", "orange")
    page.fill("#area-form [name=owner_name]", "Nguyễn Thị B")


def row(page, name):
    return page.locator("#areas tbody tr", has_text=name)
