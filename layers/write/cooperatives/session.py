"""One profile or product write: who is acting, If-Match by a digest of the row, the database's
refusals (a duplicate GTIN, a CHECK) as the usual errors."""
from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from geo.said import Said
from layers.write.growing.errors import BadBody, Conflict, Stale
from layers.write.transaction import acting, pg_error, sqlstate


def translate(exc: DBAPIError) -> Exception | None:
    pg = pg_error(exc)
    state = sqlstate(exc)
    constraint = getattr(pg, "constraint_name", None) or ""
    if state == "23505" and "gtin" in constraint:
        return Conflict(Said("another product already has this GTIN", "lots.error.duplicate_gtin"))
    if state == "23514":
        return BadBody(Said(f"a value breaks a rule of the record ({constraint})", "lots.field.check", rule=constraint))
    return None


def writing(engine, actor: str):
    return acting(engine, actor, translate)


def etag(prefix: str, row_id: int, digest: str) -> str:
    return f'"{prefix}-{row_id}-{digest[:20]}"'


def check_version(if_match: str | None, current: str, what: Said) -> None:
    """'*' means whatever is current; a missing If-Match is the API's 428."""
    if if_match is None or if_match.strip() == "*":
        return
    tags = [t.strip().removeprefix("W/") for t in if_match.split(",")]
    if current not in tags:
        raise Stale(Said(f"{what} has changed since you read it (now {current}); read it again and re-apply your change",
                         "lots.error.stale_record", what=what, etag=current))
