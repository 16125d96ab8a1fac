"""One JSON error shape for every failure a client can cause or meet.

`{"code": "...", "description": "..."}` as in OGC API - Features, plus the status. Database
trouble becomes 503 with Retry-After, never a 500 with a stack trace.
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

from layers.growing.errors import GrowingError, RuleFailure, UploadRejected
from layers.paging import BadCursor

log = logging.getLogger("ntm_map")

CODES = {400: "InvalidParameterValue", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
         405: "MethodNotAllowed", 406: "NotAcceptable", 409: "Conflict", 412: "PreconditionFailed",
         413: "PayloadTooLarge", 415: "UnsupportedMediaType", 422: "ValidationFailed",
         428: "PreconditionRequired", 429: "TooManyRequests", 503: "ServiceUnavailable"}


def error(status: int, description: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse(
        {"code": CODES.get(status, "Error"), "description": description, "status": status},
        status_code=status, headers=headers,
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no resource at {request.url.path}"
        return error(exc.status_code, detail, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        parts = []
        for e in exc.errors():
            where = ".".join(str(p) for p in e.get("loc", ()) if p not in ("query", "path", "body"))
            parts.append(f"{where}: {e.get('msg')}" if where else e.get("msg", "invalid request"))
        return error(400, "; ".join(parts))

    @app.exception_handler(BadCursor)
    async def bad_cursor(request: Request, exc: BadCursor):
        return error(400, f"cursor: {exc}")

    @app.exception_handler(asyncpg.PostgresError)  # queries run on the driver directly (tiles)
    @app.exception_handler(DBAPIError)  # queries run through SQLAlchemy
    async def database_trouble(request: Request, exc: Exception):
        return from_database(request, exc)

    @app.exception_handler(GrowingError)
    async def growing_area_error(request: Request, exc: GrowingError):
        return growing_error(exc)

    @app.exception_handler(PoolTimeout)
    async def busy(request: Request, exc: PoolTimeout):
        log.warning("no free database connection for %s", request.url.path)
        return error(503, "the service is busy; retry shortly", {"Retry-After": "2"})


def from_database(request: Request, exc: Exception) -> JSONResponse:
    """A value PostgreSQL refused (SQLSTATE class 22: a NUL byte, a number beyond bigint) is the
    client's to fix: 400. A cancelled query is a timeout: 503. Anything else: 503 as well."""
    err = getattr(exc, "orig", exc)
    state = getattr(err, "sqlstate", None) or getattr(err.__cause__, "sqlstate", None) or ""
    first_line = (str(getattr(err, "__cause__", None) or err).splitlines() or [type(err).__name__])[0]
    if state.startswith("22"):
        return error(400, f"a value in the request is not valid: {first_line}")
    log.warning("database error on %s: %s", request.url.path, exc)
    if state == "57014" or "canceling statement" in first_line:
        return error(503, "the query took too long and was cancelled; narrow the request and retry",
                     {"Retry-After": "5"})
    return error(503, "the database is not available right now; retry shortly", {"Retry-After": "10"})


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
