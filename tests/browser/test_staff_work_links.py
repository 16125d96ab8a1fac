"""/staff leads each role to its work: commune staff find the address field page and the campaign
page from the growing-area page (by keyboard too), tourism accounts are taken to /staff/tourism."""
from __future__ import annotations

import pytest

from layers.db.engines import connection
from layers.write import accounts
from tests.browser.chromium import ARTIFACTS
from tests.browser.staff_helpers import PASSWORD, log_in


@pytest.mark.parametrize("page", [{"width": 360, "height": 740}], indirect=True)
def test_commune_staff_reach_the_address_pages_from_staff(page, page_log, staff):
    log_in(page, staff["url"], "xa.staff", lang="vi")
    links = page.locator("#other-work a")
    assert page.is_visible("#other-work") and links.count() == 2
    assert links.nth(0).inner_text() == "Gắn địa chỉ hộ tại thực địa"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "staff_other_work_360.png"))
    links.nth(1).focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff/addresses/campaign?lang=vi")
    assert page.locator("h1").inner_text().startswith("Chiến dịch gắn mã địa chỉ: ")
    page.go_back()
    page.wait_for_selector("body[data-ready=true]")
    page.click("#other-work a >> nth=0")
    page.wait_for_url("**/staff/addresses?lang=vi")
    page_log.assert_clean()


def test_tourism_accounts_are_taken_to_their_page_and_others_see_no_address_links(page, page_log, staff, demo_db):
    with connection(demo_db) as conn:
        accounts.create_user(conn, "dl.promoter", "tourism_promoter", ["40"], password=PASSWORD)
        accounts.create_user(conn, "dl.staff", "tourism_staff", ["40"], password=PASSWORD)
        accounts.create_user(conn, "xem", "viewer", [], password=PASSWORD)
    for name in ("dl.promoter", "dl.staff"):
        page.goto(f"{staff['url']}/staff?lang=en")
        page.fill("#login-form [name=username]", name)
        page.fill("#login-form [name=password]", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_url("**/staff/tourism?lang=en")
        page.context.clear_cookies()  # signed out: the next account signs in afresh
    log_in(page, staff["url"], "xem")
    assert page.is_hidden("#other-work")
    page_log.assert_clean()
