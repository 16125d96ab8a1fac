"""An inspector's view: the queue narrowed by commune, search and sort, and a submitted area's
whole record read without edit controls, with only the steps the role may take."""
from __future__ import annotations

import httpx

from layers.db.engines import connection
from layers.write import accounts
from tests.api.growing_helpers import area_body, free_spots, square
from tests.browser.staff_helpers import PASSWORD, assert_clean, row


def log_in_vi(page, url, name):
    page.goto(f"{url}/staff?lang=vi")
    page.fill("#login-form [name=username]", name)
    page.fill("#login-form [name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("body[data-ready=true]")


def shown_names(page):
    return [n.strip() for n in page.locator("#areas tbody tr td:first-child a").all_inner_texts()]


def test_queue_filters_and_a_read_only_review(page, page_log, staff, demo_db):
    # A second submission in the same commune, registered after "Vùng đã có".
    with connection(demo_db) as conn:
        token = accounts.issue_token(conn, "xa.staff")
    spot = free_spots(demo_db, staff["commune"], n=3)[2]
    with httpx.Client(base_url=staff["url"], headers={"Authorization": f"Bearer {token}"}) as api:
        r = api.post("/collections/growing_areas/items",
                     json=area_body(square(*spot), staff["commune"], name="Ấp Đồng Xoài", owner_name="Trần Văn Đức"))
        assert r.status_code == 201, r.text
        r = api.post(f"/collections/growing_areas/items/{r.json()['id']}/actions/submit", headers={"If-Match": r.headers["ETag"]})
        assert r.status_code == 200, r.text

    log_in_vi(page, staff["url"], "tinh.staff")
    assert page.text_content("#who").endswith("Phạm vi: cả tỉnh")  # the scope in words, not its code
    total = page.locator("#areas tbody tr").count()
    page.select_option("#status-filter", "queue")
    page.select_option("#commune-filter", staff["commune"])
    queue = shown_names(page)
    assert {"Vùng đã có", "Ấp Đồng Xoài"} <= set(queue) and len(queue) < total
    assert page.locator("#areas tbody tr[data-status=draft]").count() == 0
    assert page.text_content("#areas-count") == f"{len(queue)} / {total} vùng"
    # Sorted: waiting longest first puts the earlier submission first; by name, "Ấp…" first.
    page.select_option("#area-sort", "oldest")
    names = shown_names(page)
    assert names.index("Vùng đã có") < names.index("Ấp Đồng Xoài")
    page.select_option("#area-sort", "name")
    assert shown_names(page)[0] == "Ấp Đồng Xoài"
    # Search without the marks, by the owner's name.
    page.fill("#area-search", "tran van duc")
    assert shown_names(page) == ["Ấp Đồng Xoài"]
    page.fill("#area-search", "không có vùng nào tên này")
    assert shown_names(page) == [] and page.locator("#areas-nomatch").is_visible()
    page.fill("#area-search", "")

    # The review: every field in words, the boundary on the map, no form, only the allowed step.
    row(page, "Ấp Đồng Xoài").locator("[data-op=review]").click()
    page.wait_for_selector("#tab-review:not([hidden]) #review-fields tr")
    review = page.locator("#tab-review")
    assert "Hồ sơ vùng trồng: Ấp Đồng Xoài" in page.text_content("#review-title")
    assert review.locator("input, select, textarea").count() == 0
    fields = {r.get_attribute("data-field"): r.locator("td").inner_text() for r in review.locator("tr").all()}
    assert fields["status"] == "Đã nộp" and fields["owner_name"] == "Trần Văn Đức" and fields["crop"] == "Cam"
    assert "," in fields["area_ha"] and "." not in fields["area_ha"]  # Vietnamese decimals
    assert [b.get_attribute("data-action") for b in review.locator("#review-actions button").all()] == ["inspect"]
    assert review.get_attribute("data-drawn") == "true"  # its boundary, drawn on the map
    review.locator("[data-action=inspect]").click()
    page.wait_for_selector("#areas tbody tr[data-status=inspected]:has-text('Ấp Đồng Xoài')")
    assert "Thẩm định: Ấp Đồng Xoài — Đã thẩm định." in page.text_content("#action-message")
    assert_clean(page_log, ())
