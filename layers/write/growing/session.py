"""One write transaction: who is acting, the rule tolerances, expiry first, DB rules as errors.

The database enforces overlap and commune containment (migration 0005) and reports them with
its own SQLSTATEs; they are turned into `RuleFailure`s here so every caller gets a 422 with the
rule and the geometry of the problem, never a 503.
"""
from __future__ import annotations

import json
from contextlib import asynccontextmanager
from datetime import date

import shapely.geometry
from sqlalchemy import Date, bindparam, text
from sqlalchemy.exc import DBAPIError

from layers.write.growing.errors import BadBody, Conflict, RuleFailure, db_problem
from layers.write.transaction import pg_error, sqlstate

VN_TODAY = "(now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"
_RULES = {"NT001": "overlap", "NT002": "outside_commune", "NT003": "unknown_commune"}


def translate(exc: DBAPIError) -> Exception | None:
    """The RuleFailure / Conflict a database error stands for, or None if it is not ours."""
    pg = pg_error(exc)
    state = sqlstate(exc)
    message = getattr(pg, "message", None) or str(pg).splitlines()[0]
    if state in _RULES:
        detail = {}
        try:
            detail = json.loads(getattr(pg, "detail", None) or "{}")
        except ValueError:
            pass
        where = detail.get("where")
        if where and where.get("type") == "GeometryCollection" and not where.get("geometries"):
            where = None
        return RuleFailure([db_problem(_RULES[state], message, where, detail)])
    if state in ("NT004", "NT005"):
        return Conflict(message)
    if state == "23503":  # the only foreign key a body can set
        return BadBody("cooperative_id refers to no cooperative")
    if state == "23514":
        return BadBody(f"a value breaks a rule of the record ({message})")
    return None


@asynccontextmanager
async def writing(engine, actor: str, settings, today: date | None = None):
    """A transaction acting as `actor`; overdue codes expire before anything else is decided."""
    try:
        async with engine.begin() as conn:
            await conn.execute(text(
                "SELECT set_config('ntm.actor', :actor, true), "
                "set_config('ntm.overlap_tolerance_m2', :overlap, true), "
                "set_config('ntm.commune_tolerance_m', :commune, true)"),
                {"actor": actor, "overlap": str(settings.growing_overlap_tolerance_m2),
                 "commune": str(settings.growing_commune_tolerance_m)})
            await expire(conn, today)
            yield conn
    except DBAPIError as exc:
        mapped = translate(exc)
        if mapped is None:
            raise
        raise mapped from None


async def vn_today(conn) -> date:
    """Today in Vietnam by the database's clock: the date actions are decided on, the same for
    every worker process whatever its own clock or time zone."""
    return (await conn.execute(text(f"SELECT {VN_TODAY}"))).scalar_one()


# The one expiry statement, run here by the app and by layers.write.growing.expiry.expire_now
# for the CLI and publishing; `today` None means Vietnam's date now.
EXPIRE = text(f"SELECT ntm_expire_growing_areas(coalesce(:today, {VN_TODAY}))").bindparams(
    bindparam("today", type_=Date))


async def expire(conn, today: date | None = None) -> int:
    """Expire granted/suspended areas past valid_to (Vietnam's date); writes only when due."""
    return (await conn.execute(EXPIRE, {"today": today})).scalar_one()


def where_of(geom) -> dict | None:
    return shapely.geometry.mapping(geom) if geom is not None else None
