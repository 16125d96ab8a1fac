"""The web map's layers, grouped by theme as the layer switcher shows them, each with its legend.

A toggle is what a person switches on or off: one or more MapLibre layers over one registry
layer, and the legend that explains their colours. The style (`tiles.map_style`) and the page's
switcher are both built from this list, so a colour and its legend entry cannot drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from geo.vocabulary import CROP_NAMES, EVENT_KINDS, GROWING_STATUSES, NTM_LEVELS, PLACE_KINDS, known
from layers.read.registry import EVENT_KIND_COLORS, NTM_LEVEL_COLORS, PLACE_KIND_COLORS, match
from tiles.map_vocabulary import OUTSIDE_NTM, Words, theme, words_of
from tiles.style import CROP_PALETTE as CROP_COLORS
from tiles.tilesets import GRID_CELLS, GRID_STYLE

# Household counts below z14: one circle per grid cell, a cell being 512 / GRID_CELLS = 16 px at
# an integer zoom (more in between). The largest circle (7 px + its stroke) stays inside its cell,
# so circles never merge into a blanket over the province; area still grows with the count.
CELL_PX = 512 // GRID_CELLS
GRID_PAINT = {**GRID_STYLE["paint"], "circle-opacity": 0.55,
              "circle-radius": ["interpolate", ["linear"], ["sqrt", ["get", "count"]], 1, 1.5, 10, 4.5,
                                40, CELL_PX / 2 - 1]}

SOURCE = "ntm"
FONT = ["Noto Sans", "sans-serif"]
FONT_BOLD = ["Noto Sans Bold", "sans-serif"]
HALO = {"text-color": "#263238", "text-halo-color": "#ffffff", "text-halo-width": 1.5}

# Hà Tĩnh's NTM map classes by criteria met (19-criterion set): model; 19; 16–18; 12–15; < 12.
# Other sets scale the same shares (16/19, 12/19) of their own criteria count.
CRITERIA_CLASSES = (
    ("#1a7837", theme("model")),
    ("#5aae61", theme("all_19_criteria")),
    ("#d9f0a3", theme("16_18_criteria")),
    ("#fdae61", theme("12_15_criteria")),
    ("#d7191c", theme("fewer_than_12")),
)
# The statuses the public map shows (the registry's public filter of growing areas).
STATUS_COLORS = {"granted": "#2e7d32", "suspended": "#f9a825", "revoked": "#c62828", "expired": "#757575"}
known(GROWING_STATUSES, STATUS_COLORS, "map status colours")


def criteria_color() -> list:
    met = ["coalesce", ["get", "criteria_met"], 0]
    total = ["coalesce", ["get", "criteria_total"], 19]
    (model, _), (full, _), (high, _), (mid, _), (low, _) = CRITERIA_CLASSES
    return ["case", ["==", ["get", "level"], "model"], model,
            [">=", met, total], full,
            [">=", ["*", met, 19], ["*", total, 16]], high,
            [">=", ["*", met, 19], ["*", total, 12]], mid, low]


def icon_for(prop: str, values, prefix: str) -> list:
    """Each value's icon named literally (a `match`, not a `concat`), so the style lists every image
    it can ask for: the sprite must hold them all (tests/tiles/test_sprite.py). Anything else
    gets no icon ("" is no image in MapLibre), never a missing one."""
    expr: list = ["match", ["get", prop]]
    for value in values:
        expr += [value, f"{prefix}{value}"]
    return expr + [""]


def entry(color: str, words: Words, shape: str = "fill", icon: str | None = None) -> dict:
    out = {"color": color, "label": words_of(words), "shape": shape}
    if icon:
        out["icon"] = icon
    return out


def layer(id_: str, source_layer: str, type_: str, paint: dict, layout: dict | None = None, **extra) -> dict:
    out = {"id": id_, "type": type_, "source": SOURCE, "source-layer": source_layer, "paint": paint}
    if layout:
        out["layout"] = layout
    out.update(extra)
    return out


def name_text(lang: str, vi_field: str = "name_vi", en_field: str = "name_en") -> list:
    first, second = (vi_field, en_field) if lang == "vi" else (en_field, vi_field)
    return ["coalesce", ["get", first], ["get", second], ""]


def label_layer(id_: str, source_layer: str, lang: str, size, minzoom: int, bold: bool = False,
                vi_field: str = "name_vi", en_field: str = "name_en", **layout) -> dict:
    """Text is drawn with the browser's own fonts (the style has no `glyphs`): works offline."""
    texts = {lg: name_text(lg, vi_field, en_field) for lg in ("vi", "en")}
    return layer(id_, source_layer, "symbol", dict(HALO), {
        "text-field": texts[lang], "text-font": FONT_BOLD if bold else FONT, "text-size": size,
        "text-max-width": 8, **layout,
    }, minzoom=minzoom, metadata={"ntm:text": texts})


@dataclass(frozen=True)
class Toggle:
    id: str
    title: str  # a catalogue key (tiles.map_vocabulary.theme)
    collection: str  # the registry layer behind it: popups and item pages
    layers: tuple[dict, ...]
    legend: tuple[dict, ...]
    visible: bool = True
    exclusive: str | None = None  # toggles sharing this name show one at a time (two NTM views)
    note: str | None = None  # a catalogue key


@dataclass(frozen=True)
class Group:
    id: str
    title: str  # a catalogue key
    toggles: tuple[Toggle, ...] = field(default_factory=tuple)


# Wards and special zones are outside the NTM programme (it is for communes): grey, not blank.
WARD_COLOR = "#b0bec5"
WARD_WORDS = theme("wards")


def wards_layer(id_: str) -> dict:
    """Units that are not communes, from the commune boundaries (they have no NTM result)."""
    return layer(id_, "communes", "fill", {"fill-color": WARD_COLOR, "fill-opacity": 0.6},
                 filter=["!=", ["get", "kind"], "Xã"],
                 metadata={"ntm:collection": "communes", "ntm:note": OUTSIDE_NTM})  # a key: api.routes.map puts the words in


def ntm_group() -> Group:
    outline = {"line-color": "#ffffff", "line-width": 0.6}
    wards = entry(WARD_COLOR, WARD_WORDS)
    by_level = Toggle(
        "ntm_level", theme("by_level"), "ntm_results",
        (layer("ntm_level-fill", "ntm_results", "fill",
               {"fill-color": match("level", NTM_LEVEL_COLORS), "fill-opacity": 0.75}),
         wards_layer("ntm_level-wards"),
         layer("ntm_level-line", "ntm_results", "line", outline)),
        (*(entry(NTM_LEVEL_COLORS[k], NTM_LEVELS[k]) for k in reversed(NTM_LEVELS)), wards),  # highest first
        visible=True, exclusive="ntm")
    by_criteria = Toggle(
        "ntm_criteria", theme("by_criteria_met"), "ntm_results",
        (layer("ntm_criteria-fill", "ntm_results", "fill", {"fill-color": criteria_color(), "fill-opacity": 0.75}),
         wards_layer("ntm_criteria-wards"),
         layer("ntm_criteria-line", "ntm_results", "line", outline)),
        (*(entry(c, words) for c, words in CRITERIA_CLASSES), wards),
        visible=False, exclusive="ntm",
        note=theme("criteria_note"))
    return Group("ntm", theme("ntm_results"), (by_level, by_criteria))


def growing_group() -> Group:
    crop_fill = {"fill-color": match("crop", CROP_COLORS), "fill-opacity": 0.7}
    status_line = {"line-color": match("status", STATUS_COLORS), "line-width": 2}
    by_crop = Toggle(
        "growing_crop", theme("by_crop"), "growing_areas",
        (layer("growing_crop-fill", "growing_areas", "fill", crop_fill),
         layer("growing_crop-line", "growing_areas", "line", status_line)),
        tuple(entry(CROP_COLORS[k], CROP_NAMES[k]) for k in CROP_NAMES)
        + tuple(entry(STATUS_COLORS[k], GROWING_STATUSES[k], "line") for k in STATUS_COLORS),
        visible=True, exclusive="growing",
        note=theme("crop_note"))
    by_status = Toggle(
        "growing_status", theme("by_code_status"), "growing_areas",
        (layer("growing_status-fill", "growing_areas", "fill",
               {"fill-color": match("status", STATUS_COLORS), "fill-opacity": 0.7}),
         layer("growing_status-line", "growing_areas", "line", {"line-color": "#333333", "line-width": 0.8})),
        tuple(entry(STATUS_COLORS[k], GROWING_STATUSES[k]) for k in STATUS_COLORS),
        visible=False, exclusive="growing")
    return Group("growing_areas", theme("growing_areas"), (by_crop, by_status))


def agriculture_group() -> Group:
    zones = Toggle("agri_zones", theme("production_zones"), "agri_zones",
                   (layer("agri_zones-fill", "agri_zones", "fill",
                          {"fill-color": "#7cb342", "fill-opacity": 0.25, "fill-outline-color": "#558b2f"}),),
                   (entry("#7cb342", theme("production_zone")),), visible=False)
    coops = Toggle("cooperatives", theme("cooperatives"), "cooperatives",
                   (layer("cooperatives-circle", "cooperatives", "circle",
                          {"circle-color": "#8e44ad", "circle-radius": 5, "circle-stroke-color": "#ffffff",
                           "circle-stroke-width": 1}),),
                   (entry("#8e44ad", theme("cooperative"), "circle"),), visible=False)
    stars = {3: "#f1c40f", 4: "#e67e22", 5: "#c0392b"}
    ocop = Toggle("ocop_products", theme("ocop_products"), "ocop_products",
                  (layer("ocop_products-circle", "ocop_products", "circle",
                         {"circle-color": match("stars", stars), "circle-radius": 6,
                          "circle-stroke-color": "#ffffff", "circle-stroke-width": 1}),),
                  tuple(entry(c, theme(f"ocop_{n}_stars"), "circle") for n, c in stars.items()),
                  visible=False)
    return Group("agriculture", theme("agriculture"), (zones, coops, ocop))


def tourism_group(lang: str) -> Group:
    places = Toggle(
        "tourism_places", theme("tourism_places"), "tourism_places",
        (layer("tourism_places-icon", "tourism_places", "symbol", {}, {
            "icon-image": icon_for("kind", PLACE_KINDS, "tourism-"),
            "icon-size": ["interpolate", ["linear"], ["zoom"], 7, 0.45, 11, 0.7, 14, 1],
            "icon-allow-overlap": True, "icon-ignore-placement": True}),
         label_layer("tourism_places-label", "tourism_places", lang, 12, 11, **{
             "text-offset": [0, 1.3], "text-anchor": "top", "text-optional": True})),
        tuple(entry(PLACE_KIND_COLORS[k], PLACE_KINDS[k], "icon", f"tourism-{k}") for k in PLACE_KINDS),
        visible=True)
    routes = Toggle("tourism_routes", theme("tourism_routes"), "tourism_routes",
                    (layer("tourism_routes-line", "tourism_routes", "line",
                           {"line-color": "#e74c3c", "line-width": 3, "line-dasharray": [2, 1]}),),
                    (entry("#e74c3c", theme("route"), "line"),), visible=True)
    # Festivals, harvest seasons, markets (issue 14): off until asked for, their dates in the popup.
    events = Toggle("tourism_events", theme("tourism_events"), "tourism_events",
                    (layer("tourism_events-circle", "tourism_events", "circle",
                           {"circle-color": match("kind", EVENT_KIND_COLORS), "circle-radius": 7,
                            "circle-stroke-color": "#ffffff", "circle-stroke-width": 2}),),
                    tuple(entry(EVENT_KIND_COLORS[k], EVENT_KINDS[k], "circle") for k in EVENT_KINDS), visible=False)
    return Group("tourism", theme("rural_tourism"), (places, routes, events))


def address_group() -> Group:
    households = Toggle(
        "households", theme("household_address_codes"), "households",
        (layer("households-grid", "households_grid", "circle", GRID_PAINT, maxzoom=14),
         layer("households-point", "households", "circle",
               {"circle-color": "#6d4c41", "circle-radius": 3.5, "circle-stroke-color": "#ffffff",
                "circle-stroke-width": 0.8}, minzoom=14)),
        (entry("#6d4c41", theme("household_cells"), "circle"),
         entry("#6d4c41", theme("household_points"), "circle")),
        visible=False,
        note=theme("households_note"))
    return Group("addresses", theme("household_addresses"), (households, coverage_toggle()))


# Address coverage per commune (issue 16): the share of households with a verified point and code,
# from its own GeoJSON source (api: /addresses/coverage.geojson); dropped when a style has none.
COVERAGE_SOURCE = "coverage"
COVERAGE_STEPS = ((0, "#d73027", "addresses_public.coverage.under_25"), (25, "#fc8d59", ("25–50%", "25–50%")),
                  (50, "#fee08b", ("50–80%", "50–80%")), (80, "#91cf60", ("80–99%", "80–99%")),
                  (100, "#1a9850", ("100%", "100%")))
COVERAGE_NONE = ("#bdbdbd", "addresses_public.coverage.no_figure")


def coverage_toggle() -> Toggle:
    steps = ["step", ["get", "share"], COVERAGE_STEPS[0][1]]
    for low, colour, _ in COVERAGE_STEPS[1:]:
        steps += [low, colour]
    colour = ["case", ["==", ["typeof", ["get", "share"]], "number"], steps, COVERAGE_NONE[0]]
    fill = {"id": "address_coverage-fill", "type": "fill", "source": COVERAGE_SOURCE,
            "paint": {"fill-color": colour, "fill-opacity": 0.7}}
    line = {"id": "address_coverage-line", "type": "line", "source": COVERAGE_SOURCE,
            "paint": {"line-color": "#ffffff", "line-width": 0.8}}
    legend = (*(entry(colour, words) for _, colour, words in COVERAGE_STEPS), entry(*COVERAGE_NONE))
    return Toggle("address_coverage", "addresses_public.coverage.theme", "communes", (fill, line), legend,
                  visible=False, exclusive="ntm", note="addresses_public.coverage.note")


def admin_group() -> Group:
    villages = Toggle("villages", theme("villages"), "villages",
                      (layer("villages-line", "villages", "line",
                             {"line-color": "#9e9e9e", "line-width": 0.7, "line-dasharray": [2, 2]}, minzoom=10),),
                      (entry("#9e9e9e", theme("village_boundary"), "line"),), visible=True)
    communes = Toggle("communes", theme("communes_and_wards"), "communes",
                      (layer("communes-line", "communes", "line", {"line-color": "#607d8b", "line-width": 1}),),
                      (entry("#607d8b", theme("commune_boundary"), "line"),), visible=True)
    return Group("admin", theme("boundaries"), (communes, villages))


def groups(lang: str = "vi") -> tuple[Group, ...]:
    """Switcher order, top to bottom; drawing order is decided by the style, not by this list."""
    return (ntm_group(), growing_group(), agriculture_group(), tourism_group(lang), address_group(), admin_group())


def toggles(lang: str = "vi") -> dict[str, Toggle]:
    return {t.id: t for g in groups(lang) for t in g.toggles}
