"""Recall a lot (If-Match): for good, with a reason the trace page shows in large type."""
from __future__ import annotations

from sqlalchemy import func, update

from geo.said import Said
from layers.write.growing.errors import BadBody, Stale
from layers.write.lots import access, read
from layers.write.lots.register import LOTS

MAX_REASON = 1000


def _reason(reason) -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise BadBody(Said("recall_reason is required: say why the lot is recalled", "lots.field.reason_required"))
    reason = reason.strip()
    if len(reason) > MAX_REASON or "\x00" in reason:
        raise BadBody(Said(f"recall_reason must be at most {MAX_REASON} characters of text", "lots.field.reason_long",
                           max=str(MAX_REASON)))
    return reason


async def recall(conn, user, lot_id: int, reason, if_match: str | None) -> int:
    """Mark the lot recalled; returns its new version. A recalled lot is a 409."""
    lot = await read.one(conn, lot_id, lock=True)
    await access.check_lot(conn, user, lot)
    access.check_active(lot)
    version = access.check_version(if_match, lot)
    stmt = (update(LOTS).where(LOTS.c.id == lot_id, LOTS.c.row_version == version)
            .values(status="recalled", recall_reason=_reason(reason), recalled_at=func.now())
            .returning(LOTS.c.row_version))
    done = (await conn.execute(stmt)).first()
    if done is None:
        raise Stale(Said(f"harvest lot {lot_id} changed while this request ran; read it again",
                         "lots.error.changed_meanwhile", id=str(lot_id)))
    return done.row_version
