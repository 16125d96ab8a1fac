"""Which kind of place each commune is, so generated data follows the province's geography.

Nghệ An runs from the Annamite mountains in the west (Thái, Khơ Mú, H'Mông villages; tea and
passion fruit) through the midlands (oranges, pineapple, sugarcane) to the coastal plain
(rice, peanuts, fishing and craft villages). Without a DEM, longitude is a fair proxy.
"""
from __future__ import annotations

from geo.vocabulary import CROP_NAMES, known

WARD, LOWLAND, MIDLAND, HIGHLAND = "ward", "lowland", "midland", "highland"


def region_of(kind: str | None, lon: float) -> str:
    if kind == "Phường":
        return WARD
    if lon < 104.98:
        return HIGHLAND
    if lon < 105.45:
        return MIDLAND
    return LOWLAND


# Crops and their weights per region; a commune name hint can add a well-known local crop.
CROPS_BY_REGION = {
    HIGHLAND: {"passion_fruit": 4, "tea": 3, "rice": 2, "banana": 2},
    MIDLAND: {"orange": 4, "tea": 3, "pineapple": 2, "sugarcane": 2, "rice": 2, "banana": 1},
    LOWLAND: {"rice": 5, "peanut": 3, "vegetables": 2, "pomelo": 1, "orange": 1},
    WARD: {"vegetables": 3, "rice": 1},
}
NAME_HINTS = {
    "Nghĩa": "orange", "Quỳ Hợp": "orange", "Vân Du": "orange", "Yên Thành": "orange",
    "Quế Phong": "passion_fruit", "Tri Lễ": "passion_fruit", "Thông Thụ": "passion_fruit",
    "Anh Sơn": "tea", "Hạnh Lâm": "tea", "Cát Ngạn": "tea", "Sơn Lâm": "tea",
    "Quỳnh": "pineapple", "Tân Kỳ": "sugarcane", "Tân Phú": "sugarcane",
    "Nam Đàn": "pomelo", "Kim Liên": "pomelo", "Nghi Lộc": "peanut", "Diễn": "peanut",
}
known(CROP_NAMES, [crop for weights in CROPS_BY_REGION.values() for crop in weights], "demo crops by region")
known(CROP_NAMES, NAME_HINTS.values(), "demo crop name hints")
# Households per unit of village weight, relative.
DENSITY = {WARD: 3.0, LOWLAND: 1.6, MIDLAND: 1.0, HIGHLAND: 0.45}
# km² of commune per village.
KM2_PER_VILLAGE = {WARD: 1.0, LOWLAND: 1.8, MIDLAND: 4.0, HIGHLAND: 12.0}
