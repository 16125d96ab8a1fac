"""The staff page without a mouse, in Vietnamese, and in a phone's narrow panel: an area registered
by keyboard alone (typed corners), the drawing tool's tooltips in the page's language, a rule
failure naming the other area by its code's words, the upload's ignored columns, no clipped button."""
from __future__ import annotations

import json

import pytest

from tests.api.growing_helpers import area_body, square
from tests.browser.chromium import ARTIFACTS
from tests.browser.staff_helpers import PASSWORD, assert_clean, row


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until `selector` has the focus (as a keyboard user would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def corners_text(lon, lat, side_m=300):
    ring = square(lon, lat, side_m)["coordinates"][0][:-1]
    return "\n".join(f"{y:.6f}, {x:.6f}" for x, y in ring)


def test_register_an_area_by_keyboard_only(page, page_log, staff):
    page.goto(f"{staff['url']}/staff?lang=vi")
    tab_to(page, "#login-form [name=username]")
    page.keyboard.type("xa.staff")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector("body[data-ready=true]")

    # The drawing tool speaks the page's language.
    assert page.get_attribute(".mapbox-gl-draw_polygon", "title") == "Vẽ ranh giới (đa giác)"
    assert page.get_attribute(".mapbox-gl-draw_trash", "title") == "Xoá hình đang chọn"

    tab_to(page, "[data-tab=new]")
    page.keyboard.press("Enter")
    tab_to(page, "#coords summary")
    page.keyboard.press("Enter")
    tab_to(page, "#coords-form [name=corners]")
    page.keyboard.type("19,05 abc")  # a line that is not two numbers: said, in Vietnamese
    tab_to(page, "#coords-use")
    page.keyboard.press("Enter")
    assert "Dòng 1 không đọc được" in page.text_content("#coords-error")
    assert page.evaluate("document.activeElement.name") == "corners"  # back where the mistake is
    page.keyboard.press("Control+A")
    page.keyboard.type(corners_text(*staff["free"]))
    tab_to(page, "#coords-use")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('#draw-state').textContent.includes('ha')")
    assert "4 đỉnh" in page.text_content("#draw-state") and page.text_content("#coords-error") == ""
    assert page.evaluate("window.staffDraw.getAll().features.length") == 1  # shown on the map as if drawn

    tab_to(page, "#area-form [name=name]")
    page.keyboard.type("Vùng nhập bằng bàn phím")
    page.keyboard.press("Tab")  # the crop list: typing picks an entry
    page.keyboard.type("Cam")
    assert page.eval_on_selector("#area-form [name=crop]", "s => s.value") == "orange"
    tab_to(page, "#area-form [name=owner_name]")
    page.keyboard.type("Lê Văn C")
    page.keyboard.press("Enter")  # submits the form
    page.wait_for_selector("#areas tbody tr[data-status=draft]:has-text('Vùng nhập bằng bàn phím')")
    assert "Đã lưu bản nháp Vùng nhập bằng bàn phím" in page.text_content("#action-message")

    # Its step, by keyboard too, and the history names it ("Nộp hồ sơ", not "Sửa").
    new = row(page, "Vùng nhập bằng bàn phím")
    new.locator("[data-action=submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#areas tbody tr[data-status=submitted]:has-text('Vùng nhập bằng bàn phím')")
    row(page, "Vùng nhập bằng bàn phím").locator("[data-op=history]").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#history-list li[data-operation=UPDATE]")
    assert page.locator("#history-list li[data-operation=UPDATE] .when strong").first.text_content() == "Nộp hồ sơ"
    assert page.locator("#history-list li[data-operation=INSERT] .when strong").text_content() == "Tạo mới"
    assert_clean(page_log, ())


def test_an_overlap_names_the_other_area_in_the_page_language(page, page_log, staff, tmp_path):
    page.goto(f"{staff['url']}/staff?lang=vi")
    page.fill("#login-form [name=username]", "xa.staff")
    page.fill("#login-form [name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("body[data-ready=true]")
    page.click("[data-tab=new]")
    lon, lat = staff["taken"]
    page.click("#coords summary")
    page.fill("#coords-form [name=corners]", corners_text(lon + 0.001, lat))
    page.click("#coords-use")
    page.fill("#area-form [name=name]", "Vùng chồng lấn")
    page.click("#save-draft")
    page.wait_for_selector("#problems li[data-rule=overlap]")
    text = page.text_content("#problems")
    assert "Chồng lấn vùng khác" in text and "Chồng lên một vùng trồng chưa có mã (Đã nộp)" in text, text
    assert "overlaps" not in text and "growing area" not in text

    # An upload's columns the platform does not keep are listed after the upload.
    good = area_body(square(*staff["free"]), staff["commune"], name="Vùng có cột lạ")
    good["properties"]["ghi_chu_rieng"] = "không lưu"
    path = tmp_path / "extra.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [good]}), encoding="utf-8")
    page.set_input_files("#upload-form [name=file]", str(path))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#ignored-fields")
    assert "ghi_chu_rieng" in page.text_content("#ignored-fields")
    assert page.text_content("#ignored-fields").startswith("Các cột không dùng")
    assert_clean(page_log, (r"422 .*/collections/growing_areas/items\??.*$",))


@pytest.mark.parametrize("page", [{"width": 360, "height": 740}], indirect=True)
def test_nothing_clips_in_the_phone_panel(page, page_log, staff):
    page.goto(f"{staff['url']}/staff?lang=vi")
    page.fill("#login-form [name=username]", "tinh.staff")
    page.fill("#login-form [name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("body[data-ready=true]")
    for tab in ("areas", "new"):
        if page.locator(f"[data-tab={tab}]").is_visible():
            page.click(f"[data-tab={tab}]")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        panel = page.locator("#panel").bounding_box()
        for box in page.locator(f"#tab-{tab} button:visible, #tab-{tab} select:visible, #tab-{tab} input:visible").evaluate_all(
                "els => els.map((e) => { const r = e.getBoundingClientRect(); return [r.left, r.right, e.scrollWidth - e.clientWidth]; })"):
            assert box[0] >= panel["x"] - 0.5 and box[1] <= panel["x"] + panel["width"] + 0.5, box
            assert box[2] <= 1, box  # no text cut inside a button
    page.click("[data-tab=areas]")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "staff_phone_360.png"))
    assert_clean(page_log, ())
