"""An edit sent twice is applied once: the client names each edit (`Idempotency-Key`, a UUID it
keeps with the edit while offline), and the answer is stored with it in the same transaction.

The key is claimed first: a second copy arriving while the first is still running waits on the
key's row and then finds the stored answer; if the first failed, nothing was stored and the
second runs as if it were the first.
"""
from __future__ import annotations

import json
import uuid

from sqlalchemy import text

from geo.said import Said
from layers.write.growing.errors import BadBody, Conflict

_CLAIM = text("INSERT INTO private.household_requests (request_id, user_id, action, status, result) "
              "VALUES (:key, (SELECT id FROM private.users WHERE name = :actor), :action, 0, '{}'::jsonb) "
              "ON CONFLICT (request_id) DO NOTHING RETURNING request_id")
_STORED = text("SELECT r.action, r.status, r.result, u.name AS actor FROM private.household_requests r "
               "LEFT JOIN private.users u ON u.id = r.user_id WHERE r.request_id = :key")
_DONE = text("UPDATE private.household_requests SET status = :status, result = CAST(:result AS jsonb), "
             "household_id = :household WHERE request_id = :key")


def key_of(value: str | None) -> uuid.UUID | None:
    if value is None:
        return None
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        raise BadBody(Said("Idempotency-Key must be a UUID", "addresses_field.error.idempotency_key")) from None


async def claim(conn, key: uuid.UUID | None, user, action: str) -> tuple[int, dict] | None:
    """None: go ahead (the key is ours now). Else (status, answer) stored by the first copy."""
    if key is None:
        return None
    if (await conn.execute(_CLAIM, {"key": key, "actor": user.name, "action": action})).first() is not None:
        return None
    stored = (await conn.execute(_STORED, {"key": key})).first()
    if stored.actor != user.name or stored.action != action:
        raise Conflict(Said("this Idempotency-Key was used for another edit", "addresses_field.error.key_reused"))
    return stored.status, stored.result


async def done(conn, key: uuid.UUID | None, status: int, answer: dict, household_id: int | None) -> None:
    if key is not None:
        await conn.execute(_DONE, {"key": key, "status": status, "result": json.dumps(answer),
                                   "household": household_id})
