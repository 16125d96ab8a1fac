"""Growing-area codes, assigned once at grant from the configured template.

The serial comes from `code_counters` (one never-decreasing counter per scope, bumped with an
upsert, which also serialises concurrent grants in the same scope), so a code revoked or
belonging to a deleted scope is never handed out again. A serial already taken (a code typed
in by an import) is skipped.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import text

from geo.crops import CROPS
from geo.growing_area_code import CodeScheme

_NEXT = text("INSERT INTO code_counters (scope, last_serial) VALUES (:scope, 1) "
             "ON CONFLICT (scope) DO UPDATE SET last_serial = code_counters.last_serial + 1 "
             "RETURNING last_serial")
_TAKEN = text("SELECT EXISTS (SELECT 1 FROM growing_areas WHERE code = :code)")


async def assign(conn, template: str, province: str, commune: str, crop: str, today: date) -> str:
    scheme = CodeScheme(template)
    values = dict(province=province, commune=commune, year=today.year,
                  crop=CROPS[crop].abbr if crop in CROPS else "X")
    scope = scheme.counter_scope(**values)
    while True:
        serial = (await conn.execute(_NEXT, {"scope": scope})).scalar_one()
        code = scheme.format(serial=serial, **values)
        if not (await conn.execute(_TAKEN, {"code": code})).scalar_one():
            return code
