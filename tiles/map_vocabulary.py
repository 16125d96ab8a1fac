"""Which coded properties the web map shows as words (level, status, kind, crop), in vi and en.

Legends and popups show "Cam / Orange" rather than `orange`; the words are geo.vocabulary's.
"""
from __future__ import annotations

from geo.vocabulary import CROP_NAMES, GROWING_STATUSES, NTM_LEVELS, PLACE_KINDS

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
