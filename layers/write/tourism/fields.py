"""Which fields of a tourism listing a request may set, and each value checked (a 400 naming the field).

Text is kept as typed (trimmed): HTML in a name is stored as text and escaped wherever it is
shown. Links are checked for what they claim to be: a website is http(s), a Zalo link is
https://zalo.me/… (a bare phone number becomes one), a Facebook link is on facebook.com; the
database checks the Zalo and Facebook forms again (migration 0013).
"""
from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from geo.said import Said
from geo.vocabulary import EVENT_KINDS, PLACE_KINDS, PRICE_RANGES
from layers.write.growing.errors import BadBody

# Set by the lifecycle, the database or other endpoints, never by a listing's body.
SYSTEM = ("id", "status", "status_note", "pending", "pending_at", "row_version", "owner_id", "created_at",
          "updated_at", "length_km", "photos")
ZALO = re.compile(r"^https://(www\.)?zalo\.me/[A-Za-z0-9._/-]{1,200}$")
FACEBOOK = re.compile(r"^https://(www\.|m\.|web\.)?(facebook\.com|fb\.com|fb\.me)/[A-Za-z0-9._/?=&%-]{1,250}$")
PHONE = re.compile(r"^\+?[0-9][0-9 .()-]{6,18}[0-9]$")
EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,}$")


def _bad(name: str, key: str, english: str, **values) -> BadBody:
    return BadBody(Said(english, f"tourism_write.field.{key}", name=name, **values))


def _text(limit: int):
    def conv(name, v):
        if v is None:
            return None
        if not isinstance(v, str):
            raise _bad(name, "text", f"{name} must be a string")
        v = v.strip()
        if len(v) > limit:
            raise _bad(name, "long", f"{name} is longer than {limit} characters", max=limit)
        if "\x00" in v:
            raise _bad(name, "nul", f"{name} contains a NUL character")
        return v or None
    return conv


def _choice(table: dict):
    def conv(name, v):
        if v is None:
            return None
        if v not in table:
            raise _bad(name, "choice", f"{name} must be one of {', '.join(table)}", choices=", ".join(table))
        return v
    return conv


def _bool(name, v):
    if v is None:
        return False
    if not isinstance(v, bool):
        raise _bad(name, "bool", f"{name} must be true or false")
    return v


def _commune(name, v):
    if v is None:
        return None
    if not isinstance(v, str) or not re.fullmatch(r"\d{5}", v):
        raise _bad(name, "commune", f"{name} must be a 5-digit commune code (string), e.g. \"17005\"")
    return v


def _ids(limit: int):
    def conv(name, v):
        if v is None:
            return []
        if (not isinstance(v, list) or len(v) > limit
                or not all(isinstance(i, int) and not isinstance(i, bool) and 1 <= i < 2**31 for i in v)):
            raise _bad(name, "ids", f"{name} must be a list of at most {limit} ids", max=limit)
        return list(dict.fromkeys(v))  # once each, in the order given
    return conv


def _id(name, v):
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v < 2**31:
        raise _bad(name, "id", f"{name} must be an id (a whole number)")
    return v


def _months(name, v):
    if v is None:
        return []
    if not isinstance(v, list) or not all(isinstance(m, int) and not isinstance(m, bool) and 1 <= m <= 12 for m in v):
        raise _bad(name, "months", f"{name} must be a list of months 1 to 12")
    return sorted(set(v))


def _number(lo: float, hi: float):
    def conv(name, v):
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi:
            raise _bad(name, "number", f"{name} must be a number from {lo:g} to {hi:g}", lo=f"{lo:g}", hi=f"{hi:g}")
        return float(v)
    return conv


def _date(name, v):
    if v is None:
        return None
    try:
        d = date.fromisoformat(v) if isinstance(v, str) and len(v) == 10 else None
    except ValueError:
        d = None
    if d is None or not date(2000, 1, 1) <= d <= date(2200, 12, 31):
        raise _bad(name, "date", f"{name} must be a date YYYY-MM-DD between 2000 and 2200")
    return d


def _website(name, v):
    v = _text(300)(name, v)
    if v is None:
        return None
    parts = urlsplit(v)
    if parts.scheme not in ("http", "https") or not parts.hostname or "." not in parts.hostname or re.search(r"\s", v):
        raise _bad(name, "url", f"{name} must be a web address starting with https:// or http://")
    return v


def _zalo(name, v):
    v = _text(300)(name, v)
    if v is None:
        return None
    digits = re.sub(r"[ .()-]", "", v)
    if re.fullmatch(r"\+?[0-9]{9,15}", digits):  # a phone number: its Zalo link
        v = "https://zalo.me/" + ("0" + digits[3:] if digits.startswith("+84") else digits.lstrip("+"))
    if not ZALO.match(v):
        raise _bad(name, "zalo", f"{name} must be a Zalo link https://zalo.me/… or a phone number")
    return v


def _facebook(name, v):
    v = _text(300)(name, v)
    if v is None:
        return None
    if v.startswith("http://"):
        v = "https://" + v[len("http://"):]
    if not FACEBOOK.match(v):
        raise _bad(name, "facebook", f"{name} must be a Facebook page link https://facebook.com/…")
    return v


def _phone(name, v):
    v = _text(20)(name, v)
    if v is not None and not PHONE.match(v):
        raise _bad(name, "phone", f"{name} must be a phone number (digits, spaces, + . -)")
    return v


def _email(name, v):
    v = _text(200)(name, v)
    if v is not None and not EMAIL.match(v):
        raise _bad(name, "email", f"{name} must be an e-mail address")
    return v


def _owner(name, v):
    if v is None:
        return None
    if not isinstance(v, str) or not re.fullmatch(r"[\w.@-]{1,80}", v):
        raise _bad(name, "owner", f"{name} must be an account name")
    return v


NAMES = {"name_vi": _text(250), "name_en": _text(250), "description_vi": _text(5000), "description_en": _text(5000)}
WRITABLE = {
    "tourism_places": {
        "kind": _choice(PLACE_KINDS), **NAMES, "commune_code": _commune, "address": _text(300),
        "phone": _phone, "email": _email, "website": _website, "zalo": _zalo, "facebook": _facebook,
        "price_range": _choice(PRICE_RANGES), "wifi": _bool, "parking": _bool, "accessible": _bool,
        "opening_hours": _text(200), "season_months": _months, "ocop_product_ids": _ids(50),
        "cooperative_ids": _ids(50), "owner": _owner,
    },
    "tourism_routes": {
        **NAMES, "commune_code": _commune, "place_ids": _ids(100), "duration_days": _number(0.1, 60), "owner": _owner,
    },
    "tourism_events": {
        "kind": _choice(EVENT_KINDS), **NAMES, "place_id": _id, "commune_code": _commune, "address": _text(300),
        "starts_on": _date, "ends_on": _date, "website": _website, "owner": _owner,
    },
}
REQUIRED = {"tourism_places": ("kind",), "tourism_routes": (), "tourism_events": ("kind", "starts_on", "ends_on")}
# The listing's columns a staff view shows besides its writable fields.
COLUMNS = {table: tuple(k for k in fields if k != "owner") for table, fields in WRITABLE.items()}


def clean(table: str, props) -> dict:
    """The writable properties of a body, converted; 400 naming system fields and unknown names."""
    if props is None:
        return {}
    if not isinstance(props, dict):
        raise BadBody(Said("properties must be a JSON object", "tourism_write.field.properties_object"))
    system = sorted(k for k in props if k in SYSTEM)
    if system:
        raise BadBody(Said(f"{', '.join(system)} cannot be set in a request: the status changes by the lifecycle "
                           "actions (submit, publish, unpublish), the rest is the system's",
                           "tourism_write.field.system", names=", ".join(system)))
    writable = WRITABLE[table]
    unknown = sorted(k for k in props if k not in writable)
    if unknown:
        raise BadBody(Said(f"unknown properties {', '.join(unknown)}; writable: {', '.join(writable)}",
                           "tourism_write.field.unknown", names=", ".join(unknown), writable=", ".join(writable)))
    return {k: writable[k](k, v) for k, v in props.items()}
