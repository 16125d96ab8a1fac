"""Crops grown in growing areas: code abbreviations, varieties, defaults (names: geo.vocabulary).

Minimum areas per crop are not settled in public sources (DOMAIN.md); these defaults are
overridable by configuration and only describe what the demo and the validation start from.
"""
from __future__ import annotations

from dataclasses import dataclass

from geo.vocabulary import CROP_NAMES, MARKETS, known


@dataclass(frozen=True)
class Crop:
    code: str
    abbr: str  # short uppercase form for growing-area codes that use {crop}
    name_vi: str
    name_en: str
    varieties: tuple[str, ...]
    min_area_ha: float
    typical_ha: tuple[float, float]
    yield_t_per_ha: float
    markets: tuple[str, ...]


# code → (abbr, varieties, min_area_ha, typical_ha, yield_t_per_ha, markets); names come from
# geo.vocabulary.CROP_NAMES, which also decides the order and which crops there are.
_AGRONOMY = {
    "orange": ("CAM", ("Cam Vinh Xã Đoài", "Cam Vân Du", "Cam Sông Con"),
        1.0, (4, 25), 15, ("domestic",)),
    "tea": ("CHE", ("Chè Trung du", "Chè LDP1", "Chè Shan tuyết"),
        2.0, (8, 45), 10, ("domestic", "Taiwan", "Pakistan")),
    "passion_fruit": ("CLE", ("Đài Nông 1", "Chanh leo tím Quế Phong"),
        1.0, (4, 20), 25, ("EU", "domestic")),
    "rice": ("LUA", ("Bắc thơm số 7", "Khang dân 18", "Nếp cái hoa vàng", "ST25"),
        5.0, (10, 60), 11, ("domestic",)),
    "pineapple": ("DUA", ("Dứa Cayenne", "Dứa Queen"),
        2.0, (8, 40), 45, ("EU", "Russia", "domestic")),
    "peanut": ("LAC", ("L14", "Lạc Sen Nghệ An"),
        2.0, (5, 30), 4, ("domestic",)),
    "sugarcane": ("MIA", ("ROC22", "K88-92"),
        5.0, (15, 70), 60, ("domestic",)),
    "pomelo": ("BUO", ("Bưởi Hoàng Nam Đàn", "Bưởi Diễn"),
        1.0, (3, 15), 20, ("domestic", "EU")),
    "banana": ("CHU", ("Chuối tiêu hồng", "Chuối Laba"),
        1.0, (5, 20), 35, ("China", "domestic")),
    "vegetables": ("RAU", ("Rau cải", "Bí xanh", "Rau muống"),
        0.5, (2, 10), 30, ("domestic",)),
}
CROPS: dict[str, Crop] = {
    code: Crop(code, _AGRONOMY[code][0], vi, en, *_AGRONOMY[code][1:]) for code, (vi, en) in CROP_NAMES.items()
}
known(CROP_NAMES, _AGRONOMY, "geo.crops agronomy")
known(MARKETS, {m for c in CROPS.values() for m in c.markets}, "geo.crops markets")


def crop(code: str) -> Crop:
    try:
        return CROPS[code]
    except KeyError:
        raise ValueError(f"unknown crop {code!r}; known crops: {', '.join(CROPS)}") from None
