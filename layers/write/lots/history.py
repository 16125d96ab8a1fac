"""The recorded changes of one lot, each named by its action: create, correct or recall.

The database writes the history (triggers of migrations 0011 and 0017): the lot's row without its
quantity and its area links to `change_history`; who, every change of the lot's quantity (public
or confidential: any lot may turn confidential later) to `private.change_history`. A change made
in one transaction shares its time and author (`now()` is the transaction's), so the parts with
the same pair are one entry. The action follows from the rows, as the database allows no other
reading: the lot's INSERT is `create`, its step from active to recalled `recall`, anything
else `correct`. The public view has no author and no quantity; the full view has the quantity in
`before`/`after` (the public column's, NULL while confidential) and `private_quantity`.
"""
from __future__ import annotations

from sqlalchemy import text

from geo.said import Said
from layers.write.growing.errors import NotFound

_PUBLIC = text("SELECT id, table_name, row_id, operation, changed_at, changed_by, before, after, false AS private "
               "FROM public.change_history WHERE (table_name = 'harvest_lots' AND row_id = :id) "
               "OR (table_name = 'harvest_lot_areas' AND row_id LIKE :links) ORDER BY changed_at, id")
_PRIVATE = text("SELECT id, table_name, row_id, operation, changed_at, changed_by, before, after, true AS private "
                "FROM private.change_history WHERE table_name IN ('harvest_lot_private', 'harvest_lots') "
                "AND row_id = :id ORDER BY changed_at, id")
_SKIP = {"updated_at", "row_version", "created_at"}


def _changed(before: dict | None, after: dict | None) -> list[str]:
    keys = (set(before or {}) | set(after or {})) - _SKIP
    return sorted(k for k in keys if (before or {}).get(k) != (after or {}).get(k))


def _action(lot_rows: list) -> str:
    if any(r.operation == "INSERT" for r in lot_rows):
        return "create"
    if any((r.before or {}).get("status") == "active" and (r.after or {}).get("status") == "recalled" for r in lot_rows):
        return "recall"
    return "correct"


def _area(row) -> int:
    return int(row.row_id.split(":")[1])


async def entries(conn, lot_id: int, full: bool) -> list[dict]:
    """Oldest first; `full` (the lot's cooperative) adds who and the confidential quantity."""
    rows = list(await conn.execute(_PUBLIC, {"id": str(lot_id), "links": f"{lot_id}:%"}))
    if not rows:
        raise NotFound(Said(f"no history for harvest lot {lot_id}", "lots.error.no_history", id=str(lot_id)))
    private = list(await conn.execute(_PRIVATE, {"id": str(lot_id)})) if full else []
    groups: dict[tuple, list] = {}
    for r in rows + private:
        groups.setdefault((r.changed_at, r.changed_by), []).append(r)
    out = []
    for (changed_at, changed_by), parts in sorted(groups.items(), key=lambda g: g[0][0]):
        lot_rows = [r for r in parts if r.table_name == "harvest_lots" and not r.private]
        quantities = [r for r in parts if r.table_name == "harvest_lots" and r.private]
        links = [r for r in parts if r.table_name == "harvest_lot_areas"]
        if not lot_rows and not links:
            continue  # a private part alone (the author line of a link change): folded into its change
        before = dict(lot_rows[0].before or {}) if lot_rows else {}
        after = dict(lot_rows[-1].after or {}) if lot_rows else {}
        if quantities and before:
            before["quantity"] = (quantities[0].before or {}).get("quantity")
        if quantities and after:
            after["quantity"] = (quantities[-1].after or {}).get("quantity")
        entry = {"action": _action(lot_rows), "changed_at": changed_at.isoformat(), "changed": _changed(before, after),
                 "before": before or None, "after": after or None,
                 "areas_added": sorted(_area(r) for r in links if r.operation == "INSERT"),
                 "areas_removed": sorted(_area(r) for r in links if r.operation == "DELETE")}
        if full:
            entry["changed_by"] = changed_by
            for r in parts:
                if r.table_name == "harvest_lot_private":
                    if (r.before or {}).get("quantity") != (r.after or {}).get("quantity"):
                        entry["private_quantity"] = {"before": (r.before or {}).get("quantity"),
                                                     "after": (r.after or {}).get("quantity")}
        out.append(entry)
    return out
