"""A tourism route's track imported from GPX/KML over HTTP (issue 14): the route's editors only,
If-Match, stops that are published places, the elevation profile shown on the route's page once
published; hostile files (entity bombs, a million points) refused in the caller's language."""
from __future__ import annotations

import re

import pytest

from tests.api.tourism_media_helpers import ROUTES, demo_commune, new_place, new_route, people, set_status
from tests.geo.test_route_files import hill_gpx

VI = {"Accept-Language": "vi"}


@pytest.fixture
def t(writer, demo_db):
    commune, lon, lat = demo_commune(demo_db)
    who = people(demo_db, commune)
    stops = [new_place(demo_db, commune, lon + 0.001 * i, lat, status="published", name=f"Điểm {i}", kind="scenic_spot")
             for i in range(3)]
    route = new_route(demo_db, lon, lat)
    return {"client": writer, "db": demo_db, "route": route, "stops": stops, "commune": commune, "lon": lon,
            "lat": lat, **who}


def gpx_near(t, points: int = 101, elevation: bool = True) -> bytes:
    """The hill walk of tests/geo/test_route_files.py moved into the demo commune."""
    text = hill_gpx(points, elevation).decode()
    text = re.sub(r'lat="([0-9.]+)"', lambda m: f'lat="{float(m.group(1)) - 18.70 + t["lat"]:.7f}"', text)
    text = re.sub(r'lon="([0-9.]+)"', lambda m: f'lon="{float(m.group(1)) - 105.30 + t["lon"]:.7f}"', text)
    return text.encode()


def put(t, data: bytes, stops=None, who="promoter", if_match="*", route=None, headers=None, name="walk.gpx"):
    form = {"stops": stops} if stops is not None else {}
    head = {**t[who], **({"If-Match": if_match} if if_match else {}), **(headers or {})}
    return t["client"].put(f"{ROUTES}/{route or t['route']}/track", headers=head,
                           files={"file": (name, data, "application/gpx+xml")}, data=form)


def test_a_gpx_with_elevation_becomes_the_route_with_its_stops_and_profile(t):
    client, route, stops = t["client"], t["route"], t["stops"]
    r = put(t, gpx_near(t), stops=f"{stops[2]}, {stops[0]},{stops[1]}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["place_ids"] == [stops[2], stops[0], stops[1]] and body["length_km"] == pytest.approx(1.0, abs=0.01)
    assert body["points_read"] == 101 and body["notes"] == [] and body["source_format"] == "gpx"
    assert body["profile"]["highest_m"] == 240 and body["profile"]["climb_m"] == pytest.approx(120, abs=0.5)
    assert r.headers["etag"].startswith(f'"tr-{route}-')
    stale = put(t, gpx_near(t), if_match='"tr-1-1"')
    assert stale.status_code == 412
    assert put(t, gpx_near(t), if_match=None).status_code == 428
    # Not public while a draft; the page shows the profile and the stops once published.
    assert client.get(f"/tourism/routes/{route}").status_code == 404
    set_status(t["db"], "tourism_routes", route, "submitted", "published")
    page = client.get(f"/tourism/routes/{route}?lang=vi")
    assert page.status_code == 200
    assert 'class="elevation-profile"' in page.text and "Độ cao từ 120 m đến 240 m" in page.text
    assert page.text.index(f"/tourism/places/{stops[2]}?") < page.text.index(f"/tourism/places/{stops[0]}?")


def test_a_track_without_heights_has_no_profile_and_a_kml_is_read(t):
    r = put(t, gpx_near(t, elevation=False))
    assert r.status_code == 200 and r.json()["profile"] is None
    lon, lat = t["lon"], t["lat"]
    kml = (f'<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><LineString><coordinates>'
           f'{lon},{lat},100 {lon + 0.01},{lat},150 {lon + 0.01},{lat + 0.01},130</coordinates></LineString>'
           f'</Placemark></kml>').encode()
    r = put(t, kml, name="route.kml")
    assert r.status_code == 200 and r.json()["source_format"] == "kml"
    assert r.json()["profile"]["elevation_m"] == [100.0, 150.0, 130.0]
    assert r.json()["place_ids"] == []  # no stops sent: the route keeps its own


def test_stops_must_be_published_places(t):
    draft = new_place(t["db"], t["commune"], t["lon"], t["lat"], name="Chưa đăng")
    r = put(t, gpx_near(t), stops=f"{t['stops'][0]},{draft}", headers=VI)
    assert r.status_code == 422 and str(draft) in r.json()["description"]
    assert "đã công bố" in r.json()["description"]
    assert put(t, gpx_near(t), stops="1,x").status_code == 400
    assert put(t, gpx_near(t), stops="5,5").status_code == 400


def test_only_the_routes_editors_may_import(t):
    for who in ("rival", "viewer"):
        assert put(t, gpx_near(t), who=who).status_code == 403
    assert put(t, gpx_near(t), who="staff").status_code == 200
    assert put(t, gpx_near(t), route=2**31 - 1).status_code == 404


def test_hostile_and_huge_files_are_refused_in_the_callers_language(t):
    lol = "".join(f'<!ENTITY l{i} "{"&l%d;" % (i - 1) * 10}">' for i in range(1, 10))
    bomb = (f'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY l0 "lol">{lol}]><gpx version="1.1"><trk><name>&l9;</name>'
            f'<trkseg><trkpt lat="{t["lat"]}" lon="{t["lon"]}"/><trkpt lat="{t["lat"] + .01}" lon="{t["lon"]}"/>'
            f'</trkseg></trk></gpx>').encode()
    r = put(t, bomb, headers=VI)
    assert r.status_code == 400 and "DTD" in r.json()["description"] and "không được đọc" in r.json()["description"]
    point = f'<trkpt lat="{t["lat"]:.5f}" lon="{t["lon"]:.5f}"/>'.encode()
    million = b'<gpx version="1.1"><trk><trkseg>' + point * 1_000_000 + b"</trkseg></trk></gpx>"
    r = put(t, million, headers=VI)
    assert r.status_code == 413 and "byte" in r.json()["description"]
    many = b'<gpx version="1.1"><trk><trkseg>' + point * 210_000 + b"</trkseg></trk></gpx>"
    r = put(t, many, headers=VI)
    assert r.status_code == 413 and "200.000 điểm" in r.json()["description"], r.text
    r = put(t, b"not a route at all", headers=VI)
    assert r.status_code == 400 and "GPX, KML hay KMZ" in r.json()["description"]


def test_a_long_track_is_simplified_and_the_note_says_so(t):
    r = put(t, gpx_near(t, points=12_000), headers=VI)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["points_read"] == 12_000 and body["points_kept"] <= 5_000
    assert body["notes"] == [f"Tuyến đã được giản lược từ 12.000 xuống {body['points_kept']:,} điểm".replace(",", ".")]


def test_a_promoters_new_track_for_a_published_route_waits_for_moderation(t):
    client, route = t["client"], t["route"]
    assert put(t, gpx_near(t)).status_code == 200  # a draft: the line and its profile at once
    set_status(t["db"], "tourism_routes", route, "submitted", "published")
    assert "Elevation from 120 m to 240 m" in client.get(f"/tourism/routes/{route}?lang=en").text
    lon, lat = t["lon"], t["lat"]
    kml = (f'<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><LineString><coordinates>'
           f'{lon},{lat},300 {lon + 0.01},{lat},350 {lon + 0.01},{lat + 0.01},330</coordinates></LineString>'
           f'</Placemark></kml>').encode()
    r = put(t, kml, name="new.kml", stops=str(t["stops"][1]))
    assert r.status_code == 200, r.text
    assert r.json()["pending"] is True
    page = client.get(f"/tourism/routes/{route}?lang=en").text
    assert "Elevation from 120 m to 240 m" in page and "300 m" not in page  # the published line stays, with its profile
    r = client.post(f"{ROUTES}/{route}/actions/publish", headers={**t["staff"], "If-Match": "*"})
    assert r.status_code == 200, r.text
    page = client.get(f"/tourism/routes/{route}?lang=en").text
    assert "Elevation from 300 m to 350 m" in page and "120 m" not in page
    assert page.count('<li><a href="/tourism/places/') == 1 and f"/tourism/places/{t['stops'][1]}?" in page
