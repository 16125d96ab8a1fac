"""Which profile and product fields a body may set, converted and checked (400 naming the field).

Text is kept as written (HTML included: it is data, escaping is the pages' job), trimmed, without
control characters. `stars`, `score` and `certified_year` are the province's award: a cooperative
sending them is refused with 403 naming the field (the value may be right, the sender may not
set it); anyone sending a system field gets 400.
"""
from __future__ import annotations

import re
from datetime import date

from geo import gs1
from geo.said import Said, said_of
from layers.write.growing.errors import BadBody, Forbidden

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PHONE = re.compile(r"^\+?[0-9][0-9 .()-]{5,19}$")


def _text(limit: int, required: bool = False, lines: bool = False):
    def conv(name, v):
        if v is None and not required:
            return None
        if not isinstance(v, str):
            raise BadBody(Said(f"{name} must be text", "lots.field.text", name=name))
        v = v.strip()
        if required and not v:
            raise BadBody(Said(f"{name} cannot be empty", "lots.field.empty", name=name))
        if len(v) > limit:
            raise BadBody(Said(f"{name} is longer than {limit} characters", "lots.field.long", name=name,
                               max=str(limit)))
        if _CONTROL.search(v) or (not lines and ("\n" in v or "\r" in v or "\t" in v)):
            raise BadBody(Said(f"{name} holds control characters", "lots.field.control", name=name))
        return v or None
    return conv


def _int(lo: int, hi: int, required: bool = False):
    def conv(name, v):
        if v is None and not required:
            return None
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            raise BadBody(Said(f"{name} must be a whole number from {lo} to {hi}", "lots.field.int", name=name,
                               lo=str(lo), hi=str(hi)))
        return v
    return conv


def _phone(name, v):
    v = _text(20)(name, v)
    if v is not None and not _PHONE.match(v):
        raise BadBody(Said(f"{name} must be a phone number: digits, spaces, + . ( ) -", "lots.field.phone", name=name))
    return v


def _gtin(name, v):
    """8, 12, 13 or 14 digits with the right check digit, stored as 14 (leading zeros)."""
    if v is None:
        return None
    if not isinstance(v, str):
        raise BadBody(Said(f"{name} must be text of digits (a GTIN)", "lots.field.gtin_text", name=name))
    try:
        return gs1.gtin14(v)
    except gs1.GS1Problem as exc:
        raise BadBody(Said(f"{name}: {exc}", "lots.field.gs1", name=name, reason=said_of(exc))) from None


def _year(name, v):
    return _int(1900, date.today().year)(name, v)


PROFILE = {
    "name": _text(250, required=True), "address": _text(300), "main_products": _text(300), "phone": _phone,
    "founded_year": _year, "members": _int(0, 1_000_000),
}
PRODUCT = {
    "name": _text(250, required=True), "category": _text(80, required=True), "description": _text(5000, lines=True),
    "gtin": _gtin,
}
AWARD = {"stars": _int(3, 5, required=True), "score": _int(0, 100), "certified_year": _int(1990, 2100)}
# Only when province staff register a product (the rest defaults to the cooperative's).
PRODUCT_NEW = {"cooperative_id": _int(1, 2**31 - 1, required=True), "producer": _text(250, required=True),
               "commune_code": _text(10)}
PROFILE_SYSTEM = ("id", "code", "commune_code", "geom", "geometry", "created_at", "updated_at")
PRODUCT_SYSTEM = ("id", "photo_sha256", "photo_alt", "geom", "geometry", "created_at", "updated_at")


def _refuse(props: dict, system: tuple, writable: dict, note: Said) -> None:
    fixed = sorted(k for k in props if k in system)
    if fixed:
        raise BadBody(Said(f"{', '.join(fixed)} cannot be set here ({note})", "lots.field.fixed",
                           names=", ".join(fixed), note=note))
    unknown = sorted(k for k in props if k not in writable)
    if unknown:
        raise BadBody(Said(f"unknown fields {', '.join(unknown)}; writable: {', '.join(writable)}", "lots.field.unknown",
                           names=", ".join(unknown), writable=", ".join(writable)))


def profile(props) -> dict:
    if not isinstance(props, dict):
        raise BadBody(Said("the body must be a JSON object", "lots.field.body_object"))
    _refuse(props, PROFILE_SYSTEM, PROFILE, Said("set by province staff or the system", "lots.field.note_profile"))
    return {k: PROFILE[k](k, v) for k, v in props.items()}


def product(props, staff: bool, creating: bool = False) -> dict:
    """A product body: the cooperative's fields; the award (and, when creating, the owner) for staff."""
    if not isinstance(props, dict):
        raise BadBody(Said("the body must be a JSON object", "lots.field.body_object"))
    awarded = sorted(k for k in props if k in AWARD)
    if awarded and not staff:
        raise Forbidden(Said(f"{', '.join(awarded)} are awarded by province staff, not set by the cooperative",
                             "lots.error.award_fields", names=", ".join(awarded)))
    writable = {**PRODUCT, **AWARD, **(PRODUCT_NEW if creating else {})}
    _refuse(props, PRODUCT_SYSTEM, writable, Said("the photo is set by PUT …/photo; the rest by the system",
                                                   "lots.field.note_product"))
    values = {k: writable[k](k, v) for k, v in props.items()}
    if creating:
        missing = [k for k in ("cooperative_id", "name", "category", "stars") if values.get(k) is None]
        if missing:
            raise BadBody(Said(f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} required",
                               "lots.field.required_one" if len(missing) == 1 else "lots.field.required_many",
                               names=", ".join(missing)))
    return values


def properties_of(body) -> dict:
    """A GeoJSON Feature's properties (its geometry may not change here) or a plain JSON object."""
    if isinstance(body, dict) and body.get("type") == "Feature":
        extra = sorted(k for k in body if k not in ("type", "properties", "geometry", "id"))
        if body.get("geometry") is not None or extra:
            raise BadBody(Said("only properties change here: send no geometry", "lots.field.no_geometry"))
        return body.get("properties") or {}
    return body
