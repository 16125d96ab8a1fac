"""The web map's style: valid for MapLibre's own validator, offline, and in step with the switcher.

Colour expressions are evaluated by MapLibre's style-spec package (from node_modules) on sample
features, so the NTM classes are checked as the browser will compute them.
"""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from api.i18n import both
from api.pages.map_config import group_doc
from layers.read.registry import LAYERS
from tiles.map_layers import CRITERIA_CLASSES, criteria_color, groups, toggles
from tiles.map_style import map_style
from tiles.tilesets import combined, mvt_layers

ROOT = Path(__file__).resolve().parents[2]
STYLE_SPEC = ROOT / "node_modules/@maplibre/maplibre-gl-style-spec/dist"
BOUNDS = (103.8, 18.5, 105.9, 20.0)
LABELS = "http://127.0.0.1:1/styles/map/labels/{layer}.geojson"


@pytest.fixture(scope="module")
def style():
    return map_style(combined(), "http://127.0.0.1:1/tiles/WebMercatorQuad/{z}/{x}/{y}", BOUNDS, "vi",
                     labels_url=LABELS, sprite_url="http://127.0.0.1:1/styles/map/sprite", words=both,
                     coverage_url="http://127.0.0.1:1/addresses/coverage.geojson")


def node(script: str, payload) -> object:
    out = subprocess.run(["node", "-e", script, json.dumps(payload)], capture_output=True, text=True, timeout=60,
                         cwd=ROOT)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_maplibre_validator_accepts_the_style(style, tmp_path):
    path = tmp_path / "style.json"
    path.write_text(json.dumps(style))
    out = subprocess.run(["node", str(STYLE_SPEC / "gl-style-validate.mjs"), str(path)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr


def test_style_needs_nothing_from_outside_and_no_glyph_server(style):
    # No glyphs URL: MapLibre draws labels with the browser's fonts, so text works offline. The
    # icons' sprite is ntm-map's own (tiles.sprite, tests/tiles/test_sprite.py).
    assert "glyphs" not in style and style["sprite"] == "http://127.0.0.1:1/styles/map/sprite"
    urls = re.findall(r"https?://[^\"]+", json.dumps(style))
    assert len(urls) == 6 and all(u.startswith("http://127.0.0.1:1/") for u in urls)  # + address coverage
    # Names come from one label point per place (GeoJSON), not repeated per polygon tile.
    assert style["sources"]["labels-communes"] == {"type": "geojson", "data": LABELS.format(layer="communes")}
    assert any(layer["type"] == "symbol" and "text-field" in layer["layout"] for layer in style["layers"])


def test_tiles_stop_at_z16_and_at_the_data_bounds(style):
    for name in ("ntm", "ntm-more"):
        source = style["sources"][name]
        assert source["tiles"][0].startswith("http://127.0.0.1:1/tiles/WebMercatorQuad/{z}/{x}/{y}?collections=")
        assert source["maxzoom"] == 16 and source["bounds"] == list(BOUNDS)
    hh = next(layer for layer in style["layers"] if layer["id"] == "households-point")
    assert hh["minzoom"] <= 16  # household points appear before the tiles stop


def test_every_switcher_layer_is_in_the_style_over_a_real_tile_layer(style):
    by_id = {layer["id"]: layer for layer in style["layers"]}
    assert len(by_id) == len(style["layers"])
    sources = {m.id for m in mvt_layers(combined())}
    for layer in style["layers"][1:]:
        if layer["source"] in ("ntm", "ntm-more"):
            assert layer["source-layer"] in sources
        elif layer["source"] == "coverage":  # address coverage per commune, its own GeoJSON (issue 16)
            assert style["sources"]["coverage"]["type"] == "geojson"
        else:
            assert layer["source"].startswith("labels-")
    for toggle in toggles().values():
        for item in toggle.layers:
            layer = by_id[item["id"]]
            assert layer["metadata"]["ntm:toggle"] == toggle.id
            assert layer["layout"]["visibility"] == ("visible" if toggle.visible else "none")
    # One NTM view and one growing-area view at a time; the default shows NTM by level.
    for name in ("ntm", "growing"):
        shown = [t.id for t in toggles().values() if t.exclusive == name and t.visible]
        assert len(shown) == 1
    assert by_id["ntm_level-fill"]["layout"]["visibility"] == "visible"


def test_the_first_view_asks_only_for_the_layers_it_shows(style):
    """The shown layers' collections come from one source, the hidden ones' from another that
    MapLibre asks only once one of them is switched on; together they are the whole map."""
    chosen = {name: parse_qs(urlsplit(style["sources"][name]["tiles"][0]).query)["collections"][0].split(",")
              for name in ("ntm", "ntm-more")}
    assert set(chosen["ntm"]).isdisjoint(chosen["ntm-more"])
    assert set(chosen["ntm"]) | set(chosen["ntm-more"]) == {layer.id for layer in LAYERS}
    assert {"households", "cooperatives", "ocop_products", "agri_zones"} <= set(chosen["ntm-more"])
    for layer in style["layers"]:
        if layer.get("source") in chosen:
            collection = layer["source-layer"].removesuffix("_grid")
            assert collection in chosen[layer["source"]]
            if layer["source"] == "ntm-more":
                assert layer["layout"]["visibility"] == "none", layer["id"]
    shown = {layer["source-layer"].removesuffix("_grid") for layer in style["layers"]
             if layer.get("source") == "ntm" and layer.get("layout", {}).get("visibility") != "none"}
    assert shown == set(chosen["ntm"])


def test_drawing_order_fills_lines_points_text(style):
    kinds = [layer["type"] for layer in style["layers"]]
    rank = {"background": 0, "fill": 1, "line": 2, "circle": 3, "symbol": 4}
    assert kinds == sorted(kinds, key=rank.__getitem__)
    ids = [layer["id"] for layer in style["layers"]]
    assert ids.index("provinces-line") > ids.index("ntm_level-line")  # the border stays on top


def test_every_legend_has_entries_in_both_languages():
    """As the page gets them: tiles/ names the panel's words by catalogue key, api/ puts them in."""
    for group in map(group_doc, groups()):
        assert group["title"]["vi"] and group["title"]["en"]
        for toggle in group["toggles"]:
            assert toggle["legend"] and toggle["title"]["vi"] != toggle["title"]["en"]
            for entry in toggle["legend"]:
                assert entry["label"]["vi"] and entry["label"]["en"] and entry["color"].startswith("#")


def test_labels_follow_the_language(style):
    en = map_style(combined(), "http://127.0.0.1:1/t.json", BOUNDS, "en", labels_url=LABELS, words=both)
    field = {layer["id"]: layer["layout"].get("text-field") for layer in en["layers"] if layer["type"] == "symbol"}
    assert field["communes-label"][1] == ["get", "name_en"]
    vi = {layer["id"]: layer["layout"].get("text-field") for layer in style["layers"] if layer["type"] == "symbol"}
    assert vi["communes-label"][1] == ["get", "name_vi"]


EVALUATE = """
const spec = require('./node_modules/@maplibre/maplibre-gl-style-spec/dist/index.cjs');
const {expression, features} = JSON.parse(process.argv[1]);
const parsed = spec.createExpression(expression, {type: 'color'});
if (parsed.result !== 'success') { console.error(JSON.stringify(parsed.value)); process.exit(1); }
const out = features.map((p) => parsed.value.evaluate({zoom: 10}, {properties: p}).toString());
console.log(JSON.stringify(out));
"""


def rgba(hex_color: str) -> str:
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},1)"


def test_criteria_classes_as_on_ha_tinh_map():
    samples = [
        {"level": "model", "criteria_met": 19, "criteria_total": 19},
        {"level": "standard", "criteria_met": 19, "criteria_total": 19},
        {"level": "not_met", "criteria_met": 18, "criteria_total": 19},
        {"level": "not_met", "criteria_met": 16, "criteria_total": 19},
        {"level": "not_met", "criteria_met": 15, "criteria_total": 19},
        {"level": "not_met", "criteria_met": 12, "criteria_total": 19},
        {"level": "not_met", "criteria_met": 11, "criteria_total": 19},
        {"level": "not_met", "criteria_met": None, "criteria_total": None},
        {"level": "not_met", "criteria_met": 9, "criteria_total": 10},  # a 10-criterion set scales
    ]
    colors = [c for c, _ in CRITERIA_CLASSES]
    expected = [colors[0], colors[1], colors[2], colors[2], colors[3], colors[3], colors[4], colors[4], colors[2]]
    got = node(EVALUATE, {"expression": criteria_color(), "features": samples})
    assert got == [rgba(c) for c in expected]
