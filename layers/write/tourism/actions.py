"""Lifecycle steps on one listing: submit, publish, reject (send back), unpublish.

Who may take which step is `lifecycle.STEPS`; the database refuses any other status change
(NTT01). Publishing a published listing applies its pending revision; rejecting one discards it.
Submitting checks the listing is complete (a draft may predate a rule).
"""
from __future__ import annotations

from sqlalchemy import text

from geo.said import Said
from layers.write.growing.errors import Conflict, Forbidden, Stale
from layers.write.tourism import access, edits, lifecycle, read, revision
from layers.write.tourism.fields import COLUMNS


async def act(conn, user, table: str, listing_id: int, action: str, if_match: str | None,
              note: str | None = None) -> str:
    """Take the step; returns the new status."""
    item = await access.check_edit(conn, user, table, listing_id)
    capacity = {lifecycle.MODERATOR} if access.is_moderator(user) else set()
    if access.is_owner(user, item):
        capacity.add(lifecycle.OWNER)
    if not any(s.action == action and capacity & set(s.by) for s in lifecycle.STEPS):
        raise Forbidden(Said(f"only tourism staff may {action} a listing", "tourism_write.error.step_staff",
                             action=action))
    step = lifecycle.step(action, item.status, item.has_pending)
    if step is None or not capacity & set(step.by):
        raise Conflict(Said(f"{access.what(table, listing_id)} is {item.status}: {action} is not a step from there",
                            "tourism_write.error.wrong_status", what=access.what(table, listing_id),
                            status=item.status, action=action))
    version = access.check_version(if_match, item)
    if step.revision and action == "publish":
        await revision.apply(conn, table, listing_id, version, note)
        return step.target
    if action == "submit":
        row = await read.row(conn, table, listing_id)
        values = {k: getattr(row, k) for k in COLUMNS[table]}
        edits.check_content(table, values)
        await edits.check_references(conn, table, values)
    clear = step.revision or action == "unpublish"
    done = await conn.execute(text(
        f"UPDATE {access.table_of(table)} SET status = :status, status_note = :note"
        + (", pending = NULL, pending_at = NULL" if clear else "")
        + " WHERE id = :id AND row_version = :v RETURNING id"),
        {"status": step.target, "note": note, "id": listing_id, "v": version})
    if done.first() is None:
        raise Stale(Said(f"{access.what(table, listing_id)} changed while this request ran; read it again",
                         "tourism_write.error.changed_meanwhile", what=access.what(table, listing_id)))
    return step.target
