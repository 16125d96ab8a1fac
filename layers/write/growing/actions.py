"""Lifecycle steps on one area: submit, inspect, grant, suspend, reinstate, revoke, renew.

Grant assigns the code (once) and the validity period; renew extends validity from the later
of today and the current end. Submitting re-checks the record (drafts may predate the rules) and,
through the database trigger, that no active area overlaps it: the first of two overlapping
submissions wins, the other gets a 422 overlap.
"""
from __future__ import annotations

import calendar
from datetime import date

from sqlalchemy import text

from geo import lifecycle
from geo.area_rules import check_attributes, check_minimum
from geo.said import Said, said_of
from layers.db import dates
from layers.write.growing import access, codes, personal, read, shapes
from layers.write.growing.errors import BadBody, Conflict, Forbidden, RuleFailure, Stale


def add_months(d: date, months: int) -> date:
    """Same day `months` later, or the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return d.replace(year=year, month=month, day=min(d.day, calendar.monthrange(year, month)[1]))


def _valid_to(given: date | None, start: date, months: int, today: date) -> date:
    """The end of validity: `given` (after today, within layers.db.dates), else `months` from `start`."""
    if given is None:
        try:
            return dates.bounded(add_months(start, months), "the computed valid_to")
        except (dates.DateOutOfRange, ValueError, OverflowError):  # year past 9999 is a ValueError
            raise BadBody(f"{months} months from {start.isoformat()} ends after {dates.LATEST.isoformat()}, "
                          "the last date this service accepts; give valid_to") from None
    if given <= today:
        raise BadBody(Said(f"valid_to must be after today ({today.isoformat()})", "errors.api.growing.valid_to_past",
                           today=today.isoformat()))
    try:
        return dates.bounded(given, "valid_to")
    except dates.DateOutOfRange as exc:
        raise BadBody(said_of(exc)) from None


async def act(conn, user, area_id: int, action: str, if_match: str | None, settings, today: date,
              note: str | None = None, valid_to: date | None = None) -> str:
    """Take the step; returns the new status."""
    row = await read.one(conn, area_id, lock=True)
    access.check_scope(user, row)
    try:
        step = lifecycle.step(action, row.status, user.role)
    except lifecycle.NotAllowed as exc:
        raise Forbidden(said_of(exc)) from None
    except lifecycle.WrongStatus as exc:
        raise Conflict(said_of(exc)) from None
    version = access.check_version(if_match, row)
    if valid_to is not None and action not in ("grant", "renew"):
        raise BadBody(Said("valid_to is only taken by grant and renew", "errors.api.growing.valid_to_action"))
    values = {"status": step.target, "code": row.code, "valid_from": row.valid_from, "valid_to": row.valid_to}
    if action == "submit":
        record = {k: getattr(row, k) for k in ("name", "crop", "address", "commune_code")}
        problems = check_attributes(record) + check_minimum(row.crop, row.area_ha, shapes.limits_of(settings))
        if problems:
            raise RuleFailure(problems)
    elif action == "grant":
        if values["code"] is None:
            values["code"] = await codes.assign(conn, settings.growing_code_template, row.province_code,
                                                row.commune_code, row.crop, today)
        values["valid_from"] = today
        values["valid_to"] = _valid_to(valid_to, today, settings.growing_validity_months, today)
    elif action == "renew":
        start = max(today, row.valid_to or today)
        values["valid_from"] = row.valid_from or today
        values["valid_to"] = _valid_to(valid_to, start, settings.growing_validity_months, today)
    done = await conn.execute(text(
        "UPDATE growing_areas SET status = :status, code = :code, valid_from = :valid_from, "
        "valid_to = :valid_to WHERE id = :id AND row_version = :v RETURNING id"),
        {**values, "id": area_id, "v": version})
    if done.first() is None:
        raise Stale(Said(f"growing area {area_id} changed while this request ran; read it again",
                         "errors.api.growing.changed_meanwhile", id=str(area_id)))
    await personal.save(conn, area_id, {"status_note": note})
    return step.target
