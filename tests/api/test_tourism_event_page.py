"""A tourism event's share page (issue 14): schema.org Event with its dates and place, escaped
names, the embed showing that one event, the sitemap and the QR code."""
from __future__ import annotations

import io
import json
import re

import psycopg
import pytest
import zxingcpp
from PIL import Image

from tests.api.test_tourism_share import parsed, t  # noqa: F401  (fixture)
from tests.api.tourism_media_helpers import new_place, set_status


def test_an_event_page_is_an_event_and_the_embed_shows_that_event(t):
    client = t["client"]
    place = new_place(t["db"], t["commune"], t["lon"], t["lat"], status="published", name="Đền Cuông")
    with psycopg.connect(t["db"]) as conn:
        event = conn.execute(
            "INSERT INTO tourism_events (kind, name_vi, name_en, place_id, commune_code, starts_on, ends_on, status, geom) "
            "VALUES ('festival', 'Lễ hội <đền> Cuông', 'Cuong Temple Festival', %s, %s, '2027-02-20', '2027-02-22', "
            "'draft', ST_SetSRID(ST_MakePoint(%s, %s), 4326)) RETURNING id",
            (place, t["commune"], t["lon"], t["lat"])).fetchone()[0]
    assert client.get(f"/tourism/events/{event}").status_code == 404
    assert client.get(f"/embed?event={event}").status_code == 404
    set_status(t["db"], "tourism_events", event, "submitted", "published")
    page = client.get(f"/tourism/events/{event}?lang=vi")
    assert page.status_code == 200 and "Lễ hội &lt;đền&gt; Cuông" in page.text and "Lễ hội <đền>" not in page.text
    doc = json.loads(parsed(page.text).jsonld[0])
    assert doc["@type"] == "Event" and doc["name"] == "Lễ hội <đền> Cuông" and doc["startDate"] == "2027-02-20"
    assert doc["endDate"] == "2027-02-22" and doc["location"]["geo"]["latitude"] == pytest.approx(t["lat"], abs=1e-6)
    assert doc["keywords"] == "Lễ hội"
    assert json.loads(parsed(client.get(f"/tourism/events/{event}?lang=en").text).jsonld[0])["name"] == \
        "Cuong Temple Festival"
    assert "Lễ hội &lt;đền&gt; Cuông" in client.get(f"/embed?event={event}&lang=vi").text
    embed = client.get(f"/embed?event={event}&lang=en")
    assert embed.status_code == 200 and "Cuong Temple Festival" in embed.text
    config = json.loads(re.search(r'<script id="map-config" type="application/json">(.*?)</script>', embed.text,
                                  re.S).group(1))
    assert config["view"]["event"] == event and config["view"]["places"] == [place]
    assert f"http://testserver/tourism/events/{event}" in client.get("/sitemap.xml").text
    png = client.get(f"/tourism/events/{event}/qr.png")
    assert [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))] == \
        [f"http://testserver/tourism/events/{event}"]
