"""Issue 14's "done when", as one chain in Chromium against a live server on a demo database of its own:

a promoter on a 360 px phone signs in on /staff/tourism → creates a homestay → uploads two photos
(one a sideways phone JPEG with EXIF orientation and GPS; a file that is not an image is refused
with the API's words) → moves them by keyboard and picks the cover → submits → gives a route three
stops among published places and imports a GPX with heights, seeing its length and elevation
profile → submits it → tourism staff publish both from the queue → the place is on /tourism, on
/map, in the embed and in the tiles; its page's JSON-LD parses with @type, name, geo and image; its
photos come back as WebP in three sizes without EXIF; the route's page draws its profile and stops;
/sitemap.xml lists the place → staff unpublish the place and on the next request it is gone from
/tourism, the embed, /map, the sitemap, the tiles, and its page answers 404.
"""
from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import httpx
import psycopg
import pytest
from PIL import Image

from layers.db.engines import connection
from layers.write import accounts
from tests.api.test_tourism_routes_import import gpx_near
from tests.api.test_tourism_writes_lifecycle import tile_ids
from tests.api.tourism_media_helpers import new_place, new_route
from tests.api.tourism_write_helpers import communes
from tests.browser.chromium import ARTIFACTS
from tests.browser.mapping import IDLE, jump, open_map, rendered
from tests.browser.staff_helpers import PASSWORD, assert_clean
from tests.browser.test_accessibility import axe_violations, describe
from tests.geo.test_photo_variants import encoded, halves, phone_exif, png_bomb

PHONE = {"width": 360, "height": 740}
NAME = "Homestay Suối Mây <b>Bản Khe</b>"
ROUTE = "Tuyến đồi chè Suối Mây"
STOPS = ["Đồi chè Suối Mây", "Thác Bạc Suối Mây", "Chợ phiên Suối Mây"]
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"


@pytest.fixture
def world(demo_db, writable_live_url):
    """A promoter of the demo's largest commune, tourism staff of its province, three published
    places a route can stop at and the promoter's draft route (written straight into the database)."""
    (commune, province, lon, lat), _ = communes(demo_db)
    with connection(demo_db) as conn:
        accounts.create_user(conn, "mai.dulich", "tourism_promoter", [commune], password=PASSWORD)
        accounts.create_user(conn, "ha.sovh", "tourism_staff", [province], password=PASSWORD)
    stops = [new_place(demo_db, commune, lon + 0.004 * (i + 1), lat + 0.002, owner=None, status="published",
                       name=name, kind="scenic_spot") for i, name in enumerate(STOPS)]
    route = new_route(demo_db, lon, lat, owner="mai.dulich", name=ROUTE)
    return {"base": writable_live_url, "db": demo_db, "commune": commune, "lon": lon, "lat": lat, "stops": stops, "route": route}


def sign_in(page, base, name):
    page.goto(f"{base}/staff/tourism?lang=vi")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#login-form [name=username]", name)
    page.fill("#login-form [name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_function("(n) => document.querySelector('#who').textContent.includes(n)", arg=name)
    page.wait_for_selector("#work-view:not([hidden])")


def card(page, list_id, name):
    return page.locator(f"{list_id} li", has_text=name)


def open_manager(page, name):
    card(page, "#mine", name).locator("button[data-manage]").click()
    page.wait_for_selector("#manage[data-ready=true]")


def upload(page, name, data, mime, alt, refused=False):
    before = page.locator("#photo-list li").count()
    page.set_input_files("#photo-form [name=file]", files=[{"name": name, "mimeType": mime, "buffer": data}])
    page.fill("#photo-form [name=alt_vi]", alt)
    page.click("#photo-form button[type=submit]")
    if refused:  # the state line turns into the API's error, the list stays
        page.wait_for_selector("#photo-state.error")
        assert page.locator("#photo-list li").count() == before
        return page.locator("#photo-state").inner_text()
    page.wait_for_function("(n) => document.querySelectorAll('#photo-list li').length === n", arg=before + 1)
    return None


def photo_ids(page) -> list[int]:
    return [int(x) for x in page.locator("#photo-list li").evaluate_all("els => els.map((e) => e.dataset.photoId)")]


def fits(page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{what} is {width} px wide on a 360 px screen"


def on_map(page, base, url_path, lon, lat) -> set:
    open_map(page, base + url_path)
    jump(page, lon, lat, 16)
    page.wait_for_function(IDLE)
    return {f["_id"] for f in rendered(page, "tourism_places-icon")}


def sitemap(api) -> set[str]:
    r = api.get("/sitemap.xml")
    assert r.status_code == 200
    return {loc.text for loc in ET.fromstring(r.content).iter(SITEMAP)}


def webp_without_exif(api, path: str) -> tuple[int, int]:
    r = api.get(path)
    assert r.status_code == 200 and r.headers["content-type"] == "image/webp", path
    assert "immutable" in r.headers["cache-control"]
    im = Image.open(io.BytesIO(r.content))
    assert im.format == "WEBP" and not im.getexif() and "exif" not in im.info
    assert b"Exif" not in r.content and b"PhoneMaker" not in r.content
    return im.size


@pytest.mark.parametrize("page", [PHONE], indirect=True, ids=["phone"])
def test_done_when(page, page_log, world):
    base, lon, lat = world["base"], world["lon"], world["lat"]
    api = httpx.Client(base_url=base, timeout=60)
    ARTIFACTS.mkdir(exist_ok=True)

    # 1. The promoter, on a phone, creates the homestay (the point typed; tapping is test_staff_tourism's).
    sign_in(page, base, "mai.dulich")
    page.select_option("#place-form [name=kind]", "homestay")
    page.fill("#place-form [name=name_vi]", NAME)
    page.fill("#place-form [name=phone]", "0912 345 678")
    page.fill("#place-form [name=lon]", f"{lon:.6f}")
    page.fill("#place-form [name=lat]", f"{lat:.6f}")
    page.click("#place-form button[type=submit]")
    card(page, "#mine", NAME).wait_for()
    place = int(card(page, "#mine", NAME).get_attribute("data-id"))

    # 2. Its photos: a PDF named .jpg is refused in the API's words; a sideways phone JPEG (EXIF
    # orientation 6 and GPS) and a PNG are added, thumbnails from the API's URLs.
    open_manager(page, NAME)
    assert NAME in page.locator("#manage-title").inner_text()
    refused = upload(page, "menu.jpg", b"%PDF-1.4 not a photo", "image/jpeg", "Thực đơn", refused=True)
    assert refused.startswith("Lỗi: ") and "không phải ảnh" in refused, refused
    sideways = encoded(halves(1200, 800), "JPEG", quality=90, exif=phone_exif(6))
    assert b"PhoneMaker" in sideways
    upload(page, "nha-san.jpg", sideways, "image/jpeg", "Nhà sàn nhìn từ suối")
    upload(page, "vuon-che.png", encoded(Image.new("RGB", (1000, 700), (40, 150, 60)), "PNG"), "image/png",
           "Vườn chè sau nhà")
    first, second = photo_ids(page)
    page.wait_for_function("[...document.querySelectorAll('#photo-list img')].every(i => i.complete && i.naturalWidth > 0)")
    assert page.locator("#photo-list li").first.locator(".cover").count() == 1  # the first photo is the cover
    thumbs = page.locator("#photo-list img").evaluate_all("els => els.map((e) => e.getAttribute('src'))")
    assert all(s.startswith("/media/tourism/") and s.endswith("-400.webp") for s in thumbs)
    # By keyboard: the first photo moves down, and the focus stays with it.
    page.locator(f"#photo-list li[data-photo-id='{first}'] button[data-photo-action=down]").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("(id) => document.querySelector('#photo-list li').dataset.photoId === String(id)", arg=second)
    assert photo_ids(page) == [second, first]
    assert page.evaluate("document.activeElement.closest('li').dataset.photoId") == str(first)
    page.locator(f"#photo-list li[data-photo-id='{second}'] button[data-photo-action=cover]").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("(id) => document.querySelector(`#photo-list li[data-photo-id='${id}'] .cover`)", arg=second)
    assert page.locator("#photo-list .cover").count() == 1
    fits(page, "the photo manager")
    found = axe_violations(page)
    assert not found, describe(found)
    page.locator("#manage").screenshot(path=str(ARTIFACTS / "tourism_done_photos_360.png"))
    photos = api.get(f"/collections/tourism_places/items/{place}/photos", headers={}).status_code
    assert photos == 404  # a draft's photos are not public yet
    # The details, edited in the same manager: only what changed is sent, with the ETag it was read with.
    assert page.input_value("#edit-form [name=name_vi]") == NAME
    assert page.input_value("#edit-form [name=phone]") == "0912 345 678"
    page.fill("#edit-form [name=name_en]", "Suoi May stilt house")
    page.check("#edit-form [name=wifi]")
    page.click("#edit-form button[type=submit]")
    page.wait_for_function("document.querySelector('#edit-state').textContent === 'Đã lưu thay đổi.'")
    card(page, "#mine", NAME).locator("button[data-action=submit]").click()
    page.wait_for_function("(n) => [...document.querySelectorAll('#mine li')].some((li) => li.textContent.includes(n) "
                           "&& li.textContent.includes('Chờ duyệt'))", arg=NAME)

    # 3. The route: three stops among published places, in an order of the promoter's, then a GPX with heights.
    open_manager(page, ROUTE)
    assert page.locator("#route-box").is_visible()
    for name in (STOPS[2], STOPS[0], STOPS[1]):
        page.select_option("#stop-choice", label=name)
        page.click("#stop-add")
    page.locator("#stop-list li", has_text=STOPS[1]).locator("button[data-stop-action=up]").click()
    shown = page.locator("#stop-list .stop-name").all_inner_texts()
    assert shown == [STOPS[2], STOPS[1], STOPS[0]]
    assert page.locator("#stops-state").inner_text() == "Thứ tự mới chưa được lưu."
    page.set_input_files("#track-form [name=file]", files=[{"name": "doi-che.gpx", "mimeType": "application/gpx+xml",
                                                            "buffer": gpx_near({"lon": lon, "lat": lat})}])
    page.click("#track-form button[type=submit]")
    page.wait_for_selector("#track-result svg.profile-preview polyline")
    result = page.locator("#track-result").inner_text()
    assert page.locator("#stops-state").inner_text() == "Đã lưu các điểm dừng."
    assert "dài 1 km (101 điểm)" in result, result  # the server's length, rounded for people
    assert "từ 120 m đến 240 m" in result, result
    fits(page, "the route manager")
    page.locator("#manage").screenshot(path=str(ARTIFACTS / "tourism_done_route_360.png"))
    with psycopg.connect(world["db"]) as conn:
        saved = conn.execute("SELECT place_ids, round(length_km::numeric, 2) FROM tourism_routes WHERE id = %s",
                             (world["route"],)).fetchone()
    assert list(saved[0]) == [world["stops"][2], world["stops"][1], world["stops"][0]] and float(saved[1]) == 1.0
    card(page, "#mine", ROUTE).locator("button[data-action=submit]").click()
    page.wait_for_function("(n) => [...document.querySelectorAll('#mine li')].some((li) => li.textContent.includes(n) "
                           "&& li.textContent.includes('Chờ duyệt'))", arg=ROUTE)
    page.click("#logout")
    page.wait_for_selector("#login-view:not([hidden])")

    # 4. Tourism staff publish both from the queue.
    sign_in(page, base, "ha.sovh")
    for name in (NAME, ROUTE):
        card(page, "#queue", name).locator("button[data-action=publish]").click()
        page.wait_for_function("(n) => ![...document.querySelectorAll('#queue li')].some((li) => li.textContent.includes(n))",
                               arg=name)

    # 5. Everywhere on the next request: /tourism, the tiles, /map, the embed, the sitemap.
    assert "Homestay Suối Mây &lt;b&gt;Bản Khe&lt;/b&gt;" in api.get("/tourism", params={"lang": "vi", "shown": 1000}).text
    assert place in tile_ids(api, "tourism_places", lon, lat)
    assert place in on_map(page, base, f"/map#map=16.00/{lat:.5f}/{lon:.5f}&layers=tourism_places&lang=vi", lon, lat)
    assert place in on_map(page, base, f"/embed?commune={world['commune']}&lang=vi", lon, lat)
    page_url = f"{base}/tourism/places/{place}"
    assert page_url in sitemap(api)

    # 6. Its page: the name as text, JSON-LD with type, name, geo and the cover photo.
    page.goto(page_url + "?lang=vi")
    assert page.locator("h1").inner_text() == NAME
    doc = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    listed = api.get(f"/collections/tourism_places/items/{place}/photos").json()["photos"]
    assert [p["id"] for p in listed] == [second, first] and listed[0]["cover"]
    assert doc["@type"] == "LodgingBusiness" and doc["name"] == NAME
    assert doc["geo"]["@type"] == "GeoCoordinates"
    assert abs(float(doc["geo"]["latitude"]) - lat) < 1e-5 and abs(float(doc["geo"]["longitude"]) - lon) < 1e-5
    assert doc["image"][0] == base + listed[0]["urls"]["card"]
    item = api.get(f"/collections/tourism_places/items/{place}").json()["properties"]
    assert item["name_en"] == "Suoi May stilt house" and item["wifi"] is True and item["phone"] == "0912 345 678"
    fits(page, "the place's page")

    # 7. The photos: WebP in three sizes, no EXIF; the sideways one upright (portrait).
    sizes = {p["id"]: {size: webp_without_exif(api, url) for size, url in p["urls"].items()} for p in listed}
    for one in sizes.values():
        assert len({w for w, _ in one.values()}) == 3
    assert sizes[first]["full"] == (800, 1200) and sizes[first]["thumb"][1] == 400  # turned upright
    assert sizes[second]["full"] == (1000, 700)

    # 8. The route's page draws its elevation profile and its stops in the promoter's order.
    page.goto(f"{base}/tourism/routes/{world['route']}?lang=vi")
    chart = page.locator("svg.elevation-profile")
    assert chart.is_visible() and page.locator("svg.elevation-profile polyline").count() == 1
    assert page.locator("ol.stops li").all_inner_texts() == [STOPS[2], STOPS[1], STOPS[0]]
    fits(page, "the route's page")
    page.screenshot(path=str(ARTIFACTS / "tourism_done_route_page_360.png"), full_page=True)

    # 9. Tourism staff unpublish the place: gone everywhere on the next request.
    page.goto(f"{base}/staff/tourism?lang=vi")
    page.wait_for_selector("body[data-ready=true]")
    card(page, "#mine", NAME).locator("button[data-action=unpublish]").click()
    page.wait_for_function("(n) => [...document.querySelectorAll('#mine li')].some((li) => li.textContent.includes(n) "
                           "&& li.textContent.includes('Đã gỡ'))", arg=NAME)
    assert NAME not in api.get("/tourism", params={"lang": "vi", "shown": 1000}).text
    assert "Suối Mây &lt;b&gt;" not in api.get("/tourism", params={"lang": "vi", "shown": 1000}).text
    assert page_url not in sitemap(api)
    assert api.get(f"/tourism/places/{place}").status_code == 404
    assert place not in tile_ids(api, "tourism_places", lon, lat)
    assert api.get(f"/collections/tourism_places/items/{place}").status_code == 404
    assert place not in on_map(page, base, f"/embed?commune={world['commune']}&lang=vi", lon, lat)
    assert place not in on_map(page, base, f"/map#map=16.00/{lat:.5f}/{lon:.5f}&layers=tourism_places&lang=vi", lon, lat)
    assert_clean(page_log, allow_http=[rf"^400 .*/tourism_places/items/{place}/photos$"])


@pytest.mark.parametrize("page", [PHONE], indirect=True, ids=["phone"])
def test_the_route_manager_in_english_has_no_serious_axe_violation(page, page_log, world):
    """The manager open on a route with a photo, a stop and a track without heights, in English:
    the words of the catalogue, no profile promised, and axe-core finds nothing serious at 360 px."""
    base = world["base"]
    page.goto(f"{base}/staff/tourism?lang=en")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#login-form [name=username]", "mai.dulich")
    page.fill("#login-form [name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#work-view:not([hidden])")
    open_manager(page, ROUTE)
    assert page.evaluate("document.activeElement.id") == "manage-title"
    upload(page, "tea.webp", encoded(Image.new("RGB", (900, 600), (40, 150, 60)), "WEBP"), "image/webp", "Đồi chè")
    assert page.locator("#photo-list li .cover").inner_text() == "Cover photo"
    # A decompression bomb (20,000 × 20,000 PNG, small on disk) is refused in the API's words.
    refused = upload(page, "bomb.png", png_bomb(), "image/png", "Bom", refused=True)
    assert refused.startswith("Error: ") and "pixels" in refused, refused
    page.select_option("#stop-choice", label=STOPS[0])
    page.click("#stop-add")
    page.click("#stops-save")
    page.wait_for_function("document.querySelector('#stops-state').textContent === 'Stops saved.'")
    flat = gpx_near({"lon": world["lon"], "lat": world["lat"]}, elevation=False)
    page.set_input_files("#track-form [name=file]", files=[{"name": "flat.gpx", "mimeType": "application/gpx+xml",
                                                            "buffer": flat}])
    page.click("#track-form button[type=submit]")
    page.wait_for_selector("#track-result .track-length")
    result = page.locator("#track-result").inner_text()
    assert "Imported: 1 km long (101 points)." in result and "no elevation profile" in result, result
    assert page.locator("#track-result svg").count() == 0
    # Someone else changes the route meanwhile (the API, the same account elsewhere): the form's
    # save is refused with 412 in the page's words, nothing overwritten.
    with connection(world["db"]) as conn:
        token = accounts.issue_token(conn, "mai.dulich")
    elsewhere = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    tag = elsewhere.get(f"/staff/api/tourism/tourism_routes/{world['route']}").headers["etag"]
    r = elsewhere.patch(f"/collections/tourism_routes/items/{world['route']}", headers={"If-Match": tag},
                        json={"properties": {"duration_days": 2}})
    assert r.status_code == 200, r.text
    page.fill("#edit-form [name=name_en]", "Tea hills walk")
    page.click("#edit-form button[type=submit]")
    page.wait_for_selector("#edit-state.error")
    assert page.locator("#edit-state").inner_text() == "Someone changed the listing meanwhile; reload."
    assert elsewhere.get(f"/staff/api/tourism/tourism_routes/{world['route']}").json()["properties"]["name_en"] is None
    found = axe_violations(page)
    assert not found, describe(found)
    fits(page, "the route manager (en)")
    page.locator("#manage-close").click()
    assert page.locator("#manage").is_hidden()
    assert page.evaluate("document.activeElement.dataset.manage") == "true"  # back to the route's card
    assert_clean(page_log, allow_http=[rf"^412 .*/tourism_routes/items/{world['route']}$",
                                       rf"^413 .*/tourism_routes/items/{world['route']}/photos$"])
