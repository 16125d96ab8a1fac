"""What a field edit may carry, checked before any SQL: a GPS fix or a tapped point, and the
household's personal fields.

A fix outside Vietnam or with an absurd accuracy is refused (422) rather than stored: a phone
that has not locked on to satellites reports its cell tower's position, kilometres away, with an
accuracy of hundreds of metres, and a point stored from it would send the plate to the wrong house.
"""
from __future__ import annotations

import math
import re

from geo import address_code
from geo.area_rules import Problem
from geo.crs_traps import in_vietnam
from geo.said import Said
from geo.vocabulary import POVERTY_STATUSES
from layers.write.growing.errors import BadBody, RuleFailure

MAX_ACCURACY_M = 100.0  # worse than this the fix cannot tell two houses apart; tap the map instead
SOURCES = ("gps", "map")
PRIVATE = ("head_name", "phone", "national_id", "members", "poverty_status", "monthly_income_vnd")
_PHONE = re.compile(r"^\+?[0-9][0-9 .-]{6,18}[0-9]$")
_NATIONAL_ID = re.compile(r"^(?:[0-9]{9}|[0-9]{12})$")


def _in_code_grid(lon: float, lat: float) -> bool:
    """Inside the address codes' grid (geo.address_code): islands east of 110°E are not yet."""
    return address_code.MIN_LON <= lon <= address_code.MAX_LON and address_code.MIN_LAT <= lat <= address_code.MAX_LAT


def _bad(english: str, key: str, **values) -> BadBody:
    return BadBody(Said(english, key, **values))


def _rule(rule: str, english: str, key: str, where: dict | None = None, **values) -> RuleFailure:
    return RuleFailure([Problem(rule, Said(english, key, **values), where)])


def point(raw) -> tuple[float, float, float | None, str]:
    """(lon, lat, accuracy_m, source) of `{"lon", "lat", "accuracy_m", "source"}`."""
    if not isinstance(raw, dict) or set(raw) - {"lon", "lat", "accuracy_m", "source"}:
        raise _bad('a point is {"lon": …, "lat": …, "accuracy_m": …, "source": "gps" | "map"}',
                   "addresses_field.error.point_shape")
    lon, lat, accuracy, source = raw.get("lon"), raw.get("lat"), raw.get("accuracy_m"), raw.get("source", "gps")
    if source not in SOURCES:
        raise _bad(f"source must be gps or map, not {source!r}", "addresses_field.error.source", source=repr(source))
    numbers = [v for v in (lon, lat, accuracy) if v is not None]
    if lon is None or lat is None or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in numbers):
        raise _bad("lon and lat must be numbers (degrees, WGS 84); accuracy_m a number of metres",
                   "addresses_field.error.point_numbers")
    lon, lat = float(lon), float(lat)
    where = {"type": "Point", "coordinates": [lon, lat]} if math.isfinite(lon) and math.isfinite(lat) else None
    if where is None or not in_vietnam(lon, lat) or not _in_code_grid(lon, lat):
        raise _rule("outside_vietnam", f"the point lon={lon}, lat={lat} is not in Vietnam: check the phone's "
                    "location or tap the map", "addresses_field.problem.outside_vietnam", where,
                    lon=str(lon), lat=str(lat))
    if source == "gps":
        if accuracy is None:
            raise _rule("accuracy", "a GPS fix comes with its accuracy (accuracy_m)",
                        "addresses_field.problem.accuracy_missing", where)
        accuracy = float(accuracy)
        if not math.isfinite(accuracy) or accuracy <= 0 or accuracy > MAX_ACCURACY_M:
            raise _rule("accuracy", f"a GPS fix with an accuracy of {accuracy:g} m is not usable (at most "
                        f"{MAX_ACCURACY_M:g} m): wait for a better fix or tap the map",
                        "addresses_field.problem.accuracy", where, m=accuracy, max=MAX_ACCURACY_M)
    elif accuracy is not None:
        accuracy = float(accuracy)
        if not math.isfinite(accuracy) or accuracy < 0:
            raise _bad("accuracy_m must be a positive number of metres", "addresses_field.error.point_numbers")
    return lon, lat, accuracy, source


def _text(name: str, value, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or "\x00" in value:
        raise _bad(f"{name} must be text", "addresses_field.error.private_text", field=name)
    value = " ".join(value.split())
    if len(value) > limit:
        raise _bad(f"{name} is longer than {limit} characters", "addresses_field.error.private_long",
                   field=name, max=limit)
    return value or None


def _integer(name: str, value, low: int, high: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _bad(f"{name} must be a whole number from {low} to {high}", "addresses_field.error.private_number",
                   field=name, low=low, high=high)
    return value


def private(raw) -> dict:
    """The personal fields given (only those), cleaned; an empty string clears a field."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _bad("private must be an object of the household's fields", "addresses_field.error.private_shape")
    unknown = sorted(set(raw) - set(PRIVATE))
    if unknown:
        raise _bad(f"unknown household fields: {', '.join(unknown)} (known: {', '.join(PRIVATE)})",
                   "addresses_field.error.private_unknown", names=", ".join(unknown), known=", ".join(PRIVATE))
    out = {}
    if "head_name" in raw:
        out["head_name"] = _text("head_name", raw["head_name"], 200)
    if "phone" in raw:
        phone = _text("phone", raw["phone"], 20)
        if phone is not None and not _PHONE.match(phone):
            raise _bad(f"{phone} is not a phone number", "addresses_field.error.phone", phone=phone)
        out["phone"] = phone
    if "national_id" in raw:
        nid = _text("national_id", raw["national_id"], 12)
        if nid is not None and not _NATIONAL_ID.match(nid):
            raise _bad("an ID number has 9 or 12 digits", "addresses_field.error.national_id")
        out["national_id"] = nid
    if "members" in raw:
        out["members"] = _integer("members", raw["members"], 1, 99)
    if "monthly_income_vnd" in raw:
        out["monthly_income_vnd"] = _integer("monthly_income_vnd", raw["monthly_income_vnd"], 0, 2_000_000_000)
    if "poverty_status" in raw:
        status = raw["poverty_status"] or None
        if status is not None and status not in POVERTY_STATUSES:
            raise _bad(f"poverty_status is one of {', '.join(POVERTY_STATUSES)}", "addresses_field.error.poverty",
                       known=", ".join(POVERTY_STATUSES))
        out["poverty_status"] = status
    return out


def body_of(raw, allowed: set[str]) -> dict:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise _bad("the body must be a JSON object", "addresses_field.error.body_object")
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise _bad(f"{', '.join(unknown)} cannot be sent here (allowed: {', '.join(sorted(allowed))})",
                   "addresses_field.error.body_members", names=", ".join(unknown), known=", ".join(sorted(allowed)))
    return raw
