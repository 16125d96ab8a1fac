"""One lot-writing transaction: who is acting, and the database's lot rules as the usual errors.

The rules (migration 0011) report with their own SQLSTATEs; the deferred ones (a lot with no
area, a confidential quantity on the wrong side) only at commit, which is why the whole block,
commit included, is inside the translation.
"""
from __future__ import annotations

import json
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from geo.area_rules import Problem
from layers.write.growing.errors import BadBody, Conflict, RuleFailure, db_problem

VN_TODAY = "(now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"
# SQLSTATE → the rule a 422 names.
RULES = {"NT010": "area_cooperative", "NT011": "area_not_granted", "NT015": "no_area", "NT016": "quantity_side"}
# CHECK constraints → the rule a 422 names (field formats are 400s before they get there).
CHECKS = {
    "ck_harvest_lots_harvest_date": "harvest_date",
    "ck_harvest_lots_certification_validity": "certification_validity",
    "ck_harvest_lots_certified_harvest": "certified_harvest",
}


def _pg(exc: DBAPIError):
    err = getattr(exc, "orig", None)
    return getattr(err, "__cause__", None) or err


def translate(exc: DBAPIError) -> Exception | None:
    """The error a lot rule of the database stands for, or None when it is not one."""
    pg = _pg(exc)
    state = getattr(pg, "sqlstate", None) or getattr(getattr(exc, "orig", None), "sqlstate", None)
    message = getattr(pg, "message", None) or str(pg).splitlines()[0]
    if state in RULES:
        try:
            detail = json.loads(getattr(pg, "detail", None) or "{}")
        except ValueError:
            detail = {}
        problem = db_problem(RULES[state], message, detail.get("where"),
                             {"other_code": detail.get("area_code"), "other_status": detail.get("status_at_harvest")})
        return RuleFailure([problem])
    if state in ("NT012", "NT013", "NT014"):
        return Conflict(message)
    if state == "23505":
        return Conflict(f"this product already has a lot with that lot code ({message})")
    if state == "23503":
        return RuleFailure([Problem("product_cooperative", f"the product or an area does not exist or is not the "
                                    f"cooperative's ({message})")])
    if state == "23514":
        constraint = getattr(pg, "constraint_name", None) or ""
        if constraint in CHECKS:
            return RuleFailure([Problem(CHECKS[constraint], f"a value breaks the rule {constraint} ({message})")])
        return BadBody(f"a value breaks a rule of the record ({message})")
    return None


@asynccontextmanager
async def writing(engine, actor: str):
    try:
        async with engine.begin() as conn:
            await conn.execute(text("SELECT set_config('ntm.actor', :actor, true)"), {"actor": actor})
            yield conn
    except DBAPIError as exc:
        mapped = translate(exc)
        if mapped is None:
            raise
        raise mapped from None


async def vn_today(conn):
    return (await conn.execute(text(f"SELECT {VN_TODAY}"))).scalar_one()
