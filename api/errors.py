"""One JSON error shape for every failure a client can cause or meet.

`{"code": "...", "description": "..."}` as in OGC API - Features, plus the status. Database
errors are sorted by SQLSTATE class: the client's bad value is a 400, a conflict with stored
data a 409, a cancelled query or a lost connection a 503 with Retry-After, and a mistake in our
SQL a 500 (retrying would not help). `for_exception` is the one mapping: FastAPI's handlers and
the tile fast path (which answers before the router) both use it; anything it does not know
becomes a 500 in api.http.edge, logged with the request id.
"""
from __future__ import annotations

import logging

import asyncpg

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from layers.read.paging import BadCursor
from layers.workers.bounded import Busy
from layers.write.growing.errors import GrowingError, RuleFailure, UploadRejected

log = logging.getLogger("ntm_map")

CODES = {400: "InvalidParameterValue", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
         405: "MethodNotAllowed", 406: "NotAcceptable", 409: "Conflict", 412: "PreconditionFailed",
         413: "PayloadTooLarge", 415: "UnsupportedMediaType", 422: "ValidationFailed",
         428: "PreconditionRequired", 429: "TooManyRequests", 500: "InternalError", 503: "ServiceUnavailable"}

# ConnectionError, asyncpg.InterfaceError: the server refused or dropped the connection.
DATABASE = (asyncpg.PostgresError, asyncpg.InterfaceError, DBAPIError, ConnectionError)
KNOWN = (StarletteHTTPException, RequestValidationError, BadCursor, *DATABASE, GrowingError, PoolTimeout, Busy)
# SQLSTATE classes of trouble that passes: connection (08), rollback (40: serialization,
# deadlock), resources (53), object in use (55), operator intervention (57: cancel, shutdown),
# system (58). Any other class is a fault in the request (22, 23) or in our SQL (42, XX).
TRANSIENT = {"08", "40", "53", "55", "57", "58"}


def error(status: int, description: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse(
        {"code": CODES.get(status, "Error"), "description": description, "status": status},
        status_code=status, headers=headers,
    )


def request_id(scope) -> str:
    return scope.get("state", {}).get("request_id", "-")


def internal_error(scope) -> JSONResponse:
    return error(500, f"an unexpected error occurred; it is logged as request {request_id(scope)}")


def install(app: FastAPI) -> None:
    async def known(request: Request, exc: Exception):
        return for_exception(exc, request.scope)

    for kind in KNOWN:
        app.add_exception_handler(kind, known)


def for_exception(exc: BaseException, scope) -> JSONResponse | None:
    """The response for an exception the API expects, None for any other."""
    path = scope.get("path", "")
    if isinstance(exc, StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no resource at {path}"
        return error(exc.status_code, detail, getattr(exc, "headers", None))
    if isinstance(exc, RequestValidationError):
        parts = []
        for e in exc.errors():
            where = ".".join(str(p) for p in e.get("loc", ()) if p not in ("query", "path", "body"))
            parts.append(f"{where}: {e.get('msg')}" if where else e.get("msg", "invalid request"))
        return error(400, "; ".join(parts))
    if isinstance(exc, BadCursor):
        return error(400, f"cursor: {exc}")
    if isinstance(exc, DATABASE):  # the driver's own (tiles) or SQLAlchemy's
        return from_database(exc, scope)
    if isinstance(exc, GrowingError):
        return growing_error(exc)
    if isinstance(exc, Busy):  # every bounded worker (layers.workers.bounded) is taken
        log.warning("no free worker for %s [request %s]: %s", path, request_id(scope), exc)
        return error(503, "the service is busy; retry shortly", {"Retry-After": "2"})
    if isinstance(exc, PoolTimeout):
        log.warning("no free database connection for %s [request %s]", path, request_id(scope))
        return error(503, "the service is busy; retry shortly", {"Retry-After": "2"})
    return None


def sqlstate(exc: BaseException) -> str:
    err = getattr(exc, "orig", exc)
    return getattr(err, "sqlstate", None) or getattr(err.__cause__, "sqlstate", None) or ""


def from_database(exc: BaseException, scope) -> JSONResponse:
    err = getattr(exc, "orig", exc)
    state = sqlstate(exc)
    first_line = (str(getattr(err, "__cause__", None) or err).splitlines() or [type(err).__name__])[0]
    where = f"{scope.get('path', '')} [request {request_id(scope)}]"
    if state.startswith("22"):  # a value PostgreSQL refused: a NUL byte, a number beyond bigint
        return error(400, f"a value in the request is not valid: {first_line}")
    if state.startswith("23"):
        log.info("integrity conflict on %s: %s", where, first_line)
        return error(409, f"the request conflicts with stored data: {first_line}")
    if state == "XX000" and first_line.startswith("transform:"):  # PROJ: a coordinate off the CRS's domain
        return error(400, f"a coordinate in the request cannot be transformed between CRSs ({first_line}); "
                          "keep boxes and geometries within the area the CRS is defined for")
    if state == "57014" or "canceling statement" in first_line:
        log.warning("query cancelled on %s: %s", where, first_line)
        return error(503, "the query took too long and was cancelled; narrow the request and retry",
                     {"Retry-After": "5"})
    if state[:2] in TRANSIENT or not state:  # no SQLSTATE: the driver lost or never had a connection
        log.warning("database unavailable on %s: %s", where, exc)
        return error(503, "the database is not available right now; retry shortly", {"Retry-After": "10"})
    log.error("database error %s on %s", state, where, exc_info=exc)
    return internal_error(scope)


def growing_error(exc: GrowingError) -> JSONResponse:
    """The usual shape; a rule failure adds the first rule and where, and every error."""
    body = {"code": CODES.get(exc.status, "Error"),
            "description": exc.message, "status": exc.status}
    if isinstance(exc, RuleFailure):
        first = exc.problems[0]
        body.update(rule=first.rule, where=first.where, errors=[p.as_dict() for p in exc.problems])
    if isinstance(exc, UploadRejected):
        body["report"] = exc.report
    return JSONResponse(body, status_code=exc.status)
