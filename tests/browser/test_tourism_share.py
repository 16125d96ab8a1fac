"""Tourism share pages in Chromium (issue 14): a published homestay's page shows its photos cover
first, carries JSON-LD (type, name, geo, image) and Open Graph tags, and its QR code, read from the
screen, decodes to the page's address; a route imported from a GPX with heights shows its
elevation profile and stops; the embed shows that one route. A name with HTML in it reads as text."""
from __future__ import annotations

import io
import json

import httpx
import pytest
import zxingcpp
from PIL import Image

from tests.api.tourism_media_helpers import PLACES, ROUTES, demo_commune, new_place, new_route, people, set_status
from tests.api.test_tourism_routes_import import gpx_near
from tests.geo.test_photo_variants import encoded, halves

NAME = 'Homestay <b>Bản Khe</b> "&" <script>document.title="owned"</script>'


@pytest.fixture
def listed(demo_db, writable_live_url):
    commune, lon, lat = demo_commune(demo_db)
    who = people(demo_db, commune)
    place = new_place(demo_db, commune, lon, lat, name=NAME, description_vi="Nhà sàn bên suối.")
    stops = [new_place(demo_db, commune, lon + 0.002 * i, lat + 0.001, status="published", name=f"Điểm dừng {i}",
                       kind="scenic_spot") for i in range(3)]
    route = new_route(demo_db, lon, lat, name="Tuyến đồi chè")
    with httpx.Client(base_url=writable_live_url, headers=who["promoter"], timeout=60) as api:
        shas = []
        for i, colour in enumerate([(200, 40, 40), (40, 40, 200)]):
            im = halves(1200, 800) if i == 0 else Image.new("RGB", (1000, 700), colour)
            r = api.post(f"{PLACES}/{place}/photos", files={"file": (f"p{i}.jpg", encoded(im, "JPEG"))},
                         data={"alt_vi": f"Ảnh {i} của nhà sàn"})
            assert r.status_code == 201, r.text
            shas.append(r.json()["photo"])
        r = api.patch(f"{PLACES}/{place}/photos/{shas[1]['id']}", json={"cover": True})
        assert r.status_code == 200, r.text
        t = {"lon": lon, "lat": lat}
        r = api.put(f"{ROUTES}/{route}/track", headers={"If-Match": "*"},
                    files={"file": ("walk.gpx", gpx_near(t))}, data={"stops": ",".join(map(str, stops))})
        assert r.status_code == 200, r.text
    set_status(demo_db, "tourism_places", place, "submitted", "published")
    set_status(demo_db, "tourism_routes", route, "submitted", "published")
    return {"base": writable_live_url, "place": place, "route": route, "photos": shas, "stops": stops}


def test_a_place_page_shows_photos_json_ld_open_graph_and_a_qr_code_that_reads(page, page_log, listed):
    base, place = listed["base"], listed["place"]
    url = f"{base}/tourism/places/{place}"
    page.goto(url + "?lang=vi")
    assert page.locator("h1").inner_text() == NAME  # the name's HTML is text, its script never ran
    assert page.title() != "owned" and NAME in page.title()
    images = page.locator(".photos img")
    assert images.count() == 2
    cover, second = listed["photos"][1], listed["photos"][0]
    assert [images.nth(i).get_attribute("data-sha256") for i in range(2)] == [cover["sha256"], second["sha256"]]
    assert images.first.get_attribute("alt") == "Ảnh 1 của nhà sàn"
    page.wait_for_function("[...document.querySelectorAll('.photos img')].every(i => i.complete && i.naturalWidth > 0)")
    assert page.evaluate("document.querySelector('.photos img').naturalWidth") == 800  # the card size
    doc = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert doc["@type"] == "LodgingBusiness" and doc["name"] == NAME and doc["url"] == url
    assert doc["geo"]["@type"] == "GeoCoordinates" and doc["image"][0] == base + cover["urls"]["card"]
    og = page.evaluate("Object.fromEntries([...document.querySelectorAll('meta[property^=\"og:\"]')]"
                       ".map(m => [m.getAttribute('property'), m.getAttribute('content')]))")
    assert og["og:title"] == NAME and og["og:url"] == url and og["og:image"] == base + cover["urls"]["card"]
    qr = page.locator("#qr")
    page.wait_for_function("document.getElementById('qr').complete && document.getElementById('qr').naturalWidth > 0")
    shot = Image.open(io.BytesIO(qr.screenshot()))
    assert [r.text for r in zxingcpp.read_barcodes(shot)] == [url]
    page_log.assert_clean()


def test_a_route_page_shows_its_elevation_profile_and_stops_and_the_embed_shows_it(page, page_log, listed):
    base, route = listed["base"], listed["route"]
    page.goto(f"{base}/tourism/routes/{route}?lang=en")
    chart = page.locator("svg.elevation-profile")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box["width"] > 300 and box["height"] > 60
    assert page.locator("svg.elevation-profile polyline").count() == 1
    assert "Elevation from 120 m to 240 m" in page.locator("#profile").inner_text()
    assert page.locator("ol.stops li").all_inner_texts() == ["Điểm dừng 0", "Điểm dừng 1", "Điểm dừng 2"]
    drawn = page.locator("svg.route-map")
    assert drawn.is_visible() and drawn.bounding_box()["width"] > 300
    assert page.locator("svg.route-map g.stop").count() == 3
    doc = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert doc["@type"] == "TouristTrip" and doc["itinerary"]["numberOfItems"] == 3
    page.goto(f"{base}/embed?route={route}&lang=en")
    assert page.locator("#embed-focus").inner_text() == "Tuyến đồi chè"
    page.wait_for_function("window.ntmMap && ntmMap.loaded() && ntmMap.areTilesLoaded()")
    lines = page.evaluate("ntmMap.queryRenderedFeatures().filter(f => f.sourceLayer === 'tourism_routes')"
                          ".map(f => f.id)")
    assert lines and set(lines) == {route}
    page_log.assert_clean()


@pytest.mark.parametrize("page", [{"width": 360, "height": 740}], indirect=True, ids=["phone"])
def test_the_pages_fit_a_phone(page, page_log, listed):
    for path in (f"/tourism/places/{listed['place']}?lang=vi", f"/tourism/routes/{listed['route']}?lang=vi"):
        page.goto(listed["base"] + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width} px wide on a 360 px screen"
        assert page.locator("#qr").bounding_box()["width"] <= 360
    page_log.assert_clean()
