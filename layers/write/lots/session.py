"""One lot-writing transaction: who is acting, and the database's lot rules as the usual errors.

The rules (migration 0011) report with their own SQLSTATEs; the deferred ones (a lot with no
area, a confidential quantity on the wrong side) only at commit, which is why the whole block,
commit included, is inside the translation.
"""
from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from geo.area_rules import Problem
from geo.said import Said
from layers.write.growing.errors import BadBody, Conflict, RuleFailure, db_problem
from layers.write.lots.checks import area_named, status_words
from layers.write.transaction import acting, pg_error, sqlstate

VN_TODAY = "(now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"
# SQLSTATE → the rule a 422 names.
RULES = {"NT010": "area_cooperative", "NT011": "area_not_granted", "NT015": "no_area", "NT016": "quantity_side"}
# CHECK constraints → the rule a 422 names (field formats are 400s before they get there).
CHECKS = {
    "ck_harvest_lots_harvest_date": "harvest_date",
    "ck_harvest_lots_certification_validity": "certification_validity",
    "ck_harvest_lots_certified_harvest": "certified_harvest",
}


def _detail(pg) -> dict:
    try:
        return json.loads(getattr(pg, "detail", None) or "{}")
    except ValueError:
        return {}


def _rule(state: str, message: str, detail: dict) -> Problem:
    """A rule the database raised, in the catalogue's words (the area by its code when it has one)."""
    area = None
    if detail.get("area_code") or detail.get("area_id") is not None:
        area = area_named(detail.get("area_id"), detail.get("area_code"), None, False)
    if state == "NT010" and area is not None:
        said = Said(f"growing area {area} is not linked to this cooperative", "lots.problem.area_cooperative", area=area)
    elif state == "NT011" and area is not None:
        status = status_words(detail.get("status_at_harvest"))
        said = Said(f"growing area {area} was {status} on the harvest date, not granted",
                    "lots.problem.area_not_granted_then", area=area, status=status)
    elif state == "NT015":
        said = Said("a harvest lot comes from at least one growing area: link one", "lots.problem.no_area")
    else:
        said = Said(f"the database refused the lot ({message})", "lots.problem.database", detail=message)
    return db_problem(RULES[state], said, detail.get("where"),
                      {"other_code": detail.get("area_code"), "other_status": detail.get("status_at_harvest")})


CONFLICTS = {
    "NT012": ("the cooperative, product and lot code of a harvest lot never change (its labels carry them)",
              "lots.error.identity_fixed"),
    "NT013": ("this harvest lot was recalled and never changes again", "lots.error.recalled_frozen"),
    "NT014": ("a harvest lot is never deleted: recall it instead", "lots.error.never_deleted"),
    "23505": ("this product already has a lot with that lot code", "lots.error.duplicate_lot_code"),
}


def translate(exc: DBAPIError) -> Exception | None:
    """The error a lot rule of the database stands for, or None when it is not one."""
    pg = pg_error(exc)
    state = sqlstate(exc)
    message = getattr(pg, "message", None) or str(pg).splitlines()[0]
    if state in RULES:
        return RuleFailure([_rule(state, message, _detail(pg))])
    if state in CONFLICTS:
        return Conflict(Said(*CONFLICTS[state]))
    if state == "23503":
        return RuleFailure([Problem("product_cooperative", Said(
            "the product or an area does not exist or is not the cooperative's", "lots.problem.reference"))])
    if state == "23514":
        constraint = getattr(pg, "constraint_name", None) or ""
        if constraint in CHECKS:
            return RuleFailure([Problem(CHECKS[constraint], Said(f"a value breaks the rule {constraint}",
                                                                 "lots.problem.check", rule=constraint))])
        return BadBody(Said(f"a value breaks a rule of the record ({constraint})", "lots.field.check",
                            rule=constraint))
    return None


def writing(engine, actor: str):
    """A lot-writing transaction acting as `actor` (layers.write.transaction.acting)."""
    return acting(engine, actor, translate)


async def vn_today(conn):
    return (await conn.execute(text(f"SELECT {VN_TODAY}"))).scalar_one()
