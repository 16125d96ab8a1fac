"""A small vector map on a printed page: polygons given in lon/lat drawn as PDF paths in a box.

No tiles and no network: a certificate must print the same offline and years later, so the map
is the area's own boundary and its commune's outline, projected locally (metres east and north
of the shapes' centre, the longitude shrunk by the cosine of the latitude: exact enough over a
commune, a few kilometres) and scaled to fit the box with the north up. The scale is stated as a
bar of a round length (1, 2 or 5 × 10ⁿ m) and a ratio; both are approximate and say so.

A shape is a list of polygons, each a list of rings (exterior first, then holes), each a list of
(lon, lat) pairs: what GeoJSON's MultiPolygon coordinates are. Holes are drawn with the even-odd
rule, so a hole in an area prints as a hole.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import PathPaintRule

Ring = Sequence[Sequence[float]]
Polygon = Sequence[Ring]
Shape = Sequence[Polygon]

M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON = 111_320.0  # at the equator; times cos(latitude)
MIN_VISIBLE_MM = 3.0  # an area drawn smaller than this gets a ring around it, to be found


@dataclass(frozen=True)
class Frame:
    """Where the map is (x, y, w, h in mm on the page) and how lon/lat land in it."""
    x: float
    y: float
    w: float
    h: float
    lon0: float
    lat0: float
    coslat: float
    mm_per_m: float

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        east = (lon - self.lon0) * M_PER_DEG_LON * self.coslat
        north = (lat - self.lat0) * M_PER_DEG_LAT
        return self.x + self.w / 2 + east * self.mm_per_m, self.y + self.h / 2 - north * self.mm_per_m

    @property
    def ratio(self) -> float:
        """The scale's denominator: 1 mm on paper is this many mm on the ground."""
        return 1000.0 / self.mm_per_m


def bounds(shapes: Iterable[Shape]) -> tuple[float, float, float, float] | None:
    xs, ys = [], []
    for shape in shapes:
        for polygon in shape or ():
            for ring in polygon:
                for lon, lat, *_ in ring:
                    xs.append(lon)
                    ys.append(lat)
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)


def fit(shapes: Iterable[Shape], x: float, y: float, w: float, h: float, margin: float = 0.06) -> Frame:
    """The frame that shows every shape whole inside the box, centred, `margin` of it left free."""
    box = bounds(shapes)
    if box is None:  # nothing to draw: any frame will do
        return Frame(x, y, w, h, 0.0, 0.0, 1.0, 1.0)
    west, south, east, north = box
    lat0 = (south + north) / 2
    coslat = math.cos(math.radians(lat0))
    width_m = max((east - west) * M_PER_DEG_LON * coslat, 1.0)
    height_m = max((north - south) * M_PER_DEG_LAT, 1.0)
    usable = 1 - 2 * margin
    mm_per_m = min(w * usable / width_m, h * usable / height_m)
    return Frame(x, y, w, h, (west + east) / 2, lat0, coslat, mm_per_m)


def draw(pdf: FPDF, frame: Frame, shape: Shape, fill: str | None, stroke: str, width: float = 0.3) -> None:
    """Each polygon of `shape` as one path (exterior and holes, even-odd), filled and/or stroked."""
    rule = PathPaintRule.STROKE_FILL_EVENODD if fill else PathPaintRule.STROKE
    for polygon in shape or ():
        rings = [r for r in polygon if len(r) >= 3]
        if not rings:
            continue
        with pdf.new_path(0, 0, paint_rule=rule) as path:
            if fill:
                path.style.fill_color = fill
            path.style.stroke_color = stroke
            path.style.stroke_width = width
            path.style.stroke_join_style = "round"
            for ring in rings:
                first, *rest = [frame.point(lon, lat) for lon, lat, *_ in ring]
                path.move_to(*first)
                for px, py in rest:
                    path.line_to(px, py)
                path.close()


def mark_if_small(pdf: FPDF, frame: Frame, shape: Shape, colour: str) -> bool:
    """A ring around a shape drawn too small to see (an area of a few hectares in a large
    commune); True when it was drawn."""
    box = bounds([shape])
    if box is None:
        return False
    (x1, y1), (x2, y2) = frame.point(box[0], box[1]), frame.point(box[2], box[3])
    size = max(abs(x2 - x1), abs(y2 - y1))
    if size >= MIN_VISIBLE_MM:
        return False
    radius = MIN_VISIBLE_MM
    with pdf.new_path(0, 0, paint_rule=PathPaintRule.STROKE) as path:
        path.style.stroke_color = colour
        path.style.stroke_width = 0.5
        path.circle((x1 + x2) / 2, (y1 + y2) / 2, radius)
    return True


def nice_length(metres: float) -> float:
    """The largest of 1, 2, 5 × 10ⁿ metres not above `metres` (at least 1 m)."""
    if metres < 1:
        return 1.0
    power = 10 ** math.floor(math.log10(metres))
    return max(step * power for step in (1, 2, 5) if step * power <= metres)


def length_text(metres: float) -> str:
    return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"


def scale_bar(frame: Frame, longest_mm: float) -> tuple[float, float, str]:
    """(metres, mm on paper, label) of a round scale bar no longer than `longest_mm`."""
    metres = nice_length(longest_mm / frame.mm_per_m)
    return metres, metres * frame.mm_per_m, length_text(metres)


def draw_scale_bar(pdf: FPDF, frame: Frame, x: float, y: float, longest_mm: float) -> float:
    """A bar with end ticks and its length written above it; returns the bar's length in mm."""
    _, mm, label = scale_bar(frame, longest_mm)
    pdf.set_draw_color(40)
    pdf.set_line_width(0.4)
    pdf.line(x, y, x + mm, y)
    pdf.line(x, y - 1.2, x, y + 1.2)
    pdf.line(x + mm, y - 1.2, x + mm, y + 1.2)
    pdf.set_xy(x, y - 4.2)
    pdf.cell(w=mm, h=3, text=label, align="C")
    return mm


def draw_north(pdf: FPDF, x: float, y: float, size: float = 6.0) -> None:
    """A north arrow: a filled triangle pointing up with N over it (the map is north up)."""
    pdf.set_fill_color(40)
    pdf.polygon([(x, y), (x - size / 3, y + size), (x + size / 3, y + size)], style="F")
    pdf.set_xy(x - 3, y - 4)
    pdf.cell(w=6, h=3.5, text="N", align="C")
