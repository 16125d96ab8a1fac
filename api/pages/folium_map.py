"""Standalone folium (Leaflet) maps of chosen layers, for reports and notebooks.

Offline by default: Leaflet's JS and CSS from the npm `leaflet` package are written into the
file, no tile server is used (commune boundaries are the background), so the file opens with no
internet. `offline=False` gives folium's usual page: Leaflet from a CDN and OpenStreetMap tiles.
Features come from `layers.read.public_features`, so only public properties reach the file.
Their values are data typed by staff and importers, so tooltips write them as text (TextTooltip):
folium's own tooltip puts them into innerHTML, where a name can be markup that runs.
"""
from __future__ import annotations

from pathlib import Path

import folium
from branca.element import Element
from folium.template import Template

from layers.read.public_features import feature_collection
from layers.read.registry import get

LEAFLET_FILES = ("leaflet.js", "leaflet.css")
POLYGON_SIMPLIFY = 0.0002  # degrees (~20 m): keeps a province of communes to a few MB


class LeafletMissing(RuntimeError):
    pass


def leaflet_assets(vendor_dir: Path) -> tuple[str, str]:
    folder = vendor_dir / "leaflet" / "dist"
    missing = [name for name in LEAFLET_FILES if not (folder / name).is_file()]
    if missing:
        raise LeafletMissing(f"Leaflet not found in {folder} (run `make setup`, i.e. npm ci, or set "
                             f"NTM_VENDOR_DIR); or make an online map that loads it from a CDN")
    return (folder / "leaflet.js").read_text(encoding="utf-8"), (folder / "leaflet.css").read_text(encoding="utf-8")


class TextTooltip(folium.GeoJsonTooltip):
    """folium's GeoJsonTooltip, but every alias and value is a text node (textContent), never HTML.

    Data embedded in the page is already safe (folium writes it with Jinja's HTML-safe tojson);
    the hole was only where the browser turns values into markup, so that is what changes here.
    """

    _template = Template("""
    {% macro script(this, kwargs) %}
    {{ this._parent.get_name() }}.bindTooltip(function (layer) {
        const div = L.DomUtil.create('div');
        const fields = {{ this.fields | tojson | safe }};
        const aliases = {{ this.aliases | tojson | safe }};
        const table = L.DomUtil.create('table', '', div);
        fields.forEach(function (field, i) {
            let value = layer.feature.properties[field];
            if (value === null || value === undefined) {
                value = '';
            } else if (typeof value === 'object') {
                value = JSON.stringify(value);
            } else if (typeof value === 'number' && {{ this.localize | tojson }}) {
                value = value.toLocaleString();
            }
            const row = L.DomUtil.create('tr', '', table);
            {% if this.labels %}L.DomUtil.create('th', '', row).textContent = String(aliases[i]);{% endif %}
            L.DomUtil.create('td', '', row).textContent = String(value);
        });
        return div;
    }, {{ this.tooltip_options | tojavascript }});
    {% endmacro %}
    """)


def paint_color(layer_id: str):
    """The registry style's colour: a constant, or a `match` on one property as a lookup."""
    style = get(layer_id).style
    paint = style.get("paint", {})
    value = paint.get(f"{style['type']}-color", "#3388ff")
    if isinstance(value, list) and value[:1] == ["match"] and value[1][:1] == ["get"]:
        prop, pairs, default = value[1][1], value[2:-1], value[-1]
        table = {str(pairs[i]): pairs[i + 1] for i in range(0, len(pairs), 2)}
        return lambda props: table.get(str(props.get(prop)), default)
    return lambda props: value if isinstance(value, str) else "#3388ff"


def style_function(layer_id: str):
    color = paint_color(layer_id)
    kind = get(layer_id).style["type"]

    def style(feature):
        c = color(feature["properties"])
        if kind == "fill":
            return {"fillColor": c, "color": "#ffffff", "weight": 0.6, "fillOpacity": 0.7}
        return {"color": c, "weight": 2, "fill": False}
    return style


def add_layer(m: folium.Map, collection: dict, layer_id: str, lang: str) -> None:
    layer = get(layer_id)
    vi = lang == "vi"
    names = [p.name for p in layer.properties if p.type != "array"]
    aliases = [p.title_vi if vi else p.title_en for p in layer.properties if p.type != "array"]
    group = folium.FeatureGroup(name=layer.title_vi if vi else layer.title_en)
    if not collection["features"]:
        group.add_to(m)
        return
    tooltip = TextTooltip(fields=names, aliases=aliases, localize=True)
    if layer.geometry_type.endswith("Point"):
        color = paint_color(layer_id)
        marker = folium.CircleMarker(radius=5, weight=1, color="#ffffff", fill=True, fill_opacity=0.9)
        folium.GeoJson(collection, marker=marker, tooltip=tooltip,
                       style_function=lambda f: {"fillColor": color(f["properties"])}).add_to(group)
    else:
        folium.GeoJson(collection, style_function=style_function(layer_id), tooltip=tooltip).add_to(group)
    group.add_to(m)


def bounds_of(collections: list[dict]) -> list[list[float]] | None:
    xs, ys = [], []

    def walk(coords):
        if isinstance(coords[0], (int, float)):
            xs.append(coords[0]); ys.append(coords[1])
        else:
            for c in coords:
                walk(c)
    for fc in collections:
        for f in fc["features"]:
            if f["geometry"]:
                walk(f["geometry"]["coordinates"])
    return [[min(ys), min(xs)], [max(ys), max(xs)]] if xs else None


def build_map(conn, layer_ids: list[str], *, commune: str | None = None, lang: str = "vi",
              offline: bool = True, vendor_dir: Path | None = None, limit: int | None = 20000) -> folium.Map:
    """`conn` is the command's connection from layers (api.cli.common.connect), passed on to
    layers.read.public_features. Raises KeyError (unknown layer), UnknownCommune, LeafletMissing
    (offline without Leaflet)."""
    for layer_id in layer_ids:
        get(layer_id)
    assets = leaflet_assets(vendor_dir) if offline else None
    m = folium.Map(tiles=None if offline else "OpenStreetMap", control_scale=True, prefer_canvas=True)
    if offline:
        m.default_js, m.default_css = [], []  # no CDN: Leaflet is written into the file below
        js, css = assets
        m.get_root().header.add_child(Element(f"<style>{css}</style>"), name="leaflet_css_inline")
        m.get_root().header.add_child(Element(f"<script>{js}</script>"), name="leaflet_js_inline")
        background = feature_collection(conn, "communes", commune, simplify=POLYGON_SIMPLIFY)
        folium.GeoJson(background, name="background", control=False,
                       style_function=lambda f: {"color": "#607d8b", "weight": 1, "fillColor": "#f7f5ee",
                                                 "fillOpacity": 1}).add_to(m)
    collections = []
    for layer_id in layer_ids:
        simplify = POLYGON_SIMPLIFY if get(layer_id).geometry_type.endswith("Polygon") else 0.0
        fc = feature_collection(conn, layer_id, commune, limit=limit, simplify=simplify)
        collections.append(fc)
        add_layer(m, fc, layer_id, lang)
    folium.LayerControl(collapsed=False).add_to(m)
    box = bounds_of(collections)
    if box:
        m.fit_bounds(box)
    return m
