"""Shareable tourism pages (issue 14): JSON-LD that parses back (rdflib) with the right @type, name,
geo and image; Open Graph tags; a QR code of the page's address; /sitemap.xml with published
listings only; every user text escaped, in the HTML and inside the JSON-LD script."""
from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
import rdflib
import zxingcpp
from PIL import Image

from tests.api.tourism_media_helpers import PLACES, demo_commune, new_place, new_route, people, set_status
from tests.geo.test_photo_variants import encoded, halves

SDO = rdflib.Namespace("https://schema.org/")
NASTY = '<script>alert("x")</script></script><img src=x onerror=alert(1)> & "Nhà" \'Khe\''


class Head(HTMLParser):
    """The page's meta properties, JSON-LD scripts and images, as a browser reads them."""

    def __init__(self):
        super().__init__()
        self.meta, self.jsonld, self.images, self.scripts, self._in = {}, [], [], [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and "property" in a:
            self.meta[a["property"]] = a.get("content")
        if tag == "script":
            self._in = a.get("type")
            self.scripts.append(a.get("type"))
        if tag == "img":
            self.images.append(a)

    def handle_data(self, data):
        if self._in == "application/ld+json":
            self.jsonld.append(data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = None


def parsed(html: str) -> Head:
    head = Head()
    head.feed(html)
    return head


@pytest.fixture
def t(writer, demo_db):
    commune, lon, lat = demo_commune(demo_db)
    who = people(demo_db, commune)
    return {"client": writer, "db": demo_db, "commune": commune, "lon": lon, "lat": lat, **who}


def with_photos(t, place: int, n: int = 2) -> list[dict]:
    out = []
    for i in range(n):
        data = encoded(halves(900 + i, 600), "JPEG")
        r = t["client"].post(f"{PLACES}/{place}/photos", headers=t["promoter"], files={"file": ("a.jpg", data)},
                             data={"alt_vi": f"Ảnh {i} {NASTY}", "alt_en": f"Photo {i}"})
        assert r.status_code == 201, r.text
        out.append(r.json()["photo"])
    return out


def test_a_published_homestay_page_has_json_ld_open_graph_and_a_qr_code(t):
    place = new_place(t["db"], t["commune"], t["lon"], t["lat"], name=NASTY, description_vi="Nhà sàn\n<b>đẹp</b>",
                      phone="0912 345 678", website="https://bankhe.example/?a=1&b=2")
    photos = with_photos(t, place)
    t["client"].patch(f"{PLACES}/{place}/photos/{photos[1]['id']}", headers=t["promoter"], json={"cover": True})
    client = t["client"]
    assert client.get(f"/tourism/places/{place}").status_code == 404  # a draft has no page
    set_status(t["db"], "tourism_places", place, "submitted", "published")
    page = client.get(f"/tourism/places/{place}?lang=vi")
    assert page.status_code == 200
    html = page.text
    assert "<script>alert" not in html and "onerror=alert(1)>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html or "&lt;script&gt;alert(&quot;x&quot;)" in html
    head = parsed(html)
    assert head.scripts == ["application/ld+json"]  # the name's </script> did not open or close any
    url = f"http://testserver/tourism/places/{place}"
    doc = json.loads(head.jsonld[0])
    assert doc["@type"] == "LodgingBusiness" and doc["name"] == NASTY and doc["url"] == url
    assert doc["geo"]["latitude"] == pytest.approx(t["lat"], abs=1e-6)
    cover = f"http://testserver{photos[1]['urls']['card']}"
    assert doc["image"][0] == cover and len(doc["image"]) == 2 and doc["telephone"] == "0912 345 678"
    assert doc["@context"] == "https://schema.org"
    offline = json.dumps({**doc, "@context": {"@vocab": "https://schema.org/"}})  # the context, without fetching it
    graph = rdflib.Graph().parse(data=offline, format="json-ld")
    subject = rdflib.URIRef(url)
    assert (subject, rdflib.RDF.type, SDO.LodgingBusiness) in graph
    assert str(graph.value(subject, SDO.name)) == NASTY
    geo = graph.value(subject, SDO.geo)
    assert float(graph.value(geo, SDO.latitude)) == pytest.approx(t["lat"], abs=1e-6)
    assert float(graph.value(geo, SDO.longitude)) == pytest.approx(t["lon"], abs=1e-6)
    assert cover in {str(o) for o in graph.objects(subject, SDO.image)}
    assert head.meta["og:title"] == NASTY and head.meta["og:url"] == url and head.meta["og:image"] == cover
    assert head.meta["og:locale"] == "vi_VN" and head.meta["og:image:alt"].startswith("Ảnh 1 ")
    shown = [img for img in head.images if img.get("data-sha256")]
    assert [img["data-sha256"] for img in shown] == [photos[1]["sha256"], photos[0]["sha256"]]  # cover first
    assert shown[0]["alt"] == f"Ảnh 1 {NASTY}"
    png = client.get(f"/tourism/places/{place}/qr.png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))] == [url]
    english = parsed(client.get(f"/tourism/places/{place}?lang=en").text)
    assert json.loads(english.jsonld[0])["name"] == NASTY and english.meta["og:image:alt"] == "Photo 1"
    set_status(t["db"], "tourism_places", place, "unpublished")
    assert client.get(f"/tourism/places/{place}").status_code == 404
    assert client.get(f"/tourism/places/{place}/qr.png").status_code == 404


def test_other_places_are_tourist_attractions_and_the_name_falls_back(t):
    place = new_place(t["db"], t["commune"], t["lon"], t["lat"], kind="craft_village", name="Làng nghề mây tre")
    set_status(t["db"], "tourism_places", place, "submitted", "published")
    doc = json.loads(parsed(t["client"].get(f"/tourism/places/{place}?lang=en").text).jsonld[0])
    assert doc["@type"] == "TouristAttraction" and doc["name"] == "Làng nghề mây tre" and "image" not in doc


def test_a_route_page_is_a_tourist_trip_with_its_stops(t):
    stops = [new_place(t["db"], t["commune"], t["lon"], t["lat"], status="published", name=f"Điểm {i}",
                       kind="scenic_spot") for i in range(2)]
    route = new_route(t["db"], t["lon"], t["lat"], name="Tuyến <i>chè</i>", place_ids=stops[::-1])
    set_status(t["db"], "tourism_routes", route, "submitted", "published")
    page = t["client"].get(f"/tourism/routes/{route}?lang=vi")
    assert page.status_code == 200 and "<i>chè</i>" not in page.text
    doc = json.loads(parsed(page.text).jsonld[0])
    assert doc["@type"] == "TouristTrip" and doc["name"] == "Tuyến <i>chè</i>"
    items = doc["itinerary"]["itemListElement"]
    assert [i["item"]["name"] for i in items] == ["Điểm 1", "Điểm 0"] and items[0]["item"]["geo"]["latitude"]


def test_the_sitemap_lists_published_listings_only(t):
    client = t["client"]
    place = new_place(t["db"], t["commune"], t["lon"], t["lat"])
    route = new_route(t["db"], t["lon"], t["lat"])

    def listed() -> set[str]:
        r = client.get("/sitemap.xml")
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/xml")
        root = ET.fromstring(r.content)
        return {loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}

    before = listed()
    assert {"http://testserver/map", "http://testserver/tourism"} <= before
    assert f"http://testserver/tourism/places/{place}" not in before
    assert any(re.fullmatch(r"http://testserver/tourism/places/\d+", u) for u in before)  # the demo's
    set_status(t["db"], "tourism_places", place, "submitted", "published")
    set_status(t["db"], "tourism_routes", route, "submitted", "published")
    after = listed()
    assert {f"http://testserver/tourism/places/{place}", f"http://testserver/tourism/routes/{route}"} <= after
    set_status(t["db"], "tourism_places", place, "unpublished")
    assert f"http://testserver/tourism/places/{place}" not in listed()
    robots = client.get("/robots.txt")
    assert robots.status_code == 200 and "Sitemap: http://testserver/sitemap.xml" in robots.text

