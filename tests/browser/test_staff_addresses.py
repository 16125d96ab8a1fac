"""The field page /staff/addresses on a 360 px phone (issue 16): commune staff place households by
GPS and by tapping the map, verify them, edit their private details, lose the network mid-session
and see the edits kept and sent when it returns, settle a conflict with an edit made from a
second session, and find an edit made while the server was unreachable still there after a
reload, sent once."""
from __future__ import annotations

import re

import httpx
import psycopg
import pytest

from layers.db.engines import connection
from layers.write import accounts
from tests.browser.staff_helpers import PASSWORD, assert_clean

PHONE = {"width": 360, "height": 740}
CODE = re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]$")


@pytest.fixture
def field(demo_db, writable_live_url):
    with psycopg.connect(demo_db) as conn:
        commune = conn.execute("SELECT code FROM communes ORDER BY ST_Area(geom) DESC LIMIT 1").fetchone()[0]
        spots = conn.execute(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT (ST_Dump(ST_GeneratePoints(ST_Buffer(geom::geography, -1500)::geometry, "
            "4, 7))).geom p FROM communes WHERE code = %s) q", (commune,)).fetchall()
    with connection(demo_db) as conn:
        accounts.create_user(conn, "xa.diachi", "commune_staff", [commune], password=PASSWORD)
        accounts.create_user(conn, "xa.hai", "commune_staff", [commune])
        token = accounts.issue_token(conn, "xa.hai")
    return {"url": writable_live_url, "db": demo_db, "commune": commune, "spots": spots,
            "other": {"Authorization": f"Bearer {token}"}}


def clean(page_log, allow_http=()):
    """The requests cut on purpose (offline, or the API route aborted) are not failures."""
    cut = "ERR_INTERNET_DISCONNECTED"
    page_log.failed = [f for f in page_log.failed if cut not in f]
    page_log.console_errors = [m for m in page_log.console_errors if cut not in m
                               and not ("AJAXError" in m or "Failed to fetch" in m)]
    assert_clean(page_log, allow_http)


def log_in(page, url, lang="vi"):
    page.goto(f"{url}/staff/addresses?lang={lang}")
    page.fill("#login-form [name=username]", "xa.diachi")
    page.fill("#login-form [name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_function("document.querySelector('#commune') && document.querySelector('#commune').value !== ''"
                           " && document.querySelector('#count').textContent !== ''")
    page.wait_for_function("window.addressMap && window.addressMap.loaded()")


def pending(page, n: int) -> None:
    page.wait_for_function(f"document.querySelector('#sync').dataset.pending === '{n}'", timeout=30000)


def tap(page, lon: float, lat: float) -> None:
    page.evaluate("([lon, lat]) => window.addressMap.jumpTo({center: [lon, lat], zoom: 17})", [lon, lat])
    page.wait_for_function("window.addressMap.loaded()")
    page.locator("#map").scroll_into_view_if_needed()
    x, y = page.evaluate("(c) => { const p = window.addressMap.project(c); return [p.x, p.y]; }", [lon, lat])
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def lon_in(text: str) -> float:
    return float(re.search(r"(1[0-9]{2}\.[0-9]{6}),", text).group(1))


def household_near(db: str, lon: float, lat: float, metres: float = 3):
    with psycopg.connect(db) as conn:
        return conn.execute(
            "SELECT h.id, h.address_code, h.verified_at IS NOT NULL, p.head_name, h.status FROM households h "
            "LEFT JOIN private.household_private p ON p.household_id = h.id "
            "WHERE ST_DWithin(h.geom::geography, ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, %s) "
            "AND h.created_at > now() - interval '1 hour' ORDER BY h.id", (lon, lat, metres)).fetchall()


@pytest.mark.parametrize("page", [PHONE], indirect=True)
def test_a_campaign_on_a_phone_through_a_lost_connection_and_a_conflict(page, page_log, field):
    (x1, y1), (x2, y2), (x3, y3), _ = field["spots"]
    context = page.context
    context.grant_permissions(["geolocation"], origin=field["url"])
    context.set_geolocation({"longitude": x1, "latitude": y1, "accuracy": 8})
    log_in(page, field["url"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone

    # 1. By GPS, accuracy shown, then verified.
    page.click("#locate")
    page.wait_for_function("document.querySelector('#fix').textContent.includes('8 m')")
    page.click("#place-fix")
    pending(page, 0)
    page.wait_for_function("/^[0-9A-Z]{4}-/.test(document.querySelector('#sel-code').dataset.code)")
    first_code = page.get_attribute("#sel-code", "data-code")
    assert CODE.match(first_code)
    page.click("#verify")
    pending(page, 0)
    [(first_id, code, verified, _, _)] = household_near(field["db"], x1, y1)
    assert code == first_code and verified

    # 2. The network goes; a household placed by tapping the map, verified, its head named.
    context.set_offline(True)
    page.wait_for_function("document.querySelector('#sync').dataset.online === 'false'")
    page.click("#tap-mode")
    tap(page, x2, y2)
    pending(page, 1)
    assert page.text_content("#sel-code") == "(mã cấp khi gửi)"
    page.click("#verify")
    page.fill("#private-form [name=head_name]", "Phạm Thị Hoa")
    page.fill("#private-form [name=members]", "5")
    page.click("#private-form button[type=submit]")
    pending(page, 3)
    assert household_near(field["db"], x2, y2, 10) == []  # nothing reached the server
    context.set_offline(False)
    pending(page, 0)
    [(second_id, second_code, verified, head, _)] = household_near(field["db"], x2, y2, 10)
    assert verified and head == "Phạm Thị Hoa"
    page.wait_for_function(f"document.querySelector('#sel-code').dataset.code === '{second_code}'")

    # 3. A conflict: offline, this phone moves the first point; another session moves it too.
    page.click(f"#list button[data-id='{first_id}']")
    context.set_offline(True)
    page.click("#move-tap")
    tap(page, x3, y3)
    pending(page, 1)
    with httpx.Client(base_url=field["url"], headers=field["other"]) as api:
        tag = api.get(f"/staff/api/households/{first_id}").headers["etag"]
        r = api.patch(f"/staff/api/households/{first_id}", headers={"If-Match": tag},
                      json={"point": {"lon": x1 + 0.0002, "lat": y1, "accuracy_m": 5, "source": "gps"}})
        assert r.status_code == 200, r.text
    context.set_offline(False)
    page.wait_for_selector("#conflicts:not([hidden]) li.conflict")
    pending(page, 0)
    conflict = page.locator("li.conflict")
    assert first_code in conflict.text_content()
    assert abs(lon_in(conflict.locator(".mine").text_content()) - x3) < 2e-5  # a tap is a pixel or so off
    assert abs(lon_in(conflict.locator(".theirs").text_content()) - (x1 + 0.0002)) < 1e-6
    conflict.locator("button.keep-mine").click()
    pending(page, 0)
    page.wait_for_selector("#conflicts", state="hidden")
    assert [r[1] for r in household_near(field["db"], x3, y3)] == [first_code]

    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    clean(page_log, (r"/staff/api/households/\d+$",))


@pytest.mark.parametrize("page", [PHONE], indirect=True)
def test_an_edit_kept_through_a_reload_is_sent_once_and_a_conflict_can_go_their_way(page, page_log, field):
    (x1, y1), (x2, y2), _, _ = field["spots"]
    log_in(page, field["url"], "en")
    page.route("**/staff/api/households**", lambda route: route.abort("internetdisconnected"))
    page.evaluate("([lon, lat]) => window.addressMap.jumpTo({center: [lon, lat], zoom: 17})", [x1, y1])
    page.focus("#place-centre")
    page.keyboard.press("Enter")  # placed with the keyboard at the map's centre
    pending(page, 1)
    page.reload()
    page.wait_for_function("document.querySelector('#count') && document.querySelector('#count').textContent !== ''")
    pending(page, 1)  # still on the phone after the reload
    assert "(code on sync)" in page.text_content("#list")
    assert household_near(field["db"], x1, y1, 10) == []
    page.unroute("**/staff/api/households**")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    pending(page, 0)
    made = household_near(field["db"], x1, y1, 10)
    assert len(made) == 1  # sent once

    # Their version wins when the user says so.
    hid = made[0][0]
    page.click(f"#list button[data-id='{hid}']")
    page.route("**/staff/api/households**", lambda route: route.abort("internetdisconnected"))
    page.click("#verify")
    pending(page, 1)
    with httpx.Client(base_url=field["url"], headers=field["other"]) as api:
        tag = api.get(f"/staff/api/households/{hid}").headers["etag"]
        assert api.patch(f"/staff/api/households/{hid}", headers={"If-Match": tag},
                         json={"point": {"lon": x2, "lat": y2, "source": "map"}}).status_code == 200
    page.unroute("**/staff/api/households**")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("li.conflict button.keep-theirs")
    page.click("li.conflict button.keep-theirs")
    page.wait_for_selector("#conflicts", state="hidden")
    pending(page, 0)
    assert [(r[0], r[2]) for r in household_near(field["db"], x2, y2)] == [(hid, False)]
    clean(page_log, (r"/staff/api/households/\d+$",))
