"""A small map as inline SVG, drawn on the server: a lot's growing areas on the trace page.

A buyer opens the trace page on a phone, often on a weak connection, so the page carries its map
inside itself: no map library, no tiles, no second request. The database has already simplified
and clipped the shapes to the frame (layers.read.trace_map); this module frames the areas,
projects longitude/latitude onto a flat local plane (longitude scaled by the cosine of the
frame's middle latitude, so a square field looks square), rounds to whole units of a 1000-wide
view box (a thousandth of the map's width: finer than a phone's pixels) and writes paths.

Each area is filled with its status colour and labelled with its code (above it, so the label's
halo does not hide it); an area whose code is not granted today also gets diagonal hatching, so
the map does not speak by colour alone, and an area too small to see at the map's scale is circled. Commune
boundaries are dashed lines. Every text is XML-escaped here: the result is safe to put in a page
as it is. Pure: no database, no web.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

WIDTH = 1000
HEIGHT = 750  # 4:3, landscape: a phone's width, less than half its height
MIN_SPAN_M = 800.0  # the frame shows at least this much ground, so one small field has a context
PAD = 0.35  # margin on each side of the areas, as a share of their extent
M_PER_DEG = 111_320.0
LABEL_SIZE = 40  # view-box units: ~13 px on a 360 px phone, ~20 px on a desktop (510 px)
RING = 28  # an area smaller than this radius is circled, so a 1 ha field on a 5 km map is found


@dataclass(frozen=True)
class Frame:
    """The ground the map shows, in degrees, already at the map's aspect ratio."""
    west: float
    south: float
    east: float
    north: float

    @property
    def span_m(self) -> float:
        return (self.east - self.west) * M_PER_DEG * math.cos(math.radians((self.south + self.north) / 2))

    @property
    def tolerance_deg(self) -> float:
        """Detail finer than this (a fifth of a view-box unit) cannot show: what to simplify to."""
        return (self.east - self.west) / WIDTH / 5


@dataclass(frozen=True)
class Area:
    code: str
    status: str  # the status today, which colours it
    geometry: dict  # GeoJSON Polygon or MultiPolygon, lon/lat
    label: tuple[float, float]  # a point inside the area (lon, lat)
    granted: bool = True  # False: hatched as well as coloured


@dataclass(frozen=True)
class Style:
    colours: dict[str, str]  # status → fill colour
    title: str
    description: str
    boundary: str = "#5f6b61"
    hatch: str = "#1d2a1f"


def frame(bounds: list[tuple[float, float, float, float]], min_span_m: float = MIN_SPAN_M,
          pad: float = PAD) -> Frame:
    """The frame around the areas' bounds (west, south, east, north each): their extent plus a
    margin, at least `min_span_m` across, widened or heightened to the map's 4:3."""
    if not bounds:
        raise ValueError("a map needs at least one area")
    west = min(b[0] for b in bounds)
    south = min(b[1] for b in bounds)
    east = max(b[2] for b in bounds)
    north = max(b[3] for b in bounds)
    cos = math.cos(math.radians((south + north) / 2))
    width_m = (east - west) * M_PER_DEG * cos
    height_m = (north - south) * M_PER_DEG
    width_m, height_m = width_m * (1 + 2 * pad), height_m * (1 + 2 * pad)
    width_m = max(width_m, height_m * WIDTH / HEIGHT, min_span_m)
    height_m = width_m * HEIGHT / WIDTH
    cx, cy = (west + east) / 2, (south + north) / 2
    half_w = width_m / 2 / (M_PER_DEG * cos)
    half_h = height_m / 2 / M_PER_DEG
    return Frame(cx - half_w, cy - half_h, cx + half_w, cy + half_h)


class _Projection:
    def __init__(self, f: Frame) -> None:
        self.f = f
        self.kx = WIDTH / (f.east - f.west)
        self.ky = HEIGHT / (f.north - f.south)

    def xy(self, lon: float, lat: float) -> tuple[int, int]:
        return round((lon - self.f.west) * self.kx), round((self.f.north - lat) * self.ky)


def _ring(points, proj: _Projection, close: bool) -> str:
    out: list[tuple[int, int]] = []
    for lon, lat, *_ in points:
        p = proj.xy(lon, lat)
        if not out or out[-1] != p:
            out.append(p)
    if close and len(out) > 1 and out[0] == out[-1]:
        out.pop()
    if len(out) < (3 if close else 2):
        return ""
    text = f"M{out[0][0]} {out[0][1]}" + "".join(f"L{x} {y}" for x, y in out[1:])
    return text + ("Z" if close else "")


def path_data(geometry: dict | None, proj: _Projection) -> str:
    """SVG path data of a GeoJSON geometry: polygons closed, lines open, points skipped."""
    if not geometry:
        return ""
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        return "".join(_ring(r, proj, True) for r in coords)
    if kind == "MultiPolygon":
        return "".join(_ring(r, proj, True) for poly in coords for r in poly)
    if kind == "LineString":
        return _ring(coords, proj, False)
    if kind == "MultiLineString":
        return "".join(_ring(line, proj, False) for line in coords)
    if kind == "GeometryCollection":
        return "".join(path_data(g, proj) for g in geometry.get("geometries", ()))
    return ""


def _points(geometry: dict | None):
    if not geometry:
        return
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    rings = coords if kind == "Polygon" else [r for poly in coords for r in poly] if kind == "MultiPolygon" else []
    for ring in rings:
        yield from ring


def extent(geometry: dict | None, proj: _Projection) -> tuple[int, int, int, int] | None:
    """The geometry's box on the map (x0, y0, x1, y1), None when it has no polygon."""
    xy = [proj.xy(p[0], p[1]) for p in _points(geometry)]
    if not xy:
        return None
    return min(x for x, _ in xy), min(y for _, y in xy), max(x for x, _ in xy), max(y for _, y in xy)


def _label_at(area: Area, box, proj: _Projection) -> tuple[int, int, str]:
    """Above the area (below when it touches the top), so the halo never hides the field; near
    the left or right edge the text grows inward."""
    x, y = proj.xy(*area.label)
    if box is not None:
        y = box[1] - 12 if box[1] - 12 >= LABEL_SIZE else box[3] + LABEL_SIZE + 4
    x = min(max(x, 8), WIDTH - 8)
    y = min(max(y, LABEL_SIZE), HEIGHT - 8)
    anchor = "start" if x < WIDTH * 0.2 else "end" if x > WIDTH * 0.8 else "middle"
    return x, y, anchor


def svg(f: Frame, areas: list[Area], boundaries: list[dict], style: Style) -> str:
    """The map: commune boundaries under the areas, each area coloured by status (hatched when not
    granted; ringed when too small to see), codes on top with a white halo so they read over
    anything."""
    proj = _Projection(f)
    parts = [f'<svg class="trace-map" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-labelledby="map-title map-desc" preserveAspectRatio="xMidYMid meet">',
             f'<title id="map-title">{escape(style.title)}</title><desc id="map-desc">{escape(style.description)}</desc>',
             f'<defs><pattern id="hatch" width="16" height="16" patternUnits="userSpaceOnUse" '
             f'patternTransform="rotate(45)"><path d="M0 0V16" stroke="{style.hatch}" stroke-width="4" '
             f'stroke-opacity=".55"/></pattern></defs>',
             f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#f4f1ea"/>']
    lines = "".join(path_data(g, proj) for g in boundaries)
    if lines:
        parts.append(f'<path d="{lines}" fill="none" stroke="{style.boundary}" stroke-width="4" '
                     f'stroke-dasharray="16 10"/>')
    boxes = []
    for area in areas:
        d = path_data(area.geometry, proj)
        box = extent(area.geometry, proj) if d else None
        colour = style.colours.get(area.status, "#757575")
        if d:
            parts.append(f'<path d="{d}" fill="{colour}" fill-opacity=".6" stroke="{colour}" stroke-width="5" '
                         f'fill-rule="evenodd"/>')
            if not area.granted:
                parts.append(f'<path d="{d}" fill="url(#hatch)" fill-rule="evenodd"/>')
        if box is not None and box[2] - box[0] < 2 * RING and box[3] - box[1] < 2 * RING:
            cx, cy = (box[0] + box[2]) // 2, (box[1] + box[3]) // 2
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="{RING}" fill="none" stroke="{colour}" stroke-width="5"/>')
            box = (cx - RING, cy - RING, cx + RING, cy + RING)
        boxes.append(box)
    for area, box in zip(areas, boxes):
        x, y, anchor = _label_at(area, box, proj)
        parts.append(f'<text x="{x}" y="{y}" text-anchor="{anchor}" font-size="{LABEL_SIZE}" font-weight="700" '
                     f'fill="#111" stroke="#fff" stroke-width="8" paint-order="stroke" '
                     f'stroke-linejoin="round">{escape(area.code)}</text>')
    parts.append("</svg>")
    return "".join(parts)
