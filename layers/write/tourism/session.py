"""One tourism-writing transaction: who is acting, and the database's listing rules as the usual errors.

Migration 0013's rules report with their own SQLSTATEs (NTT01 a step the lifecycle lacks, NTT03 a
linked product or cooperative that does not exist) and CHECK names; each becomes the 409, 422 or
400 a request gets, in the catalogue's words.
"""
from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from geo.area_rules import Problem
from geo.said import Said
from layers.write.growing.errors import BadBody, Conflict, RuleFailure
from layers.write.transaction import acting, pg_error, sqlstate

# CHECK constraints → (rule, catalogue key, English) of the 422.
CHECKS = {
    "named": ("name", "tourism_write.problem.name", "a listing needs a name in Vietnamese or English"),
    "dates": ("dates", "tourism_write.problem.dates",
              "an event ends on or after its first day, within a year, between 2000 and 2200"),
    "zalo": ("link", "tourism_write.problem.zalo", "the Zalo link must be https://zalo.me/…"),
    "facebook": ("link", "tourism_write.problem.facebook", "the Facebook link must be https://facebook.com/…"),
}


def _constraint(pg) -> str:
    name = getattr(pg, "constraint_name", None) or ""
    for table in ("tourism_places_", "tourism_routes_", "tourism_events_"):
        name = name.replace(f"ck_{table}", "")
    return name


def translate(exc: DBAPIError) -> Exception | None:
    """The error a listing rule of the database stands for, or None when it is not one."""
    pg = pg_error(exc)
    state = sqlstate(exc)
    message = getattr(pg, "message", None) or str(pg).splitlines()[0]
    if state == "NTT01":
        return Conflict(Said(f"the database refused the step ({message})", "tourism_write.error.step_refused",
                             detail=message))
    if state == "NTT03":
        return RuleFailure([Problem("link", Said("a linked OCOP product or cooperative does not exist",
                                                 "tourism_write.problem.linked"))])
    if state == "23503":
        return RuleFailure([Problem("reference", Said("a place or account the listing names does not exist",
                                                      "tourism_write.problem.reference"))])
    if state == "23514":
        name = _constraint(pg)
        if name in CHECKS:
            rule, key, english = CHECKS[name]
            return RuleFailure([Problem(rule, Said(english, key))])
        return BadBody(Said(f"a value breaks a rule of the record ({name})", "tourism_write.field.check", rule=name))
    return None


def writing(engine, actor: str):
    """A tourism-writing transaction acting as `actor` (layers.write.transaction.acting)."""
    return acting(engine, actor, translate)
