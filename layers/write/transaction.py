"""A write transaction acting as a user, with the database's refusals turned into the API's errors.

Shared by the write packages (growing areas, lots, cooperatives): each passes its own `translate`
(a DBAPIError → the error it stands for, or None to let it through). The block, commit included,
is inside the translation, because deferred rules report only at commit.
"""
from __future__ import annotations

from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError


def pg_error(exc: DBAPIError):
    """The driver's own error (asyncpg's, under SQLAlchemy's adapter), which carries SQLSTATE and detail."""
    err = getattr(exc, "orig", None)
    return getattr(err, "__cause__", None) or err


def sqlstate(exc: DBAPIError) -> str | None:
    return getattr(pg_error(exc), "sqlstate", None) or getattr(getattr(exc, "orig", None), "sqlstate", None)


@asynccontextmanager
async def acting(engine, actor: str, translate):
    """A transaction where `ntm.actor` names who writes (change_history records it)."""
    try:
        async with engine.begin() as conn:
            await conn.execute(text("SELECT set_config('ntm.actor', :actor, true)"), {"actor": actor})
            yield conn
    except DBAPIError as exc:
        mapped = translate(exc)
        if mapped is None:
            raise
        raise mapped from None
