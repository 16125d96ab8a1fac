"""Crops grown in growing areas: names in Vietnamese and English, code abbreviations, defaults.

Minimum areas per crop are not settled in public sources (DOMAIN.md); these defaults are
overridable by configuration and only describe what the demo and the validation start from.
"""
from __future__ import annotations

from dataclasses import dataclass


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


CROPS: dict[str, Crop] = {c.code: c for c in (
    Crop("orange", "CAM", "Cam", "Orange", ("Cam Vinh Xã Đoài", "Cam Vân Du", "Cam Sông Con"),
         1.0, (4, 25), 15, ("domestic",)),
    Crop("tea", "CHE", "Chè", "Tea", ("Chè Trung du", "Chè LDP1", "Chè Shan tuyết"),
         2.0, (8, 45), 10, ("domestic", "Taiwan", "Pakistan")),
    Crop("passion_fruit", "CLE", "Chanh leo", "Passion fruit", ("Đài Nông 1", "Chanh leo tím Quế Phong"),
         1.0, (4, 20), 25, ("EU", "domestic")),
    Crop("rice", "LUA", "Lúa", "Rice", ("Bắc thơm số 7", "Khang dân 18", "Nếp cái hoa vàng", "ST25"),
         5.0, (10, 60), 11, ("domestic",)),
    Crop("pineapple", "DUA", "Dứa", "Pineapple", ("Dứa Cayenne", "Dứa Queen"),
         2.0, (8, 40), 45, ("EU", "Russia", "domestic")),
    Crop("peanut", "LAC", "Lạc", "Peanut", ("L14", "Lạc Sen Nghệ An"),
         2.0, (5, 30), 4, ("domestic",)),
    Crop("sugarcane", "MIA", "Mía", "Sugarcane", ("ROC22", "K88-92"),
         5.0, (15, 70), 60, ("domestic",)),
    Crop("pomelo", "BUO", "Bưởi", "Pomelo", ("Bưởi Hoàng Nam Đàn", "Bưởi Diễn"),
         1.0, (3, 15), 20, ("domestic", "EU")),
    Crop("banana", "CHU", "Chuối", "Banana", ("Chuối tiêu hồng", "Chuối Laba"),
         1.0, (5, 20), 35, ("China", "domestic")),
    Crop("vegetables", "RAU", "Rau an toàn", "Safe vegetables", ("Rau cải", "Bí xanh", "Rau muống"),
         0.5, (2, 10), 30, ("domestic",)),
)}


def crop(code: str) -> Crop:
    try:
        return CROPS[code]
    except KeyError:
        raise ValueError(f"unknown crop {code!r}; known crops: {', '.join(CROPS)}") from None
