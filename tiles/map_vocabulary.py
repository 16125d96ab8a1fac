"""Words a person reads on the web map for coded values (level, status, kind, crop), in vi and en.

Legends and popups show "Cam / Orange" rather than `orange`; one table serves both.
"""
from __future__ import annotations

from geo.crops import CROPS

NTM_LEVELS = {
    "model": ("Nông thôn mới kiểu mẫu", "Model NTM"),
    "advanced": ("Nông thôn mới nâng cao", "Advanced NTM"),
    "standard": ("Đạt chuẩn nông thôn mới", "NTM standard"),
    "not_met": ("Chưa đạt chuẩn", "Not yet met"),
}
GROWING_STATUSES = {
    "granted": ("Đã cấp mã", "Granted"),
    "suspended": ("Tạm đình chỉ", "Suspended"),
    "revoked": ("Đã thu hồi", "Revoked"),
    "expired": ("Hết hiệu lực", "Expired"),
}
PLACE_KINDS = {
    "homestay": ("Homestay", "Homestay"),
    "community_tourism": ("Du lịch cộng đồng", "Community tourism"),
    "ecotourism": ("Du lịch sinh thái", "Ecotourism"),
    "farm_experience": ("Trải nghiệm nông nghiệp", "Farm experience"),
    "craft_village": ("Làng nghề", "Craft village"),
    "historic_site": ("Di tích", "Historic site"),
    "scenic_spot": ("Danh thắng", "Scenic spot"),
    "festival": ("Lễ hội", "Festival"),
    "restaurant": ("Ẩm thực", "Food"),
}
CROP_NAMES = {code: (c.name_vi, c.name_en) for code, c in CROPS.items()}

# property name → value → (vi, en); a popup translates a value when its layer's property is here.
VALUES: dict[str, dict[str, tuple[str, str]]] = {
    "level": NTM_LEVELS, "status": GROWING_STATUSES, "crop": CROP_NAMES,
}
BY_LAYER: dict[str, dict[str, dict[str, tuple[str, str]]]] = {
    "tourism_places": {"kind": PLACE_KINDS},
}


def label(pair: tuple[str, str]) -> dict[str, str]:
    return {"vi": pair[0], "en": pair[1]}


def value_labels() -> dict:
    """{layer or '*': {property: {value: {vi, en}}}} for the browser."""
    out: dict = {"*": {p: {v: label(t) for v, t in vals.items()} for p, vals in VALUES.items()}}
    for layer, props in BY_LAYER.items():
        out[layer] = {p: {v: label(t) for v, t in vals.items()} for p, vals in props.items()}
    return out
