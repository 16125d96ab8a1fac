"""The tourism page under /staff (issue 14) in Chromium, on a phone: a promoter signs in, places a
new homestay on the map, saves it and submits it; a tourism staff member signs in, finds it in the
moderation queue and publishes it; the place is on /tourism on the next request."""
from __future__ import annotations

import httpx
import pytest

from layers.db.engines import connection
from layers.write import accounts
from tests.api.tourism_write_helpers import communes
from tests.browser.staff_helpers import PASSWORD, assert_clean

PHONE = {"width": 390, "height": 844}
NAME = "Homestay Đồi Chè Xanh"


@pytest.fixture
def tourism(demo_db, writable_live_url):
    (commune, province, lon, lat), _ = communes(demo_db)
    with connection(demo_db) as conn:
        accounts.create_user(conn, "mai.dulich", "tourism_promoter", [commune], password=PASSWORD)
        accounts.create_user(conn, "ha.sovh", "tourism_staff", [province], password=PASSWORD)
    return {"url": writable_live_url, "point": (lon, lat)}


def sign_in(page, url, name, lang="vi"):
    page.goto(f"{url}/staff/tourism?lang={lang}")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#login-form [name=username]", name)
    page.fill("#login-form [name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_function("(n) => document.querySelector('#who').textContent.includes(n)", arg=name)
    page.wait_for_selector("#work-view:not([hidden])")


def card(page, list_id, name):
    return page.locator(f"{list_id} li", has_text=name)


@pytest.mark.parametrize("page", [PHONE], indirect=True)
def test_a_promoter_submits_a_place_and_tourism_staff_publish_it(page, page_log, tourism):
    url, (lon, lat) = tourism["url"], tourism["point"]
    sign_in(page, url, "mai.dulich")
    page.select_option("#place-form [name=kind]", "homestay")
    page.fill("#place-form [name=name_vi]", NAME)
    page.fill("#place-form [name=phone]", "0912 345 678")
    page.check("#place-form [name=wifi]")
    # Place the point by tapping the map where the place is.
    page.wait_for_function("window.tourismMap && window.tourismMap.loaded()")
    page.evaluate("([lon, lat]) => window.tourismMap.jumpTo({center: [lon, lat], zoom: 15})", [lon, lat])
    page.wait_for_function("window.tourismMap.loaded()")
    page.locator("#map").scroll_into_view_if_needed()
    box = page.locator("#map").bounding_box()
    x, y = page.evaluate("(c) => { const p = window.tourismMap.project(c); return [p.x, p.y]; }", [lon, lat])
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_function("document.querySelector('#place-form [name=lon]').value !== ''")
    assert abs(float(page.input_value("#place-form [name=lon]")) - lon) < 1e-4
    page.click("#place-form button[type=submit]")
    card(page, "#mine", NAME).wait_for()
    assert "Nháp" in card(page, "#mine", NAME).text_content()
    card(page, "#mine", NAME).locator("button[data-action=submit]").click()
    page.wait_for_function("(n) => [...document.querySelectorAll('#mine li')].some((li) => li.textContent.includes(n) "
                           "&& li.textContent.includes('Chờ duyệt'))", arg=NAME)
    assert NAME not in httpx.get(f"{url}/tourism", params={"lang": "vi", "shown": 1000}).text
    page.click("#logout")
    page.wait_for_selector("#login-view:not([hidden])")

    sign_in(page, url, "ha.sovh")
    queued = card(page, "#queue", NAME)
    queued.wait_for()
    queued.locator("button[data-action=publish]").click()
    page.wait_for_function("(n) => ![...document.querySelectorAll('#queue li')].some((li) => li.textContent.includes(n))",
                           arg=NAME)
    assert "Đã đăng" in card(page, "#mine", NAME).text_content()
    page.goto(f"{url}/tourism?lang=vi&shown=1000")
    assert page.locator(".card, li", has_text=NAME).count() >= 1
    assert_clean(page_log, allow_http=[])


def test_a_promoter_draws_a_route_and_adds_an_event(page, page_log, tourism, demo_db):
    url, (lon, lat) = tourism["url"], tourism["point"]
    sign_in(page, url, "mai.dulich", lang="en")
    page.fill("#place-form [name=name_en]", "Tea hill farmstay")
    page.fill("#place-form [name=lon]", str(lon))
    page.fill("#place-form [name=lat]", str(lat))
    page.click("#place-form button[type=submit]")
    card(page, "#mine", "Tea hill farmstay").wait_for()
    # The route: the line tool, three taps, the last one tapped again to finish.
    page.fill("#route-form [name=name_en]", "Tea hills walk")
    page.wait_for_function("window.tourismRouteMap && window.tourismRouteMap.loaded()")
    page.evaluate("([lon, lat]) => window.tourismRouteMap.jumpTo({center: [lon, lat], zoom: 14})", [lon, lat])
    page.wait_for_function("window.tourismRouteMap.loaded()")
    page.locator("#route-map").scroll_into_view_if_needed()
    page.click("#route-map .mapbox-gl-draw_line")
    box = page.locator("#route-map").bounding_box()
    points = [[lon - 0.004, lat], [lon, lat + 0.003], [lon + 0.004, lat]]
    for i, p in enumerate(points + [points[-1]]):
        x, y = page.evaluate("(c) => { const p = window.tourismRouteMap.project(c); return [p.x, p.y]; }", p)
        page.mouse.click(box["x"] + x, box["y"] + y)
        page.wait_for_timeout(200)
    page.wait_for_function("document.querySelector('#route-state').textContent.includes('1')")
    page.click("#route-form button[type=submit]")
    card(page, "#mine", "Tea hills walk").wait_for()
    # The event, at the place just made.
    page.select_option("#event-form [name=kind]", "harvest_season")
    page.fill("#event-form [name=name_en]", "Tea picking days")
    page.select_option("#event-form [name=place_id]", label="Tea hill farmstay")
    page.fill("#event-form [name=starts_on]", "2026-04-01")
    page.fill("#event-form [name=ends_on]", "2026-04-30")
    page.click("#event-form button[type=submit]")
    card(page, "#mine", "Tea picking days").wait_for()
    with connection(demo_db) as conn:
        n, km = conn.exec_driver_sql("SELECT ST_NPoints(geom), length_km FROM tourism_routes WHERE name_en = "
                                     "'Tea hills walk'").one()
        place_id = conn.exec_driver_sql("SELECT place_id FROM tourism_events WHERE name_en = 'Tea picking days'").scalar()
        place = conn.exec_driver_sql("SELECT id FROM tourism_places WHERE name_en = 'Tea hill farmstay'").scalar()
    assert n == 3 and 0.5 < km < 2 and place_id == place
    assert_clean(page_log, allow_http=[])
