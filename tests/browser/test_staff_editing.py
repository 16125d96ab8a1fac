"""Editing on the staff pages in a real browser: change a draft's fields and boundary, meet a
stale edit (412) and an overlap (422), delete a draft, be refused deleting a granted area, and
read an area's history and its state as of a date. Results are checked through the API."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import psycopg
import pytest

from layers.db.engines import connection
from layers.write import accounts
from tests.api.growing_helpers import area_body, square
from tests.browser.staff_helpers import assert_clean, log_in, row

ITEMS = "/collections/growing_areas/items"
VN = timezone(timedelta(hours=7))


def token_headers(demo_db, name):
    with connection(demo_db) as conn:
        return {"Authorization": f"Bearer {accounts.issue_token(conn, name)}"}


@pytest.fixture
def api(staff, demo_db):
    """The API as xa.staff (Bearer token), to set things up and to check what the page saved."""
    with httpx.Client(base_url=staff["url"], headers=token_headers(demo_db, "xa.staff")) as client:
        yield client


def new_draft(api, commune, geometry, name):
    r = api.post(ITEMS, json=area_body(geometry, commune, name=name))
    assert r.status_code == 201, r.text
    return r.json()["id"]


def staff_read(api, area_id):
    return api.get(f"/staff/api/growing-areas/{area_id}")


def open_edit(page, name):
    row(page, name).locator("[data-op=edit]").click()
    page.wait_for_selector("#tab-new[data-mode=edit]")
    page.wait_for_function("window.staffDraw.getAll().features.length === 1 && window.staffMap.loaded()")
    page.wait_for_timeout(300)  # the draw layers render their corners


def drag_corner(page, index, to):
    """Drag corner `index` of the boundary being edited to lon/lat `to`, with the real mouse."""
    corner = page.evaluate(f"window.staffDraw.getAll().features[0].geometry.coordinates[0][{index}]")
    box = page.locator("#map").bounding_box()
    px = lambda c: page.evaluate("(c) => { const p = window.staffMap.project(c); return [p.x, p.y]; }", c)  # noqa: E731
    (x0, y0), (x1, y1) = px(corner), px(to)
    page.mouse.move(box["x"] + x0, box["y"] + y0)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(box["x"] + x0 + (x1 - x0) * i / 10, box["y"] + y0 + (y1 - y0) * i / 10)
        page.wait_for_timeout(20)
    page.mouse.up()
    page.wait_for_timeout(200)


def test_edit_a_drafts_name_and_boundary(page, page_log, staff, api):
    lon, lat = staff["free"]
    area_id = new_draft(api, staff["commune"], square(lon, lat), "Vùng nháp cũ")
    before = staff_read(api, area_id).json()
    log_in(page, staff["url"], "xa.staff")
    open_edit(page, "Vùng nháp cũ")
    assert page.input_value("#area-form [name=name]") == "Vùng nháp cũ"
    assert page.input_value("#area-form [name=owner_name]") == "Nguyễn Văn A"

    page.fill("#area-form [name=name]", "Vùng nháp mới")
    page.fill("#area-form [name=households_count]", "12")
    page.fill("#area-form [name=owner_phone]", "")  # cleared on the record too
    drag_corner(page, 2, [lon, lat])  # the north-east corner to the centre: half the area
    page.click("#save-draft")
    page.wait_for_selector("#action-message:has-text('Changes to Vùng nháp mới saved')")
    assert row(page, "Vùng nháp mới").count() == 1 and row(page, "Vùng nháp cũ").count() == 0

    after = staff_read(api, area_id).json()
    p = after["properties"]
    assert (p["name"], p["households_count"], p["owner_phone"], p["status"]) == ("Vùng nháp mới", 12, None, "draft")
    assert p["owner_name"] == "Nguyễn Văn A"  # untouched fields stay
    assert after["geometry"] != before["geometry"]
    assert 0.45 < p["area_ha"] / before["properties"]["area_ha"] < 0.55, (p["area_ha"], before["properties"]["area_ha"])
    assert_clean(page_log, ())


def test_a_stale_edit_says_so_and_reloads(page, page_log, staff, api):
    area_id = new_draft(api, staff["commune"], square(*staff["free"]), "Vùng hai người sửa")
    log_in(page, staff["url"], "xa.staff")
    open_edit(page, "Vùng hai người sửa")
    # Someone else changes the area while the form is open.
    r = api.patch(f"{ITEMS}/{area_id}", json={"type": "Feature", "properties": {"variety": "Cam Đường Canh"}},
                  headers={"If-Match": staff_read(api, area_id).headers["ETag"]})
    assert r.status_code == 200, r.text
    page.fill("#area-form [name=name]", "Tên của tôi")
    page.click("#save-draft")
    page.wait_for_selector("#edit-message:has-text('Someone else changed this growing area')")
    assert staff_read(api, area_id).json()["properties"]["name"] == "Vùng hai người sửa"  # nothing overwritten
    page.click("#edit-reload")
    page.wait_for_function("document.querySelector('#area-form [name=variety]').value === 'Cam Đường Canh'")
    assert page.input_value("#area-form [name=name]") == "Vùng hai người sửa"
    assert page.text_content("#edit-message") == ""
    assert_clean(page_log, (rf"412 .*{ITEMS}/{area_id}$",))


def test_an_overlapping_edit_is_drawn_on_the_map(page, page_log, staff, api):
    lon, lat = staff["taken"]
    dx = 320 / (111_320 * 0.94)  # 320 m east (cos of ~20° N): a 20 m gap to the submitted area
    east = square(lon + dx, lat)
    new_draft(api, staff["commune"], east, "Vùng sát bên")
    log_in(page, staff["url"], "xa.staff")
    open_edit(page, "Vùng sát bên")
    nw = east["coordinates"][0][3]
    drag_corner(page, 3, [nw[0] - 150 / (111_320 * 0.94), nw[1]])  # 150 m west, into the neighbour
    page.click("#save-draft")
    page.wait_for_selector("#problems li[data-rule=overlap]")
    assert "Overlaps another area" in page.text_content("#problems")
    page.wait_for_function("window.staffMap.loaded()")
    assert page.evaluate("window.staffMap.queryRenderedFeatures({layers: ['staff-problem-fill']}).length") >= 1
    assert page.locator("#tab-new[data-mode=edit]").count() == 1  # still editing: fix and save again
    assert_clean(page_log, (r"422 .*/collections/growing_areas/items/\d+$",))


def test_delete_a_draft_but_not_a_granted_area(page, page_log, staff, api, demo_db):
    area_id = new_draft(api, staff["commune"], square(*staff["free"]), "Vùng sẽ xoá")
    log_in(page, staff["url"], "xa.staff")
    page.once("dialog", lambda d: d.dismiss())  # changed my mind: nothing happens
    row(page, "Vùng sẽ xoá").locator("[data-op=delete]").click()
    assert staff_read(api, area_id).status_code == 200
    page.once("dialog", lambda d: d.accept())
    row(page, "Vùng sẽ xoá").locator("[data-op=delete]").click()
    page.wait_for_selector("#action-message:has-text('Vùng sẽ xoá deleted')")
    assert row(page, "Vùng sẽ xoá").count() == 0
    assert staff_read(api, area_id).status_code == 404

    # A granted area: province staff are told to revoke it, and nothing is deleted.
    granted = new_draft(api, staff["commune"], square(*staff["free"]), "Vùng đã cấp mã")
    province = token_headers(demo_db, "tinh.staff")
    for who, step in ((api.headers, "submit"), (province, "inspect"), (province, "grant")):
        etag = api.get(f"/staff/api/growing-areas/{granted}").headers["ETag"]
        r = api.post(f"{ITEMS}/{granted}/actions/{step}", headers={**who, "If-Match": etag})
        assert r.status_code == 200, r.text
    page.click("#logout")
    page.wait_for_selector("#login-form", state="visible")
    log_in(page, staff["url"], "tinh.staff")
    page.select_option("#status-filter", "granted")
    row(page, "Vùng đã cấp mã").locator("[data-op=delete]").click()
    page.wait_for_selector("#action-message.error:has-text('revoke its code instead')")
    assert staff_read(api, granted).json()["properties"]["status"] == "granted"
    assert not [u for u, _ in page_log.matching(rf"{ITEMS}/{granted}$")]  # no DELETE was even tried
    assert_clean(page_log, ())


def test_history_lists_changes_with_the_user_and_shows_a_past_day(page, page_log, staff, api, demo_db):
    area_id = new_draft(api, staff["commune"], square(*staff["free"]), "Tên lúc đầu")
    etag = staff_read(api, area_id).headers["ETag"]
    r = api.patch(f"{ITEMS}/{area_id}", json={"type": "Feature", "properties": {"name": "Tên sau khi sửa"}},
                  headers={"If-Match": etag})
    assert r.status_code == 200, r.text
    with psycopg.connect(demo_db) as conn:  # the area was registered three days ago
        conn.execute("UPDATE change_history SET changed_at = changed_at - interval '3 days' "
                     "WHERE table_name = 'growing_areas' AND row_id = %s AND operation = 'INSERT'", (str(area_id),))
        conn.execute("UPDATE private.change_history SET changed_at = changed_at - interval '3 days' "  # its owner part
                     "WHERE table_name = 'growing_area_private' AND row_id = %s AND operation = 'INSERT'", (str(area_id),))
    log_in(page, staff["url"], "xa.staff")
    row(page, "Tên sau khi sửa").locator("[data-op=history]").click()
    page.wait_for_selector("#history-list li[data-operation=UPDATE]")
    assert "History: Tên sau khi sửa" in page.text_content("#history-title")
    change = page.locator("#history-list li[data-operation=UPDATE]")
    assert "xa.staff" in change.locator(".who").text_content()
    name = change.locator("tr[data-field=name]")
    assert (name.locator(".before").text_content(), name.locator(".after").text_content()) == ("Tên lúc đầu", "Tên sau khi sửa")
    created = page.locator("#history-list li[data-operation=INSERT]")
    assert "xa.staff" in created.text_content() and "Created" in created.text_content()
    assert change.locator(".when strong").text_content() == "Edited"  # an edit, not a lifecycle step
    # Newest first.
    assert page.locator("#history-list > li").first.get_attribute("data-operation") == "UPDATE"

    today = datetime.now(VN).date()
    page.fill("#as-of-form [name=as_of]", (today - timedelta(days=2)).isoformat())
    page.click("#as-of-form button[type=submit]")
    page.wait_for_selector("#as-of-result tr[data-field=name]")
    assert page.text_content("#as-of-result tr[data-field=name] td") == "Tên lúc đầu"
    assert page.get_attribute("#as-of-result", "data-drawn") == "true"  # that day's boundary, dashed on the map
    assert created.locator("tr[data-field=crop] .after").text_content() == "Orange"  # a word, not the code
    page.fill("#as-of-form [name=as_of]", today.isoformat())
    page.click("#as-of-form button[type=submit]")
    page.wait_for_function("document.querySelector('#as-of-result tr[data-field=name] td')?.textContent === 'Tên sau khi sửa'")
    page.fill("#as-of-form [name=as_of]", (today - timedelta(days=10)).isoformat())
    page.click("#as-of-form button[type=submit]")
    page.wait_for_selector("#as-of-result .error:has-text('did not exist')")
    assert_clean(page_log, (r"404 .*/staff/api/growing-areas/\d+\?as_of=",))


RULES = ("geometry_invalid", "outside_commune", "overlap", "too_small", "too_large", "missing_attribute",
         "unknown_crop", "unknown_commune", "wrong_crs", "invalid_value", "forbidden")


def test_every_text_of_the_page_script_comes_from_the_catalogue_in_both_languages(page, page_log, live_url):
    """The scripts' words are the catalogue's (staff.json), embedded in the page's one language."""
    import json
    import re
    from pathlib import Path

    from api.i18n import CATALOGUE
    keys = set()
    for js in Path("api/static/staff").glob("*.js"):
        keys |= {f"staff.{k}" for k in re.findall(r"\bt\(\s*[\"'`]([\w.]+)[\"'`]", js.read_text("utf-8"))}
    coded = ("staff.status.", "staff.action.", "staff.cert.")  # geo.vocabulary's, in the page config
    missing = {k for k in keys if k not in CATALOGUE.entries and not k.startswith(coded)}
    assert not missing, missing
    assert all(f"staff.rule.{r}" in CATALOGUE.entries for r in RULES)  # the upload-only rules too
    for lang, other in (("vi", "en"), ("en", "vi")):
        page.goto(f"{live_url}/staff?lang={lang}")
        texts = json.loads(page.locator("#i18n").text_content())
        assert texts["staff.rule.forbidden"] == CATALOGUE.lookup("staff.rule.forbidden", lang)
        assert page.locator("#i18n").get_attribute("data-lang") == lang
        assert CATALOGUE.lookup("staff.page.login", other) not in page.locator("body").inner_text()
    assert_clean(page_log, ())
