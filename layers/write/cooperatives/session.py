"""One profile or product write: who is acting, If-Match by a digest of the row, the database's
refusals (a duplicate GTIN, a CHECK) as the usual errors."""
from __future__ import annotations

from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from geo.said import Said
from layers.write.growing.errors import BadBody, Conflict, Stale


def _pg(exc: DBAPIError):
    err = getattr(exc, "orig", None)
    return getattr(err, "__cause__", None) or err


def translate(exc: DBAPIError) -> Exception | None:
    pg = _pg(exc)
    state = getattr(pg, "sqlstate", None) or getattr(getattr(exc, "orig", None), "sqlstate", None)
    constraint = getattr(pg, "constraint_name", None) or ""
    if state == "23505" and "gtin" in constraint:
        return Conflict(Said("another product already has this GTIN", "lots.error.duplicate_gtin"))
    if state == "23514":
        return BadBody(Said(f"a value breaks a rule of the record ({constraint})", "lots.field.check", rule=constraint))
    return None


@asynccontextmanager
async def writing(engine, actor: str):
    try:
        async with engine.begin() as conn:
            await conn.execute(text("SELECT set_config('ntm.actor', :actor, true)"), {"actor": actor})
            yield conn
    except DBAPIError as exc:
        mapped = translate(exc)
        if mapped is None:
            raise
        raise mapped from None


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
