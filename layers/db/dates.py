"""The calendar a client may write to or ask about: 1900-01-01 to 2200-12-31.

PostgreSQL dates run from 4713 BC to 5874897 AD plus `±infinity`; Python's (so psycopg's and
asyncpg's) only from year 1 to 9999, and asyncpg writes `date.max` as `infinity`. A grant
"valid to 9999-12-31" was stored as `infinity`, and every publish then failed reading it. So every
date a request carries is checked against these bounds where it enters (a 400 naming the
parameter), and the database refuses growing-area dates outside them (migration 0006, whose
CHECK repeats these two constants: change both together). No real validity period, history day
or filter needs more.
"""
from __future__ import annotations

from datetime import date

from geo.said import Said

EARLIEST = date(1900, 1, 1)
LATEST = date(2200, 12, 31)
# A Said, so a refusal in Vietnamese reads "1900-01-01 đến 2200-12-31" (api.i18n.refusal).
RANGE_TEXT = Said(f"{EARLIEST.isoformat()} to {LATEST.isoformat()}", "errors.api.date_span",
                  first=EARLIEST.isoformat(), last=LATEST.isoformat())


class DateOutOfRange(ValueError):
    """The message says which value and which bounds, for a person."""


def bounded(day: date, what: str) -> date:
    """`day` if it lies within the bounds, else DateOutOfRange naming `what`."""
    if not EARLIEST <= day <= LATEST:
        raise DateOutOfRange(Said(f"{what} {day.isoformat()} is outside the dates this service accepts ({RANGE_TEXT})",
                                  "errors.api.date_range", what=what, day=day.isoformat(), range=RANGE_TEXT))
    return day
