"""geo.svg_map: the trace page's small map, as SVG a browser and an XML parser both read, framed
around the areas, north up, every text escaped, statuses told by colour and hatching."""
from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest

from geo import svg_map

pytestmark = pytest.mark.unit

NS = "{http://www.w3.org/2000/svg}"
COLOURS = {"granted": "#2e7d32", "suspended": "#f9a825", "revoked": "#c62828", "expired": "#757575"}


def square(lon: float, lat: float, side_deg: float = 0.002) -> dict:
    h = side_deg / 2
    return {"type": "Polygon", "coordinates": [[[lon - h, lat - h], [lon + h, lat - h], [lon + h, lat + h],
                                                [lon - h, lat + h], [lon - h, lat - h]]]}


def bounds(geometry: dict) -> tuple[float, float, float, float]:
    xs = [p[0] for ring in geometry["coordinates"] for p in ring]
    ys = [p[1] for ring in geometry["coordinates"] for p in ring]
    return min(xs), min(ys), max(xs), max(ys)


def parse(text: str) -> ET.Element:
    """The SVG as an XML document (inline SVG in HTML needs no namespace; XML does)."""
    return ET.fromstring(text.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


def metres(f: svg_map.Frame) -> tuple[float, float]:
    cos = math.cos(math.radians((f.south + f.north) / 2))
    return (f.east - f.west) * svg_map.M_PER_DEG * cos, (f.north - f.south) * svg_map.M_PER_DEG


def style(**over) -> svg_map.Style:
    return svg_map.Style(colours=COLOURS, title=over.get("title", "Bản đồ"), description=over.get("description", "2 vùng"))


def test_a_small_field_gets_the_minimum_span_at_four_to_three():
    f = svg_map.frame([bounds(square(105.6, 18.7, 0.0005))])  # ~50 m across
    width, height = metres(f)
    assert width == pytest.approx(svg_map.MIN_SPAN_M, rel=1e-6)
    assert width / height == pytest.approx(svg_map.WIDTH / svg_map.HEIGHT, rel=1e-6)
    assert (f.west + f.east) / 2 == pytest.approx(105.6) and (f.south + f.north) / 2 == pytest.approx(18.7)


def test_distant_areas_both_fit_with_a_margin_whatever_the_shape_of_their_spread():
    for a, b in (((105.60, 18.70), (105.66, 18.70)), ((105.60, 18.70), (105.60, 18.78))):  # side by side; one above
        boxes = [bounds(square(*a)), bounds(square(*b))]
        f = svg_map.frame(boxes)
        width, height = metres(f)
        assert width / height == pytest.approx(4 / 3, rel=1e-6)
        for w, s, e, n in boxes:
            assert f.west < w and e < f.east and f.south < s and n < f.north
        spread_m = max(abs(a[0] - b[0]) * svg_map.M_PER_DEG * math.cos(math.radians(18.7)),
                       abs(a[1] - b[1]) * svg_map.M_PER_DEG)
        assert max(width, height * 4 / 3) > spread_m * (1 + svg_map.PAD)
    with pytest.raises(ValueError):
        svg_map.frame([])


def test_paths_are_north_up_closed_rings_with_holes_and_open_lines():
    f = svg_map.Frame(105.0, 18.0, 105.004, 18.003)
    proj = svg_map._Projection(f)
    assert proj.xy(105.0, 18.003) == (0, 0) and proj.xy(105.004, 18.0) == (svg_map.WIDTH, svg_map.HEIGHT)
    with_hole = {"type": "Polygon", "coordinates": [
        [[105.0005, 18.0005], [105.0035, 18.0005], [105.0035, 18.0025], [105.0005, 18.0025], [105.0005, 18.0005]],
        [[105.001, 18.001], [105.001, 18.002], [105.002, 18.002], [105.001, 18.001]]]}
    d = svg_map.path_data(with_hole, proj)
    assert d.count("M") == 2 and d.count("Z") == 2
    assert d.startswith("M125 625L875 625L875 125L125 125Z")  # the closing point is not repeated
    line = svg_map.path_data({"type": "MultiLineString", "coordinates": [[[105.0, 18.0], [105.004, 18.003]]]}, proj)
    assert line == "M0 750L1000 0"
    # Points that round to the same unit are one; a ring that collapses to a point is left out.
    tiny = square(105.002, 18.0015, 1e-7)
    assert svg_map.path_data(tiny, proj) == ""
    assert svg_map.path_data({"type": "Point", "coordinates": [105.001, 18.001]}, proj) == ""
    assert svg_map.path_data(None, proj) == ""


def test_the_map_colours_by_status_hatches_what_is_not_granted_and_labels_every_area():
    a, b = square(105.60, 18.70), square(105.62, 18.71)
    f = svg_map.frame([bounds(a), bounds(b)])
    areas = [svg_map.Area("VN-40-16708-0001", "granted", a, (105.60, 18.70)),
             svg_map.Area("VN-40-16708-0002", "revoked", b, (105.62, 18.71), granted=False)]
    boundary = {"type": "LineString", "coordinates": [[f.west, 18.705], [f.east, 18.705]]}
    root = parse(svg_map.svg(f, areas, [boundary], style()))
    assert root.get("viewBox") == "0 0 1000 750" and root.get("role") == "img"
    paths = root.findall(f"{NS}path")
    fills = [p.get("fill") for p in paths]
    assert fills == ["none", COLOURS["granted"], COLOURS["revoked"], "url(#hatch)"]  # boundary first, under the areas
    assert paths[0].get("stroke-dasharray")
    labels = root.findall(f"{NS}text")
    assert [t.text for t in labels] == ["VN-40-16708-0001", "VN-40-16708-0002"]
    for t in labels:
        assert 0 <= int(t.get("x")) <= 1000 and 0 <= int(t.get("y")) <= 750
    # Each label sits just above its area (north up: lower y is further north), centred on it.
    proj = svg_map._Projection(f)
    for label, area in zip(labels, areas):
        x0, y0, x1, y1 = svg_map.extent(area.geometry, proj)
        assert x0 <= int(label.get("x")) <= x1 and y0 - 20 <= int(label.get("y")) < y0
    assert root.findall(f"{NS}circle") == []  # both squares are big enough to see


def test_an_area_too_small_to_see_is_circled_and_labelled_above_its_ring():
    big, tiny = square(105.60, 18.70, 0.03), square(105.61, 18.7145, 0.0002)  # ~3 km, ~20 m
    f = svg_map.frame([bounds(big), bounds(tiny)])
    areas = [svg_map.Area("BIG", "granted", big, (105.60, 18.70)),
             svg_map.Area("TINY", "suspended", tiny, (105.61, 18.7145), granted=False)]
    root = parse(svg_map.svg(f, areas, [], style()))
    [circle] = root.findall(f"{NS}circle")
    proj = svg_map._Projection(f)
    cx, cy = proj.xy(105.61, 18.7145)
    assert abs(int(circle.get("cx")) - cx) <= 1 and abs(int(circle.get("cy")) - cy) <= 1
    assert circle.get("stroke") == COLOURS["suspended"]
    assert cy > 2 * svg_map.RING + svg_map.LABEL_SIZE  # room above the ring: its label goes there
    assert cy - svg_map.RING - 20 <= int(root.findall(f"{NS}text")[1].get("y")) < cy - svg_map.RING


def test_every_text_is_escaped():
    a = square(105.6, 18.7)
    f = svg_map.frame([bounds(a)])
    evil = '<script>alert("x")</script> & </svg>'
    text = svg_map.svg(f, [svg_map.Area(evil, "granted", a, (105.6, 18.7))], [],
                       style(title=evil, description=evil))
    assert "<script>" not in text and "</svg>" not in text[:-6]
    root = parse(text)
    assert root.find(f"{NS}title").text == evil and root.find(f"{NS}desc").text == evil
    assert root.find(f"{NS}text").text == evil


def test_a_label_near_an_edge_grows_inward_and_stays_on_the_map():
    a = square(105.6, 18.7)
    f = svg_map.frame([bounds(a)])
    outside = [svg_map.Area("WEST", "granted", a, (f.west - 1, f.north + 1)),
               svg_map.Area("EAST", "expired", a, (f.east + 1, f.south - 1), granted=False)]
    labels = parse(svg_map.svg(f, outside, [], style())).findall(f"{NS}text")
    assert [(t.get("text-anchor"), t.get("x")) for t in labels] == [("start", "8"), ("end", "992")]
    assert all(svg_map.LABEL_SIZE <= int(t.get("y")) <= svg_map.HEIGHT - 8 for t in labels)
    # An area at the very top of the map is labelled under itself, not off the map.
    top = square(105.6, f.north - 0.0001, 0.0002)
    [label] = parse(svg_map.svg(f, [svg_map.Area("TOP", "granted", top, (105.6, f.north))], [], style())).findall(f"{NS}text")
    assert int(label.get("y")) > svg_map.RING
