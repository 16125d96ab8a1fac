"""`ntm-map check --html`: the check report as one offline page for the office.

A map of the trouble (the part outside the commune, the overlap, the stray household point)
over commune boundaries, one layer per rule, then a table per rule with each problem in words.
Everything shown is public (codes, names of areas, address codes): the report can be mailed.
"""
from __future__ import annotations

from html import escape
from pathlib import Path

import folium
from branca.element import Element

from api.pages.folium_map import POLYGON_SIMPLIFY, TextTooltip, leaflet_assets
from layers.jobs.checks import CheckReport
from layers.read.public_features import feature_collection
from layers.read.registry import get

COLOURS = ("#d7301f", "#7a0177", "#fc8d59", "#2b8cbe", "#238443", "#6a51a3", "#e7298a", "#8c510a",
           "#01665e", "#b2182b", "#4d4d4d", "#dd3497")
WORDS = {
    "vi": {"title": "Kiểm tra dữ liệu theo quy tắc", "none": "Không có vấn đề nào.", "count": "{n} vấn đề",
           "rule": "Quy tắc", "problems": "Số vấn đề", "layer": "Lớp", "id": "Số hiệu", "label": "Tên / mã",
           "what": "Vấn đề", "ok": "đạt", "checked": "Đã kiểm tra", "rows": "dòng"},
    "en": {"title": "Data checked against the rules", "none": "No problems found.", "count": "{n} problems",
           "rule": "Rule", "problems": "Problems", "layer": "Layer", "id": "Row id", "label": "Name / code",
           "what": "Problem", "ok": "passed", "checked": "Checked", "rows": "rows"},
}
STYLE = """<style>
body{font-family:system-ui,sans-serif;margin:0}
.report{padding:0 12px 24px;max-width:1100px}
.report table{border-collapse:collapse;width:100%;font-size:14px;margin-bottom:12px}
.report th,.report td{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
.report .wrap{overflow-x:auto}
.swatch{display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:middle}
</style>"""


def _layer_title(layer_id: str, lang: str) -> str:
    try:
        layer = get(layer_id)
    except KeyError:
        return layer_id
    return layer.title_vi if lang == "vi" else layer.title_en


def _rule_title(rule, lang):
    return rule.title_vi if lang == "vi" else rule.title_en


def _tables(report: CheckReport, lang: str, colours: dict) -> str:
    w = WORDS[lang]
    checked = ", ".join(f"{escape(_layer_title(k, lang))} {v:,} {w['rows']}" for k, v in report.checked.items())
    out = [f"<div class='report'><h1>{w['title']}</h1>",
           f"<p>{w['none'] if report.ok else w['count'].format(n=len(report.findings)) + '.'} {w['checked']}: {checked}.</p>",
           f"<div class='wrap'><table><tr><th>{w['rule']}</th><th>{w['problems']}</th></tr>"]
    for rule in report.rules:
        n = len(report.of(rule.id))
        swatch = f"<span class='swatch' style='background:{colours[rule.id]}'></span>"
        out.append(f"<tr><td>{swatch}<a href='#{rule.id}'>{escape(_rule_title(rule, lang))}</a></td>"
                   f"<td>{n if n else w['ok']}</td></tr>")
    out.append("</table></div>")
    for rule in report.rules:
        found = report.of(rule.id)
        if not found:
            continue
        out.append(f"<h2 id='{rule.id}'>{escape(_rule_title(rule, lang))} ({len(found)})</h2><div class='wrap'><table>"
                   f"<tr><th>{w['layer']}</th><th>{w['id']}</th><th>{w['label']}</th><th>{w['what']}</th></tr>")
        for f in found:
            out.append(f"<tr><td>{escape(_layer_title(f.layer, lang))}</td><td>{f.id}</td><td>{escape(str(f.label or ''))}</td>"
                       f"<td>{escape(f.message(rule, lang))}</td></tr>")
        out.append("</table></div>")
    return "\n".join(out) + "</div>"


def write_html(conn, report: CheckReport, path: Path, lang: str, vendor_dir: Path) -> Path:
    """Raises LeafletMissing when the npm files are not there (`make setup`)."""
    js, css = leaflet_assets(vendor_dir)
    colours = {rule.id: COLOURS[i % len(COLOURS)] for i, rule in enumerate(report.rules)}
    m = folium.Map(tiles=None, control_scale=True, prefer_canvas=True, height="60vh")
    m.default_js, m.default_css = [], []
    root = m.get_root()
    root.header.add_child(Element(f"<style>{css}</style>{STYLE}"), name="leaflet_css_inline")
    root.header.add_child(Element(f"<script>{js}</script>"), name="leaflet_js_inline")
    root.header.add_child(Element(f"<title>{WORDS[lang]['title']}</title>"), name="title")
    background = feature_collection(conn, "communes", None, simplify=POLYGON_SIMPLIFY)
    folium.GeoJson(background, name="background", control=False,
                   style_function=lambda f: {"color": "#607d8b", "weight": 1, "fillColor": "#f7f5ee",
                                             "fillOpacity": 1}).add_to(m)
    for rule in report.rules:
        features = [{"type": "Feature", "geometry": f.where,
                     "properties": {"label": str(f.label or f"#{f.id}"), "problem": f.message(rule, lang)}}
                    for f in report.of(rule.id) if f.where]
        if not features:
            continue
        colour = colours[rule.id]
        group = folium.FeatureGroup(name=f"{_rule_title(rule, lang)} ({len(features)})")
        folium.GeoJson({"type": "FeatureCollection", "features": features},
                       marker=folium.CircleMarker(radius=6, weight=2, color=colour, fill=True, fill_opacity=0.8),
                       style_function=lambda _f, c=colour: {"color": c, "weight": 3, "fillColor": c, "fillOpacity": 0.6},
                       tooltip=TextTooltip(fields=["label", "problem"], aliases=["", ""], labels=False)).add_to(group)
        group.add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    root.html.add_child(Element(_tables(report, lang, colours)))
    lats = [c for f in background["features"] for c in _coords(f["geometry"])]
    if lats:
        ys, xs = [p[1] for p in lats], [p[0] for p in lats]
        m.fit_bounds([[min(ys), min(xs)], [max(ys), max(xs)]])
    root.save(str(path))
    return path


def _coords(geom):
    stack = [geom["coordinates"]] if geom else []
    while stack:
        c = stack.pop()
        if c and isinstance(c[0], (int, float)):
            yield c
        else:
            stack.extend(c)
