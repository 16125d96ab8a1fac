"""The recorded changes of one tourism listing: who, when, what changed, before and after.

The database's triggers write them (change_history, from `ntm.actor`); staff in scope and the
listing's owner read them. The geometry is named when it changed but not copied (its EWKB says
nothing to a person), and nor are the system's own counters.
"""
from __future__ import annotations

from sqlalchemy import text

from layers.write.tourism import access

_ROWS = text("SELECT operation, changed_at, changed_by, before, after FROM public.change_history "
             "WHERE table_name = :table AND row_id = :id ORDER BY changed_at, id")
_SKIP = {"updated_at", "row_version"}


def _state(state: dict | None) -> dict | None:
    return None if state is None else {k: v for k, v in state.items() if k not in _SKIP | {"geom"}}


def _changed(before: dict | None, after: dict | None) -> list[str]:
    keys = set(before or {}) | set(after or {})
    return sorted(k for k in keys - _SKIP if (before or {}).get(k) != (after or {}).get(k))


async def entries(conn, table: str, listing_id: int) -> list[dict]:
    rows = await conn.execute(_ROWS, {"table": access.table_of(table), "id": str(listing_id)})
    return [{"operation": r.operation, "changed_at": r.changed_at.isoformat(), "changed_by": r.changed_by,
             "changed": _changed(r.before, r.after), "before": _state(r.before), "after": _state(r.after)}
            for r in rows]
