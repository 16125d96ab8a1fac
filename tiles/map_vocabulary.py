"""Which coded properties the web map shows as words (level, status, kind, crop), in vi and en.

Legends and popups show "Cam / Orange" rather than `orange`; the words are geo.vocabulary's.
"""
from __future__ import annotations

from geo.vocabulary import (
    CERTIFICATIONS,
    CROP_NAMES,
    GROWING_STATUSES,
    MARKETS,
    NTM_LEVELS,
    PLACE_KINDS,
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
    "tourism_places": {"kind": PLACE_KINDS},
    "agri_zones": {"kind": AGRI_ZONE_KINDS},
    "villages": {"kind": VILLAGE_KINDS},
    "communes": {"kind": UNIT_KINDS},
}

# What a ward's information says on the NTM view.
OUTSIDE_NTM = ("Phường và đặc khu không thuộc chương trình nông thôn mới.",
               "Wards and special zones are outside the New Rural Development programme.")
# The boundaries' credit: their MIT licence (shared/data/vn-admin/LICENSE) asks for the copyright
# notice. Plain text: the style names no URL it does not fetch (tests/tiles/test_style_map.py).
BOUNDARY_CREDIT = ("Ranh giới hành chính: © 2021 Thang Le Quoc, vietnamese-provinces-database (giấy phép MIT)",
                   "Administrative boundaries: © 2021 Thang Le Quoc, vietnamese-provinces-database (MIT licence)")


def label(pair: tuple[str, str]) -> dict[str, str]:
    return {"vi": pair[0], "en": pair[1]}


def value_labels() -> dict:
    """{layer or '*': {property: {value: {vi, en}}}} for the browser."""
    out: dict = {"*": {p: {v: label(t) for v, t in vals.items()} for p, vals in VALUES.items()}}
    for layer, props in BY_LAYER.items():
        out[layer] = {p: {v: label(t) for v, t in vals.items()} for p, vals in props.items()}
    return out
