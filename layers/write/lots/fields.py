"""Which lot fields a cooperative may set, converted and checked (a wrong one is a 400 naming it)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from geo import gs1
from geo.vocabulary import CERTIFICATIONS, LOT_UNITS
from layers.write.growing.errors import BadBody

# Set by the system, the lifecycle (recall) or the database, never by a body.
SYSTEM = ("id", "cooperative_id", "status", "recall_reason", "recalled_at", "row_version", "created_at",
          "updated_at", "created_by", "updated_by", "status_at_harvest")
# Printed on the labels: given once, at registration.
IDENTITY = ("product_id", "lot_code")
MAX_AREAS = 50
MAX_QUANTITY = Decimal("99999999999.999")  # numeric(14, 3)


def _product(name, v):
    if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 2**31 - 1:
        raise BadBody(f"{name} must be the id of an OCOP product (a whole number)")
    return v


def _lot_code(name, v):
    try:
        return gs1.validate_lot(v)
    except gs1.GS1Problem as exc:
        raise BadBody(f"{name}: {exc}") from None


def _quantity(name, v):
    if v is None:
        raise BadBody(f"{name} is required: a positive number")
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        raise BadBody(f"{name} must be a positive number")
    try:
        q = Decimal(str(v))
    except InvalidOperation:
        raise BadBody(f"{name} must be a positive number") from None
    if not q.is_finite() or q <= 0 or q > MAX_QUANTITY or q != q.quantize(Decimal("0.001")):
        raise BadBody(f"{name} must be a positive number below {MAX_QUANTITY} with at most 3 decimals")
    return q


def _choice(table):
    def conv(name, v):
        if v not in table:
            raise BadBody(f"{name} must be one of {', '.join(table)}")
        return v
    return conv


def _date(required: bool):
    def conv(name, v):
        if v is None and not required:
            return None
        if isinstance(v, date):
            return v
        try:
            return date.fromisoformat(v) if isinstance(v, str) and len(v) == 10 else None
        except ValueError:
            pass
        raise BadBody(f"{name} must be a date written YYYY-MM-DD")
    return conv


def _bool(name, v):
    if not isinstance(v, bool):
        raise BadBody(f"{name} must be true or false")
    return v


def _areas(name, v):
    if (not isinstance(v, list) or not v or len(v) > MAX_AREAS
            or not all(isinstance(a, int) and not isinstance(a, bool) and 1 <= a <= 2**31 - 1 for a in v)):
        raise BadBody(f"{name} must list 1 to {MAX_AREAS} growing-area ids")
    return sorted(set(v))


WRITABLE = {
    "product_id": _product, "lot_code": _lot_code, "quantity": _quantity, "unit": _choice(LOT_UNITS),
    "harvest_date": _date(True), "certification": _choice(CERTIFICATIONS),
    "certification_valid_from": _date(False), "certification_valid_to": _date(False),
    "confidential_quantity": _bool, "growing_area_ids": _areas,
}
REQUIRED = ("product_id", "lot_code", "quantity", "unit", "harvest_date", "growing_area_ids")
DEFAULTS = {"certification": "none", "certification_valid_from": None, "certification_valid_to": None,
            "confidential_quantity": False}


def clean(body, correcting: bool = False) -> dict:
    """The body's fields, converted; 400 naming a system, identity (when correcting) or unknown field."""
    if not isinstance(body, dict):
        raise BadBody("the body must be a JSON object")
    system = sorted(k for k in body if k in SYSTEM)
    if system:
        raise BadBody(f"{', '.join(system)} cannot be set in a request: status and recall are set by the recall "
                      "action, the rest by the system")
    if correcting:
        fixed = sorted(k for k in body if k in IDENTITY)
        if fixed:
            raise BadBody(f"{', '.join(fixed)} cannot be corrected: the labels carry them; recall the lot "
                          "and register a new one")
    unknown = sorted(k for k in body if k not in WRITABLE)
    if unknown:
        raise BadBody(f"unknown fields {', '.join(unknown)}; writable: {', '.join(WRITABLE)}")
    if not correcting:
        missing = [k for k in REQUIRED if body.get(k) is None]
        if missing:
            raise BadBody(f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} required")
    return {k: WRITABLE[k](k, v) for k, v in body.items()}
