"""The recorded changes of one growing area, and its state as of a date.

The database triggers write history: the public fields' to `change_history`, the personal
fields' (owner name and phone, staff notes; migration 0008) to `private.change_history`. Staff
who may see personal data get the two joined back: a change made in one transaction has one
timestamp (`now()` is the transaction's), so parts with the same time and author are one change.
The public view never reads the private history, and drops who made the change.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import text

from layers.write.growing.errors import NotFound
from layers.write.growing.fields import PRIVATE

VN = timezone(timedelta(hours=7))
_ROWS = text("SELECT id, operation, changed_at, changed_by, before, after FROM public.change_history "
             "WHERE table_name = 'growing_areas' AND row_id = :id ORDER BY changed_at, id")
_PERSONAL_ROWS = text("SELECT id, operation, changed_at, changed_by, before, after FROM private.change_history "
                      "WHERE table_name = 'growing_area_private' AND row_id = :id ORDER BY changed_at, id")
_NONE = dict.fromkeys(PRIVATE)


def _personal(state: dict | None) -> dict:
    return {k: v for k, v in (state or _NONE).items() if k in PRIVATE}


def _changed(before: dict | None, after: dict | None) -> list[str]:
    keys = set(before or {}) | set(after or {})
    skip = {"updated_at", "row_version"}
    return sorted(k for k in keys - skip if (before or {}).get(k) != (after or {}).get(k))


def _joined(public: list, personal: list) -> list[tuple]:
    """(operation, changed_at, changed_by, before, after) per change, personal parts merged in."""
    out = [[r.operation, r.changed_at, r.changed_by, r.before, r.after] for r in public]
    index = {(e[1], e[2]): e for e in out}
    for r in personal:
        entry = index.get((r.changed_at, r.changed_by))
        if entry is None:  # a personal change alone (psql, a script): its own entry
            entry = ["UPDATE", r.changed_at, r.changed_by, {}, {}]
            out.append(entry)
            index[(r.changed_at, r.changed_by)] = entry
        if entry[3] is not None:
            entry[3] = {**entry[3], **_personal(r.before)}
        if entry[4] is not None:
            entry[4] = {**entry[4], **_personal(r.after)}
    return sorted((tuple(e) for e in out), key=lambda e: e[1])


async def entries(conn, area_id: int, full: bool) -> list[dict]:
    public = list(await conn.execute(_ROWS, {"id": str(area_id)}))
    personal = list(await conn.execute(_PERSONAL_ROWS, {"id": str(area_id)})) if full else []
    out = []
    for operation, changed_at, changed_by, before, after in _joined(public, personal):
        entry = {"operation": operation, "changed_at": changed_at.isoformat(),
                 "changed": _changed(before, after), "before": before, "after": after}
        if full:
            entry["changed_by"] = changed_by
        out.append(entry)
    return out


def _state_at(rows: list, end: datetime, current: dict | None, created_at: datetime | None) -> dict | None:
    """Rows loaded in bulk (the demo, file imports) have no INSERT record: before their first
    recorded change, their state is that change's `before`; with no change at all, as it is now."""
    past = [r for r in rows if r.changed_at < end]
    if past:
        return past[-1].after
    if rows:
        return rows[0].before
    return current if created_at is not None and created_at < end else None


async def as_of(conn, area_id: int, day: date, current: dict | None, created_at: datetime | None,
                personal: bool = False) -> dict:
    """The row as it stood at the end of `day` (Vietnam time), from its history; with the
    personal fields only when `personal` (staff who may see them)."""
    end = datetime.combine(day + timedelta(days=1), time(0), VN)
    public_now = {k: v for k, v in (current or {}).items() if k not in PRIVATE} if current else current
    state = _state_at(list(await conn.execute(_ROWS, {"id": str(area_id)})), end, public_now, created_at)
    if state is None:
        raise NotFound(f"growing area {area_id} did not exist on {day.isoformat()}")
    state = {k: v for k, v in state.items() if k not in PRIVATE}
    if personal:
        rows = list(await conn.execute(_PERSONAL_ROWS, {"id": str(area_id)}))
        mine = _state_at(rows, end, _personal(current), created_at)
        state.update(_personal(mine))
    return state
