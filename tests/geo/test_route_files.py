"""geo.route_files: a route's track from GPX (written by gpxpy, as apps write it), KML and KMZ;
hostile files (entity bombs, external entities, a million points, zip bombs) refused before they
cost anything; long tracks simplified with a note; the elevation profile and its SVG chart."""
from __future__ import annotations

import io
import math
import time
import xml.etree.ElementTree as ET
import zipfile

import gpxpy
import gpxpy.gpx
import pytest

from geo import elevation_profile, route_files
from geo.route_files import RouteFileProblem

pytestmark = pytest.mark.unit

# A walk up a tea hill in Thanh Chương: 1 km north-east, climbing 120 m to 240 m and back down.
START = (105.30, 18.70)


def hill_gpx(points: int = 101, elevation: bool = True, name: str = "Đồi chè Thanh An") -> bytes:
    gpx = gpxpy.gpx.GPX()
    track = gpxpy.gpx.GPXTrack(name=name)
    segment = gpxpy.gpx.GPXTrackSegment()
    gpx.tracks.append(track)
    track.segments.append(segment)
    for i in range(points):
        f = i / (points - 1)
        ele = 120 + 120 * math.sin(math.pi * f) if elevation else None
        segment.points.append(gpxpy.gpx.GPXTrackPoint(START[1] + 0.009 * f, START[0] + 0.0 * f, elevation=ele))
    return gpx.to_xml().encode()


def problem(data: bytes, name: str = "route.gpx") -> RouteFileProblem:
    with pytest.raises(RouteFileProblem) as caught:
        route_files.read(data, name)
    return caught.value


def test_a_gpx_written_by_gpxpy_gives_its_track_length_name_and_profile():
    track = route_files.read(hill_gpx(), "walk.gpx")
    assert track.source_format == "gpx" and track.name == "Đồi chè Thanh An"
    assert track.points_read == track.points_kept == 101 and not track.notes
    assert len(track.lines) == 1 and track.lines[0][0] == pytest.approx(START)
    assert track.length_m == pytest.approx(1000.8, abs=2)  # 0.009° of latitude
    profile = track.profile
    assert profile.distance_m[0] == 0 and profile.distance_m[-1] == pytest.approx(1001, abs=2)
    assert profile.lowest_m == 120 and profile.highest_m == 240 and profile.climb_m == pytest.approx(120, abs=0.5)
    assert track.wkt.startswith("MULTILINESTRING ((105.3 18.7")


def test_a_route_without_elevation_has_no_profile_and_gpx_routes_are_read_too():
    assert route_files.read(hill_gpx(elevation=False)).profile is None
    gpx = gpxpy.gpx.GPX()
    route = gpxpy.gpx.GPXRoute(name="Tuyến làng nghề")
    route.points = [gpxpy.gpx.GPXRoutePoint(18.7, 105.3), gpxpy.gpx.GPXRoutePoint(18.71, 105.31)]
    gpx.routes.append(route)
    track = route_files.read(gpx.to_xml().encode())
    assert track.name == "Tuyến làng nghề" and len(track.lines[0]) == 2 and track.profile is None


def test_kml_linestrings_and_gx_tracks_and_kmz():
    kml = (b'<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2" '
           b'xmlns:gx="http://www.google.com/kml/ext/2.2"><Document><name>Tuyen ven song Lam</name>'
           b'<Placemark><Point><coordinates>105.3,18.7,0</coordinates></Point></Placemark>'
           b'<Placemark><Polygon><outerBoundaryIs><LinearRing><coordinates>1,1 2,2 3,1 1,1</coordinates>'
           b'</LinearRing></outerBoundaryIs></Polygon></Placemark>'
           b'<Placemark><LineString><coordinates>105.30,18.70,10 105.31,18.71,40\n 105.32,18.70,25'
           b'</coordinates></LineString></Placemark>'
           b'<Placemark><gx:Track><when>2026-01-01T00:00:00Z</when><gx:coord>105.4 18.8 5</gx:coord>'
           b'<gx:coord>105.41 18.8 6</gx:coord></gx:Track></Placemark></Document></kml>')
    track = route_files.read(kml, "route.kml")
    assert track.source_format == "kml" and track.name == "Tuyen ven song Lam"
    assert [len(line) for line in track.lines] == [3, 2]  # the point and the polygon's ring are not the route
    assert track.profile.elevation_m == (10.0, 40.0, 25.0, 5.0, 6.0)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("files/readme.txt", "x")
        z.writestr("doc.kml", kml)
    assert route_files.read(out.getvalue(), "route.kmz").lines == track.lines
    clamped = kml.replace(b",10 ", b",0 ").replace(b",40", b",0").replace(b",25", b",0").replace(b"<gx:Track>", b"<x>")
    assert route_files.read(clamped.split(b"<Placemark><x>")[0] + b"</Document></kml>").profile is None


def test_an_entity_bomb_is_refused_without_expanding():
    lol = "".join(f'<!ENTITY lol{i} "{"&lol%d;" % (i - 1) * 10}">' for i in range(1, 10))
    bomb = (f'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY lol0 "lol">{lol}]>'
            f'<gpx version="1.1" creator="x"><trk><name>&lol9;</name><trkseg>'
            f'<trkpt lat="18.7" lon="105.3"/><trkpt lat="18.8" lon="105.3"/></trkseg></trk></gpx>').encode()
    started = time.process_time()
    refused = problem(bomb)
    assert time.process_time() - started < 1.0  # 10^9 "lol"s were not made
    assert refused.args[0].key == "tourism_share.route_file.dtd" and refused.status == 400


def test_an_external_entity_is_never_read():
    sneaky = (b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY secret SYSTEM "file:///etc/passwd">'
              b'<!ENTITY far SYSTEM "http://192.0.2.1/x">]><kml><Document><name>&secret;&far;</name>'
              b'<Placemark><LineString><coordinates>1,1 2,2</coordinates></LineString></Placemark></Document></kml>')
    refused = problem(sneaky, "x.kml")
    assert refused.args[0].key == "tourism_share.route_file.dtd" and "root:" not in str(refused)


def test_a_million_points_is_refused_and_the_reading_stops_early():
    head = b'<gpx version="1.1" creator="t"><trk><trkseg>'
    point = b'<trkpt lat="18.7" lon="105.3"/>'
    million = head + point * 1_000_000 + b"</trkseg></trk></gpx>"
    refused = problem(million)
    assert refused.status == 413 and refused.args[0].key == "tourism_share.route_file.bytes"  # 31 MB: over the size
    # Small enough in bytes, too many in points: counted while streaming, stopped at the first over.
    many = head + point * (route_files.MAX_POINTS + 50_000) + b"</trkseg></trk></gpx>"
    assert len(many) < route_files.MAX_BYTES
    started = time.process_time()
    refused = problem(many)
    assert refused.status == 413 and refused.args[0].key == "tourism_share.route_file.points"
    assert "200,000 points" in str(refused)
    assert time.process_time() - started < 5


def test_a_long_track_is_simplified_with_a_note_and_its_length_from_every_point():
    data = hill_gpx(points=20_000)
    track = route_files.read(data)
    assert track.points_read == 20_000 and track.points_kept <= route_files.STORED_POINTS
    assert track.notes and track.notes[0].key == "tourism_share.route_file.simplified"
    assert track.notes[0].values == {"n": 20_000, "kept": track.points_kept}
    assert track.length_m == pytest.approx(1000.8, abs=2)
    assert len(track.profile.distance_m) == route_files.PROFILE_POINTS
    assert track.profile.highest_m == pytest.approx(240, abs=0.1)


def test_a_zip_bomb_kmz_is_not_unpacked_past_the_limit():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("doc.kml", b"<kml>" + b" " * (route_files.MAX_BYTES + 10) + b"</kml>")
    assert len(out.getvalue()) < 100_000
    refused = problem(out.getvalue(), "bomb.kmz")
    assert refused.status == 413 and refused.args[0].key == "tourism_share.route_file.bytes"


@pytest.mark.parametrize("data, key", [
    (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "tourism_share.route_file.not_route"),
    (b"<gpx><trk><trkseg><trkpt lat='1' lon='2'>", "tourism_share.route_file.xml"),
    (b'<gpx version="1.1"><trk><trkseg><trkpt lat="18.7" lon="105.3"/></trkseg></trk></gpx>',
     "tourism_share.route_file.no_track"),
    (b'<gpx version="1.1"><trk><trkseg><trkpt lat="95" lon="105.3"/><trkpt lat="18" lon="105"/></trkseg></trk></gpx>',
     "tourism_share.route_file.out_of_range"),
    (b'<kml><Placemark><LineString><coordinates>a,b 1,2</coordinates></LineString></Placemark></kml>',
     "tourism_share.route_file.coordinate"),
    (b"PK\x03\x04 not really a zip", "tourism_share.route_file.bad_zip"),
])
def test_bad_files_are_named(data, key):
    assert problem(data).args[0].key == key


def test_the_profile_chart_is_svg_with_escaped_words():
    track = route_files.read(hill_gpx())
    drawn = elevation_profile.svg(track.profile.distance_m, track.profile.elevation_m, "vi",
                                  '<script>alert("x")</script> Độ cao')
    root = ET.fromstring(drawn)
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and "<script>" not in drawn
    assert root.get("aria-label") == '<script>alert("x")</script> Độ cao'
    words = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert words == ["240 m", "120 m", "0", "1 km"]
    assert elevation_profile.svg((0,), (1.0,), "en", "x") == ""


def test_the_route_map_draws_the_line_and_numbered_stops_with_escaped_words():
    from geo import route_map
    track = route_files.read(hill_gpx())
    line = {"type": "MultiLineString", "coordinates": [[list(p) for p in part] for part in track.lines]}
    drawn = route_map.svg(line, [START, (105.30, 18.709)], 'Tuyến "<chè>" & 2 điểm')
    root = ET.fromstring(drawn)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("aria-label") == 'Tuyến "<chè>" & 2 điểm' and "<chè>" not in drawn
    assert [t.text for t in root.iter(f"{ns}text")] == ["1", "2"]
    path = root.find(f"{ns}path[@class='line']").get("d")
    assert path.startswith("M") and path.count("L") >= 1
    assert route_map.svg({"type": "LineString", "coordinates": [[1, 2]]}, [], "x") == ""
