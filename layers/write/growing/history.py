"""The recorded changes of one growing area, and its state as of a date.

change_history is written by the database trigger (who, when, before, after as JSON). The
public view drops personal fields (owner name and phone, staff notes) and who made the change;
staff in scope see everything.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import text

from layers.write.growing.errors import NotFound
from layers.write.growing.fields import PRIVATE

VN = timezone(timedelta(hours=7))
_ROWS = text("SELECT id, operation, changed_at, changed_by, before, after FROM change_history "
             "WHERE table_name = 'growing_areas' AND row_id = :id ORDER BY changed_at, id")


def _public(state: dict | None) -> dict | None:
    if state is None:
        return None
    return {k: v for k, v in state.items() if k not in PRIVATE}


def _changed(before: dict | None, after: dict | None) -> list[str]:
    keys = set(before or {}) | set(after or {})
    skip = {"updated_at", "row_version"}
    return sorted(k for k in keys - skip if (before or {}).get(k) != (after or {}).get(k))


async def entries(conn, area_id: int, full: bool) -> list[dict]:
    out = []
    for r in await conn.execute(_ROWS, {"id": str(area_id)}):
        before, after = (r.before, r.after) if full else (_public(r.before), _public(r.after))
        entry = {"operation": r.operation, "changed_at": r.changed_at.isoformat(),
                 "changed": _changed(before, after), "before": before, "after": after}
        if full:
            entry["changed_by"] = r.changed_by
        out.append(entry)
    return out


async def as_of(conn, area_id: int, day: date, current: dict | None, created_at: datetime | None) -> dict:
    """The row as it stood at the end of `day` (Vietnam time), from its history.

    Rows loaded in bulk (the demo, file imports) have no INSERT record: before their first
    recorded change, their state is that change's `before`; with no change at all, the row as it is.
    """
    end = datetime.combine(day + timedelta(days=1), time(0), VN)
    rows = list(await conn.execute(_ROWS, {"id": str(area_id)}))
    past = [r for r in rows if r.changed_at < end]
    if past:
        state = past[-1].after
    elif rows:
        state = rows[0].before
    else:
        state = current if created_at is not None and created_at < end else None
    if state is None:
        raise NotFound(f"growing area {area_id} did not exist on {day.isoformat()}")
    return state
