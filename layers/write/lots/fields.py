"""Which lot fields a cooperative may set, converted and checked (a wrong one is a 400 naming it)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from geo import gs1
from geo.said import Said, said_of
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
        raise BadBody(Said(f"{name} must be the id of an OCOP product (a whole number)", "lots.field.product",
                           name=name))
    return v


def _lot_code(name, v):
    try:
        return gs1.validate_lot(v)
    except gs1.GS1Problem as exc:
        raise BadBody(Said(f"{name}: {exc}", "lots.field.gs1", name=name, reason=said_of(exc))) from None


def _quantity(name, v):
    if v is None:
        raise BadBody(Said(f"{name} is required: a positive number", "lots.field.quantity_required", name=name))
    positive = Said(f"{name} must be a positive number", "lots.field.quantity", name=name)
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        raise BadBody(positive)
    try:
        q = Decimal(str(v))
    except InvalidOperation:
        raise BadBody(positive) from None
    if not q.is_finite() or q <= 0 or q > MAX_QUANTITY or q != q.quantize(Decimal("0.001")):
        raise BadBody(Said(f"{name} must be a positive number below {MAX_QUANTITY} with at most 3 decimals",
                           "lots.field.quantity_range", name=name, max=str(MAX_QUANTITY)))
    return q


def _choice(table):
    def conv(name, v):
        if v not in table:
            raise BadBody(Said(f"{name} must be one of {', '.join(table)}", "lots.field.choice", name=name,
                               choices=", ".join(table)))
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
        raise BadBody(Said(f"{name} must be a date written YYYY-MM-DD", "lots.field.date", name=name))
    return conv


def _bool(name, v):
    if not isinstance(v, bool):
        raise BadBody(Said(f"{name} must be true or false", "lots.field.bool", name=name))
    return v


def _areas(name, v):
    if (not isinstance(v, list) or not v or len(v) > MAX_AREAS
            or not all(isinstance(a, int) and not isinstance(a, bool) and 1 <= a <= 2**31 - 1 for a in v)):
        raise BadBody(Said(f"{name} must list 1 to {MAX_AREAS} growing-area ids", "lots.field.areas", name=name,
                           max=str(MAX_AREAS)))
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
        raise BadBody(Said("the body must be a JSON object", "lots.field.body_object"))
    system = sorted(k for k in body if k in SYSTEM)
    if system:
        raise BadBody(Said(f"{', '.join(system)} cannot be set in a request: status and recall are set by the recall "
                           "action, the rest by the system", "lots.field.system", names=", ".join(system)))
    if correcting:
        fixed = sorted(k for k in body if k in IDENTITY)
        if fixed:
            raise BadBody(Said(f"{', '.join(fixed)} cannot be corrected: the labels carry them; recall the lot "
                               "and register a new one", "lots.field.identity", names=", ".join(fixed)))
    unknown = sorted(k for k in body if k not in WRITABLE)
    if unknown:
        raise BadBody(Said(f"unknown fields {', '.join(unknown)}; writable: {', '.join(WRITABLE)}", "lots.field.unknown",
                           names=", ".join(unknown), writable=", ".join(WRITABLE)))
    if not correcting:
        missing = [k for k in REQUIRED if body.get(k) is None]
        if missing:
            one = len(missing) == 1
            raise BadBody(Said(f"{', '.join(missing)} {'is' if one else 'are'} required",
                               "lots.field.required_one" if one else "lots.field.required_many",
                               names=", ".join(missing)))
    return {k: WRITABLE[k](k, v) for k, v in body.items()}
