"""The staff pages in a real browser: log in, draw, see a failed rule on the map, submit, grant."""
from __future__ import annotations

import json
import re

import psycopg
import pytest

from layers.db.engines import connection
from layers.write import accounts
from tests.api.growing_helpers import area_body, square
from tests.browser.staff_helpers import (
    PASSWORD,
    assert_clean,
    draw_square,
    fill_area,
    log_in,
    row,
)

EXPECTED_HTTP = (r"422 .*/collections/growing_areas/items$",)


def test_staff_draw_submit_and_grant(page, page_log, staff):
    url = staff["url"]
    log_in(page, url, "xa.staff")
    assert row(page, "Vùng đã có").get_attribute("data-status") == "submitted"

    # Overlapping the submitted area: refused, the rule named, the overlap drawn in red on the map.
    page.click("[data-tab=new]")
    lon, lat = staff["taken"]
    draw_square(page, lon + 0.001, lat)
    fill_area(page, "Vùng chồng lấn")
    page.click("#save-draft")
    page.wait_for_selector("#problems li[data-rule=overlap]")
    assert "Overlaps another area" in page.text_content("#problems")
    assert int(page.get_attribute("#problems", "data-shown")) >= 1
    page.wait_for_function("window.staffMap.loaded()")
    painted = page.evaluate("window.staffMap.queryRenderedFeatures({layers: ['staff-problem-fill']}).length")
    assert painted >= 1

    # A free spot: saved as a draft, then submitted from the list.
    draw_square(page, *staff["free"])
    fill_area(page, "Vùng cam Thanh Xuân")
    page.click("#save-draft")
    page.wait_for_selector("#areas tbody tr:has-text('Vùng cam Thanh Xuân')")
    assert "saved" in page.text_content("#action-message")
    new = row(page, "Vùng cam Thanh Xuân")
    assert new.get_attribute("data-status") == "draft"
    assert new.locator("[data-action=grant]").count() == 0  # not a commune staff's step
    new.locator("[data-action=submit]").click()
    page.wait_for_selector("#areas tbody tr[data-status=submitted]:has-text('Vùng cam Thanh Xuân')")
    page.click("#logout")
    page.wait_for_selector("#login-form", state="visible")

    # Province staff: the queue shows it; inspect, then grant; the code appears.
    log_in(page, url, "tinh.staff")
    page.select_option("#status-filter", "queue")
    assert row(page, "Vùng cam Thanh Xuân").count() == 1
    row(page, "Vùng cam Thanh Xuân").locator("[data-action=inspect]").click()
    page.wait_for_selector("#areas tbody tr[data-status=inspected]:has-text('Vùng cam Thanh Xuân')")
    row(page, "Vùng cam Thanh Xuân").locator("[data-action=grant]").click()
    page.select_option("#status-filter", "granted")
    granted = page.locator("#areas tbody tr[data-status=granted]", has_text="Vùng cam Thanh Xuân")
    granted.wait_for()
    code = granted.locator(".code").text_content()
    assert re.fullmatch(rf"VN-\d\d-{staff['commune']}-\d{{4}}", code), code
    assert code in page.text_content("#action-message")
    assert_clean(page_log, EXPECTED_HTTP)


def test_login_failure_is_shown_in_vietnamese(page, page_log, staff):
    page.goto(f"{staff['url']}/staff")
    page.fill("#login-form [name=username]", "xa.staff")
    page.fill("#login-form [name=password]", "sai mật khẩu")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#login-error:has-text('Sai tên đăng nhập hoặc mật khẩu')")
    assert page.locator("#work-view").is_hidden()
    assert_clean(page_log, (r"401 .*/auth/login$",))


def _feature_file(tmp_path, name, *features):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}), encoding="utf-8")
    return str(path)


def test_upload_reports_each_failed_feature_on_the_map_then_stores_a_good_file(page, page_log, staff, tmp_path):
    log_in(page, staff["url"], "xa.staff")
    page.click("[data-tab=new]")
    lon, lat = staff["taken"]
    good = area_body(square(*staff["free"]), staff["commune"], name="Vùng tải lên")
    clash = area_body(square(lon + 0.001, lat), staff["commune"], name="Vùng chồng lấn tải lên")
    page.set_input_files("#upload-form [name=file]", _feature_file(tmp_path, "bad.geojson", good, clash))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#problems li[data-rule=overlap]")
    assert "Feature 2" in page.text_content("#problems")
    assert int(page.get_attribute("#problems", "data-shown")) >= 1
    assert row(page, "Vùng tải lên").count() == 0  # all or nothing: the good one was not stored

    page.set_input_files("#upload-form [name=file]", _feature_file(tmp_path, "good.geojson", good))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#areas tbody tr[data-status=draft]:has-text('Vùng tải lên')")
    assert "1 growing areas uploaded" in page.text_content("#action-message")
    # The map moved from the failed feature to the stored area.
    lon, lat = staff["free"]
    centre = page.evaluate("window.staffMap.getCenter().toArray()")
    assert abs(centre[0] - lon) < 0.001 and abs(centre[1] - lat) < 0.001, (centre, lon, lat)
    assert page.evaluate("window.staffMap.getZoom()") > 14
    assert_clean(page_log, (r"422 .*/collections/growing_areas/uploads$",))


def test_a_viewer_reads_but_is_offered_no_writes(page, page_log, staff, demo_db):
    with connection(demo_db) as conn:
        accounts.create_user(conn, "nguoi.xem", "viewer", [staff["commune"]], password=PASSWORD)
    log_in(page, staff["url"], "nguoi.xem")
    assert row(page, "Vùng đã có").get_attribute("data-status") == "submitted"
    assert page.locator("[data-tab=new]").is_hidden()
    assert page.locator(".mapbox-gl-draw_polygon").is_hidden()
    # No steps, no edit, no delete: reading only (history, and the read-only review of the record).
    assert page.locator("#areas tbody button:not([data-op=history]):not([data-op=review])").count() == 0
    assert row(page, "Vùng đã có").locator("button:not([data-op=review])").count() == 0  # a submission's history is not public
    assert_clean(page_log, ())


@pytest.mark.parametrize("page", [{"width": 390, "height": 800}], indirect=True)
def test_on_a_phone_the_list_and_the_map_both_show(page, page_log, staff):
    log_in(page, staff["url"], "xa.staff")
    table, map_box = page.locator("#areas").bounding_box(), page.locator("#map").bounding_box()
    assert table["width"] <= 390 and map_box["width"] <= 390
    assert map_box["height"] >= 200 and map_box["y"] + map_box["height"] <= table["y"]  # the map on top
    assert_clean(page_log, ())


def test_an_expired_session_brings_back_the_login_form(page, page_log, staff, demo_db):
    log_in(page, staff["url"], "xa.staff")
    with psycopg.connect(demo_db) as conn:
        conn.execute("DELETE FROM private.web_sessions")
    page.click("[data-tab=new]")
    draw_square(page, *staff["free"])
    fill_area(page, "Vùng sau khi hết phiên")
    page.click("#save-draft")
    page.wait_for_selector("#login-form", state="visible")
    assert_clean(page_log, (r"401 .*/collections/growing_areas/items$",))
