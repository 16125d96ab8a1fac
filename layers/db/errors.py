"""What a database failure means for the client: a status, words, and when to retry.

Only this package knows the drivers' exception types, so the web side can answer database trouble
without importing asyncpg or SQLAlchemy: it registers handlers for `DATABASE` and `POOL_TIMEOUT`
and turns `classify(exc, where)` into its JSON error shape.

Failures are sorted by SQLSTATE class: the client's bad value is a 400, a conflict with stored
data a 409, a cancelled query or a lost connection a 503 with Retry-After, and a mistake in our
SQL a 500 (retrying would not help).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import asyncpg
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from geo.said import Said

log = logging.getLogger("ntm_map")

# ConnectionError, asyncpg.InterfaceError: the server refused or dropped the connection.
DATABASE = (asyncpg.PostgresError, asyncpg.InterfaceError, DBAPIError, ConnectionError)
# No pooled connection became free in time: the service is busy, not broken.
POOL_TIMEOUT = PoolTimeout
# SQLSTATE classes of trouble that passes: connection (08), rollback (40: serialization,
# deadlock), resources (53), object in use (55), operator intervention (57: cancel, shutdown),
# system (58). Any other class is a fault in the request (22, 23) or in our SQL (42, XX).
TRANSIENT = {"08", "40", "53", "55", "57", "58"}


@dataclass(frozen=True)
class Fault:
    """How to answer one database failure. `description` None: an unexpected fault (logged with
    its traceback here), answered with the caller's usual internal-error words."""

    status: int
    description: str | None
    headers: dict[str, str] | None = None


def sqlstate(exc: BaseException) -> str:
    err = getattr(exc, "orig", exc)
    return getattr(err, "sqlstate", None) or getattr(err.__cause__, "sqlstate", None) or ""


def classify(exc: BaseException, where: str) -> Fault:
    """The answer to a `DATABASE` error (the driver's own, as tiles raise them, or SQLAlchemy's);
    `where` (path and request id) goes into the log lines."""
    err = getattr(exc, "orig", exc)
    state = sqlstate(exc)
    first_line = (str(getattr(err, "__cause__", None) or err).splitlines() or [type(err).__name__])[0]
    if state.startswith("22"):  # a value PostgreSQL refused: a NUL byte, a number beyond bigint
        return Fault(400, Said(f"a value in the request is not valid: {first_line}", "errors.api.database.value",
                               detail=first_line))
    if state.startswith("23"):
        log.info("integrity conflict on %s: %s", where, first_line)
        return Fault(409, Said(f"the request conflicts with stored data: {first_line}", "errors.api.database.conflict",
                               detail=first_line))
    if state == "XX000" and first_line.startswith("transform:"):  # PROJ: a coordinate off the CRS's domain
        return Fault(400, Said(f"a coordinate in the request cannot be transformed between CRSs ({first_line}); "
                               "keep boxes and geometries within the area the CRS is defined for",
                               "errors.api.database.transform", detail=first_line))
    if state == "57014" or "canceling statement" in first_line:
        log.warning("query cancelled on %s: %s", where, first_line)
        return Fault(503, Said("the query took too long and was cancelled; narrow the request and retry",
                               "errors.api.database.cancelled"), {"Retry-After": "5"})
    if state[:2] in TRANSIENT or not state:  # no SQLSTATE: the driver lost or never had a connection
        log.warning("database unavailable on %s: %s", where, exc)
        return Fault(503, Said("the database is not available right now; retry shortly", "errors.api.database.down"),
                     {"Retry-After": "10"})
    log.error("database error %s on %s", state, where, exc_info=exc)
    return Fault(500, None)
