"""A tourism route's small map as inline SVG: the line and its numbered stops, north up.

Drawn on the server like the trace page's map (geo.svg_map: its framing and projection), so the
route's page shows where the route goes without a map library or tiles; the interactive map is
one link away (/embed?route=). Numbers are the stops' order in the list beside it. Every text is
XML-escaped here. Pure: no database, no web.
"""
from __future__ import annotations

from html import escape

from geo import svg_map

MIN_SPAN_M = 1500.0  # a short walk still shows its surroundings
STOP_R = 22


def svg(line: dict, stops: list[tuple[float, float]], label: str) -> str:
    """`line`: a GeoJSON (Multi)LineString in lon/lat; `stops`: (lon, lat) in order; `label`: the
    map's accessible name."""
    coords = line.get("coordinates") or []
    flat = [p for part in (coords if line.get("type") == "MultiLineString" else [coords]) for p in part]
    if len(flat) < 2:
        return ""
    points = flat + [list(s) for s in stops]
    bounds = [(min(p[0] for p in points), min(p[1] for p in points), max(p[0] for p in points), max(p[1] for p in points))]
    f = svg_map.frame(bounds, MIN_SPAN_M, 0.12)
    proj = svg_map._Projection(f)
    path = svg_map.path_data(line, proj)
    start, end = proj.xy(*flat[0][:2]), proj.xy(*flat[-1][:2])
    marks = "".join(
        f'<g class="stop"><circle cx="{x}" cy="{y}" r="{STOP_R}" fill="#fff" stroke="#1b5e20" stroke-width="5"/>'
        f'<text x="{x}" y="{y + 11}" text-anchor="middle" font-size="30" font-weight="700">{i}</text></g>'
        for i, (x, y) in enumerate((proj.xy(lon, lat) for lon, lat in stops), start=1))
    return (f'<svg class="route-map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {svg_map.WIDTH} {svg_map.HEIGHT}" '
            f'role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>'
            f'<rect width="{svg_map.WIDTH}" height="{svg_map.HEIGHT}" fill="#f4f1e8"/>'
            f'<path d="{path}" fill="none" stroke="#fff" stroke-width="14" stroke-linejoin="round" stroke-linecap="round"/>'
            f'<path class="line" d="{path}" fill="none" stroke="#c0392b" stroke-width="7" stroke-linejoin="round" '
            f'stroke-linecap="round"/>'
            f'<circle cx="{start[0]}" cy="{start[1]}" r="12" fill="#2e7d32"/>'
            f'<rect x="{end[0] - 11}" y="{end[1] - 11}" width="22" height="22" fill="#c0392b"/>{marks}</svg>')
