"""Which coded properties the web map shows as words (level, status, kind, crop), in vi and en.

Legends and popups show "Cam / Orange" rather than `orange`; the words are geo.vocabulary's.
"""
from __future__ import annotations

from geo.vocabulary import (
    CERTIFICATIONS,
    CROP_NAMES,
    EVENT_KINDS,
    GROWING_STATUSES,
    MARKETS,
    NTM_LEVELS,
    PLACE_KINDS,
    PRICE_RANGES,
    UNIT_KINDS,
)

# Codes the map shows that geo.vocabulary does not list yet (the demo's agricultural zones and
# village kinds, the land-use codes of the Land Law's classification).
AGRI_ZONE_KINDS = {
    "rice": ("Vùng lúa", "Rice"), "annual_crops": ("Cây hằng năm", "Annual crops"),
    "perennial": ("Cây lâu năm", "Perennial crops"), "production_forest": ("Rừng sản xuất", "Production forest"),
    "aquaculture": ("Nuôi trồng thủy sản", "Aquaculture"),
}
LAND_USE = {
    "LUC": ("Đất chuyên trồng lúa (LUC)", "Paddy land (LUC)"),
    "HNK": ("Đất trồng cây hằng năm khác (HNK)", "Other annual crops (HNK)"),
    "CLN": ("Đất trồng cây lâu năm (CLN)", "Perennial crops (CLN)"),
    "RSX": ("Đất rừng sản xuất (RSX)", "Production forest (RSX)"),
    "NTS": ("Đất nuôi trồng thủy sản (NTS)", "Aquaculture (NTS)"),
}
VILLAGE_KINDS = {"thon": ("Thôn", "Village"), "xom": ("Xóm", "Hamlet"), "ban": ("Bản", "Highland village"),
                 "khoi": ("Khối", "Urban block")}
CERTIFICATES = {**CERTIFICATIONS, "none": ("Chưa có", "None yet")}

# property name → value → (vi, en); a popup translates a value when its layer's property is here.
VALUES: dict[str, dict[str, tuple[str, str]]] = {
    "level": NTM_LEVELS, "status": GROWING_STATUSES, "crop": CROP_NAMES,
    "target_markets": MARKETS, "certification": CERTIFICATES, "land_use_code": LAND_USE,
}
BY_LAYER: dict[str, dict[str, dict[str, tuple[str, str]]]] = {
    "tourism_places": {"kind": PLACE_KINDS, "price_range": PRICE_RANGES},
    "tourism_events": {"kind": EVENT_KINDS},
    "agri_zones": {"kind": AGRI_ZONE_KINDS},
    "villages": {"kind": VILLAGE_KINDS},
    "communes": {"kind": UNIT_KINDS},
}

# The layer panel's words (themes, switches, legend entries, notes, the boundaries' credit) are
# the catalogue's, under "map.theme.<name>" in api/i18n/messages/map.json, like every other word of
# the page. tiles/ cannot import api/ (imports go api → tiles → layers → geo), so it names them by
# key; api.pages.map_config (the panel) and api.routes.map (the style) put the words in, in both
# languages (`Words` below). Coded values keep their (vi, en) pairs from geo.vocabulary.
Words = str | tuple[str, str]  # a catalogue key, or a coded value's (vi, en)


def theme(name: str) -> str:
    """The catalogue key of a panel word."""
    return f"map.theme.{name}"


# What a ward's information says on the NTM view.
OUTSIDE_NTM = theme("outside_ntm")
# The boundaries' credit: their MIT licence (shared/data/vn-admin/LICENSE) asks for the copyright
# notice. Plain text: the style names no URL it does not fetch (tests/tiles/test_style_map.py).
BOUNDARY_CREDIT = theme("boundary_credit")


def words_of(words: Words) -> dict[str, str] | str:
    """A legend's or a title's words as the page and the style carry them before the api/ side puts
    the catalogue's texts in: a key stays a key, a coded value's pair becomes {vi, en}."""
    return words if isinstance(words, str) else label(words)


def label(pair: tuple[str, str]) -> dict[str, str]:
    return {"vi": pair[0], "en": pair[1]}


def value_labels() -> dict:
    """{layer or '*': {property: {value: {vi, en}}}} for the browser."""
    out: dict = {"*": {p: {v: label(t) for v, t in vals.items()} for p, vals in VALUES.items()}}
    for layer, props in BY_LAYER.items():
        out[layer] = {p: {v: label(t) for v, t in vals.items()} for p, vals in props.items()}
    return out
