"""The staff page says, after "saved", that a new area lies on land its crop's suitability raster
calls unsuitable (issue 13): saved, not refused, in the page's words."""
from __future__ import annotations

from tests.browser.staff_helpers import assert_clean, draw_square, fill_area, log_in, row
from tests.layers.zonal_rasters import register, split_array, utm_bounds


def test_a_draft_on_unsuitable_land_is_saved_with_the_warning(page, page_log, staff, settings, demo_db):
    lon, lat = staff["free"]
    bounds = utm_bounds(demo_db, "SELECT ST_Expand(ST_SetSRID(ST_MakePoint(%s, %s), 4326), 0.004) AS geom",
                        lon, lat)
    array, transform = split_array(bounds, 10, 3, 3)  # all "not suitable" for orange
    register(demo_db, settings, "suitability_orange", array, transform, kind="categorical")
    log_in(page, staff["url"], "xa.staff")
    page.click("[data-tab=new]")
    draw_square(page, lon, lat)
    fill_area(page, "Vùng cam đồi cao")
    page.click("#save-draft")
    page.wait_for_selector("#areas tbody tr:has-text('Vùng cam đồi cao')")
    message = page.text_content("#action-message")
    assert row(page, "Vùng cam đồi cao").get_attribute("data-status") == "draft"
    assert ("100 % of this growing area lies on land not suitable for orange" in message
            or "100 % diện tích vùng trồng nằm trên đất không thích hợp trồng cam" in message), message
    assert_clean(page_log, ())
