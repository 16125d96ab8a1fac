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

# The layer panel's words (themes, switches, legend entries, notes): name → (vi, en). Kept here,
# beside the coded values' words, because tiles/ cannot read the api/ catalogue and the style's
# legends carry both languages.
PANEL: dict[str, tuple[str, str]] = {
    "model": ("Kiểu mẫu", "Model"),
    "all_19_criteria": ("Đạt đủ 19 tiêu chí", "All 19 criteria"),
    "16_18_criteria": ("16–18 tiêu chí", "16–18 criteria"),
    "12_15_criteria": ("12–15 tiêu chí", "12–15 criteria"),
    "fewer_than_12": ("Dưới 12 tiêu chí", "Fewer than 12"),
    "wards": ("Phường, đặc khu (ngoài chương trình)", "Wards, special zones (outside the programme)"),
    "by_level": ("Theo mức đạt chuẩn", "By level"),
    "by_criteria_met": ("Theo số tiêu chí đạt", "By criteria met"),
    "criteria_note": ("Phân loại như bản đồ NTM Hà Tĩnh (bộ 19 tiêu chí).",
                      "Classes as on Hà Tĩnh's NTM map (19-criterion set)."),
    "ntm_results": ("Kết quả nông thôn mới", "NTM results"),
    "by_crop": ("Theo cây trồng", "By crop"),
    "crop_note": ("Màu nền: cây trồng; viền: trạng thái mã.", "Fill: crop; outline: code status."),
    "by_code_status": ("Theo trạng thái mã", "By code status"),
    "growing_areas": ("Vùng trồng", "Growing areas"),
    "production_zones": ("Vùng sản xuất", "Production zones"),
    "production_zone": ("Vùng sản xuất tập trung", "Production zone"),
    "cooperatives": ("Hợp tác xã", "Cooperatives"),
    "cooperative": ("Hợp tác xã", "Cooperative"),
    "ocop_products": ("Sản phẩm OCOP", "OCOP products"),
    "agriculture": ("Nông nghiệp", "Agriculture"),
    "tourism_places": ("Điểm du lịch", "Tourism places"),
    "tourism_routes": ("Tuyến du lịch", "Tourism routes"),
    "route": ("Tuyến du lịch", "Route"),
    "rural_tourism": ("Du lịch nông thôn", "Rural tourism"),
    "household_address_codes": ("Mã địa chỉ hộ gia đình", "Household address codes"),
    "household_cells": ("Số hộ theo ô (khi thu nhỏ)", "Households per cell (zoomed out)"),
    "household_points": ("Địa chỉ hộ (khi phóng to)", "Household address (zoomed in)"),
    "households_note": ("Chỉ mã địa chỉ và vị trí; không có thông tin cá nhân.",
                        "Address codes and points only; no personal data."),
    "household_addresses": ("Địa chỉ hộ gia đình", "Household addresses"),
    "villages": ("Thôn, xóm, bản", "Villages"),
    "village_boundary": ("Ranh giới thôn", "Village boundary"),
    "communes_and_wards": ("Xã, phường", "Communes and wards"),
    "commune_boundary": ("Ranh giới xã", "Commune boundary"),
    "boundaries": ("Ranh giới hành chính", "Boundaries"),
    "outside_ntm": ("Phường và đặc khu không thuộc chương trình nông thôn mới.",
                    "Wards and special zones are outside the New Rural Development programme."),
    "boundary_credit": ("Ranh giới hành chính: © 2021 Thang Le Quoc, vietnamese-provinces-database (giấy phép MIT)",
                        "Administrative boundaries: © 2021 Thang Le Quoc, vietnamese-provinces-database (MIT licence)"),
    "ocop_3_stars": ("OCOP 3 sao", "OCOP 3 stars"),
    "ocop_4_stars": ("OCOP 4 sao", "OCOP 4 stars"),
    "ocop_5_stars": ("OCOP 5 sao", "OCOP 5 stars"),
}

# What a ward's information says on the NTM view.
OUTSIDE_NTM = PANEL["outside_ntm"]
# The boundaries' credit: their MIT licence (shared/data/vn-admin/LICENSE) asks for the copyright
# notice. Plain text: the style names no URL it does not fetch (tests/tiles/test_style_map.py).
BOUNDARY_CREDIT = PANEL["boundary_credit"]


def label(pair: tuple[str, str]) -> dict[str, str]:
    return {"vi": pair[0], "en": pair[1]}


def value_labels() -> dict:
    """{layer or '*': {property: {value: {vi, en}}}} for the browser."""
    out: dict = {"*": {p: {v: label(t) for v, t in vals.items()} for p, vals in VALUES.items()}}
    for layer, props in BY_LAYER.items():
        out[layer] = {p: {v: label(t) for v, t in vals.items()} for p, vals in props.items()}
    return out
