"""Which growing-area fields a staff member may set, which are the system's, which are private.

Body values are checked here (type, range, allowed values) so a wrong type is a 400 naming the
field rather than a database error.
"""
from __future__ import annotations

import re

from geo.said import Said
from geo.vocabulary import CERTIFICATIONS
from layers.write.growing.errors import BadBody

# Set by the lifecycle, the database or the code scheme, never by a request body.
SYSTEM = ("id", "code", "status", "valid_from", "valid_to", "area_ha", "row_version", "created_at",
          "updated_at", "status_note")
# Personal data of an individual owner: staff only, never in public responses or history.
PRIVATE = ("owner_name", "owner_phone", "status_note")


def _text(limit):
    def conv(name, v):
        if v is None:
            return None
        if not isinstance(v, str):
            raise BadBody(Said(f"{name} must be a string", "errors.api.growing.field_text", name=name))
        v = v.strip()
        if len(v) > limit:
            raise BadBody(Said(f"{name} is longer than {limit} characters", "errors.api.growing.field_long", name=name,
                               max=limit))
        if "\x00" in v:
            raise BadBody(Said(f"{name} contains a NUL character", "errors.api.growing.field_nul", name=name))
        return v or None
    return conv


def _commune(name, v):
    if v is None:
        return None
    if not isinstance(v, str) or not re.fullmatch(r"\d{5}", v):
        raise BadBody(Said(f"{name} must be a 5-digit commune code (string), e.g. \"17005\"", "errors.api.growing.field_commune",
                           name=name))
    return v


def _int(lo, hi):
    def conv(name, v):
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            raise BadBody(Said(f"{name} must be a whole number from {lo} to {hi}", "errors.api.growing.field_int", name=name,
                               lo=str(lo), hi=str(hi)))
        return v
    return conv


def _number(lo, hi):
    def conv(name, v):
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi:
            raise BadBody(Said(f"{name} must be a number from {lo} to {hi}", "errors.api.growing.field_number", name=name,
                               lo=str(lo), hi=str(hi)))
        return float(v)
    return conv


def _bool(name, v):
    if v is None:
        return None
    if not isinstance(v, bool):
        raise BadBody(Said(f"{name} must be true or false", "errors.api.growing.field_bool", name=name))
    return v


def _certification(name, v):
    if v is None:
        return None
    if v not in CERTIFICATIONS:
        raise BadBody(Said(f"{name} must be one of {', '.join(CERTIFICATIONS)}", "errors.api.growing.field_choice", name=name,
                           choices=", ".join(CERTIFICATIONS)))
    return v


def _markets(name, v):
    if v is None:
        return None
    if not isinstance(v, list) or len(v) > 20 or not all(isinstance(m, str) and 0 < len(m.strip()) <= 40 for m in v):
        raise BadBody(Said(f"{name} must be a list of at most 20 market names (1–40 characters each)",
                           "errors.api.growing.field_markets", name=name))
    return [m.strip() for m in v]


WRITABLE = {
    "name": _text(250), "crop": _text(80), "variety": _text(120), "commune_code": _commune,
    "address": _text(300), "cooperative_id": _int(1, 2**31 - 1), "owner_name": _text(200),
    "owner_phone": _text(20), "households_count": _int(0, 1_000_000),
    "expected_output_tonnes": _number(0, 10_000_000), "certification": _certification,
    "farming_diary": _bool, "residue_monitoring": _bool, "target_markets": _markets,
}
DEFAULTS = {"certification": "none", "farming_diary": False, "residue_monitoring": False, "target_markets": []}


def clean(props) -> dict:
    """The writable properties of a body, converted; 400 for system fields and unknown names."""
    if props is None:
        return {}
    if not isinstance(props, dict):
        raise BadBody(Said("properties must be a JSON object", "errors.api.growing.properties_object"))
    system = sorted(k for k in props if k in SYSTEM)
    if system:
        raise BadBody(Said(f"{', '.join(system)} cannot be set in a request: code, status and validity are set by "
                           "the lifecycle actions, the rest by the system", "errors.api.growing.system_fields",
                           names=", ".join(system)))
    unknown = sorted(k for k in props if k not in WRITABLE)
    if unknown:
        raise BadBody(Said(f"unknown properties {', '.join(unknown)}; writable: {', '.join(WRITABLE)}",
                           "errors.api.growing.unknown_properties", names=", ".join(unknown), writable=", ".join(WRITABLE)))
    return {k: WRITABLE[k](k, v) for k, v in props.items()}
