"""The recorded changes of one household point: public columns from `change_history`, personal
ones from `private.change_history` (written by the triggers of migration 0001), joined back for
staff who may see them, as growing areas' are (layers.write.growing.history). The public view
names no author and no personal value."""
from __future__ import annotations

from sqlalchemy import text

from layers.write.households.fields import PRIVATE

_PUBLIC = text("SELECT operation, changed_at, changed_by, before, after FROM public.change_history "
               "WHERE table_name = 'households' AND row_id = :id ORDER BY changed_at, id")
_PERSONAL = text("SELECT operation, changed_at, changed_by, before, after FROM private.change_history "
                 "WHERE table_name = 'household_private' AND row_id = :id ORDER BY changed_at, id")
_SKIP = {"updated_at", "row_version", "created_at", "household_id"}


def _keep(state: dict | None, personal: bool) -> dict | None:
    if state is None:
        return None
    state = {k: v for k, v in state.items() if k not in _SKIP and k != "geom"}
    return state if personal else {k: v for k, v in state.items() if k not in PRIVATE}


def _changed(before: dict | None, after: dict | None) -> list[str]:
    keys = set(before or {}) | set(after or {})
    return sorted(k for k in keys if (before or {}).get(k) != (after or {}).get(k))


async def entries(conn, household_id: int, full: bool) -> list[dict]:
    rows = [(r, False) for r in await conn.execute(_PUBLIC, {"id": str(household_id)})]
    if full:
        rows += [(r, True) for r in await conn.execute(_PERSONAL, {"id": str(household_id)})]
    merged: dict[tuple, dict] = {}
    for r, personal in sorted(rows, key=lambda x: x[0].changed_at):
        entry = merged.setdefault((r.changed_at, r.changed_by), {
            "operation": r.operation, "changed_at": r.changed_at.isoformat(), "before": {}, "after": {}})
        if personal and r.operation == "INSERT" and entry["operation"] != "INSERT":
            entry["operation"] = "UPDATE"
        entry["before"].update(_keep(r.before, personal) or {})
        entry["after"].update(_keep(r.after, personal) or {})
        moved = r.before is not None and r.after is not None and r.before.get("geom") != r.after.get("geom")
        if moved:
            entry["moved"] = True
        if full:
            entry["changed_by"] = r.changed_by
    out = []
    for entry in merged.values():
        entry["changed"] = sorted(set(_changed(entry["before"], entry["after"])) | ({"geom"} if entry.get("moved") else set()))
        entry.pop("moved", None)
        if entry["changed"] or entry["operation"] != "UPDATE":
            out.append(entry)
    return out
