"""A route's elevation profile as a small inline SVG chart, drawn on the server.

The route's page carries the chart inside itself (no chart library, no second request): height
against distance, the area under the line filled, the lowest and highest heights and the length
written beside the axes in the page's language (geo.formatting). Every text is XML-escaped here,
so the result can go into a page as it is. Pure: no database, no web.
"""
from __future__ import annotations

from html import escape

from geo import formatting

WIDTH, HEIGHT = 600, 160
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 10, 22  # room for the height and distance labels


def svg(distance_m, elevation_m, lang: str, label: str) -> str:
    """The chart; `label` is its accessible name (e.g. "Elevation profile: 120–480 m")."""
    if len(distance_m) < 2 or len(distance_m) != len(elevation_m):
        return ""
    total = max(distance_m[-1], 1)
    low, high = min(elevation_m), max(elevation_m)
    span = max(high - low, 10.0)  # a flat route is not drawn as a cliff
    base = low - span * 0.05
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(d: float) -> float:
        return LEFT + d / total * plot_w

    def y(e: float) -> float:
        return TOP + plot_h - (e - base) / (span * 1.1) * plot_h

    line = " ".join(f"{x(d):.1f},{y(e):.1f}" for d, e in zip(distance_m, elevation_m))
    area = f"M{x(distance_m[0]):.1f},{TOP + plot_h} L{line.replace(' ', ' L')} L{x(distance_m[-1]):.1f},{TOP + plot_h} Z"
    km = formatting.length_km(total / 1000, lang)
    words = [(LEFT - 4, y(high) + 4, "end", f"{formatting.number(high, lang)} m"),
             (LEFT - 4, y(low) + 4, "end", f"{formatting.number(low, lang)} m"),
             (LEFT, HEIGHT - 6, "start", "0"),
             (WIDTH - RIGHT, HEIGHT - 6, "end", km)]
    texts = "".join(f'<text x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}">{escape(t)}</text>'
                    for tx, ty, anchor, t in words)
    return (f'<svg class="elevation-profile" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
            f'role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>'
            f'<path d="{area}" fill="#b5d99c" stroke="none"/>'
            f'<polyline points="{line}" fill="none" stroke="#2e7d32" stroke-width="2"/>'
            f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="#555"/>'
            f'<g font-size="12" fill="#333">{texts}</g></svg>')
