"""The staff page on a 360×740 phone: the map on top, the queue below it in the page, and the last
row of a long queue reached by scrolling the page itself (by keyboard too), not a box inside it."""
from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from layers.db.engines import connection
from layers.write import accounts
from tests.api.growing_helpers import area_body, free_spots, square
from tests.browser.staff_helpers import assert_clean, log_in

PHONE = {"width": 360, "height": 740}
SHOTS = Path("/tmp/ntm-map-shots")


def add_areas(url: str, demo_db: str, commune: str, n: int) -> None:
    with connection(demo_db) as conn:
        token = accounts.issue_token(conn, "xa.staff")
    spots = free_spots(demo_db, commune, n=n + 2)[2:]  # the fixture's two spots are taken or kept
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as api:
        for i, spot in enumerate(spots):
            r = api.post("/collections/growing_areas/items", json=area_body(square(*spot), commune, name=f"Vùng xếp hàng {i + 1}"))
            assert r.status_code == 201, r.text


def in_window(page, box) -> bool:
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]


@pytest.mark.parametrize("page", [PHONE], indirect=True)
def test_the_last_queue_row_is_reached_by_scrolling_the_page(page, page_log, staff, demo_db):
    add_areas(staff["url"], demo_db, staff["commune"], 8)
    log_in(page, staff["url"], "xa.staff")
    rows = page.locator("#areas tbody tr")
    assert rows.count() >= 9
    last = rows.last
    map_box, panel_box = page.locator("#map").bounding_box(), page.locator("#panel").bounding_box()
    assert map_box["y"] < panel_box["y"] and map_box["y"] + map_box["height"] <= panel_box["y"] + 1  # map on top
    assert 250 <= map_box["height"] <= 740 * 0.6 and map_box["width"] <= 360
    assert not in_window(page, last.bounding_box())  # the queue runs below the first screen
    # The panel is part of the page: it has no scrollbar of its own, the window has one.
    assert page.evaluate("(() => { const p = document.querySelector('#panel'); return p.scrollHeight <= p.clientHeight + 1; })()")
    assert page.evaluate("document.documentElement.scrollHeight") > 740
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "staff-360-top.png"))

    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("End")  # a keyboard user scrolls the page the usual way
    page.wait_for_function("window.scrollY > 0")
    page.wait_for_timeout(300)  # smooth scrolling ends
    assert in_window(page, last.bounding_box())
    assert page.evaluate("document.querySelector('#panel').scrollTop") == 0  # the page moved, not the panel
    page.screenshot(path=str(SHOTS / "staff-360-end.png"))
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_clean(page_log, ())
