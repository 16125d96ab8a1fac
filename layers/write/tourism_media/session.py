"""One photo or route-file write: who is acting (history records it), the database's refusals
(a photo twice on a listing, a second cover, a CHECK) as the API's errors."""
from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from geo.said import Said
from layers.write.growing.errors import BadBody, Conflict
from layers.write.transaction import acting, pg_error, sqlstate


def translate(exc: DBAPIError) -> Exception | None:
    state = sqlstate(exc)
    constraint = getattr(pg_error(exc), "constraint_name", None) or ""
    if state == "23505":
        return Conflict(Said(f"the change conflicts with a photo stored meanwhile ({constraint}); read the photos again",
                             "tourism_share.error.unique", rule=constraint))
    if state == "23514":
        return BadBody(Said(f"a value breaks a rule of the record ({constraint})", "lots.field.check", rule=constraint))
    return None


def changing(engine, actor: str):
    return acting(engine, actor, translate)
