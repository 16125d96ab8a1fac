"""One JSON error shape for every failure a client can cause or meet.

`{"code": "...", "description": "..."}` as in OGC API - Features, plus the status. Database
errors are sorted by SQLSTATE class in layers.db.errors (which alone knows the drivers): the
client's bad value is a 400, a conflict with stored data a 409, a cancelled query or a lost
connection a 503 with Retry-After, and a mistake in our SQL a 500. `for_exception` is the one
mapping: FastAPI's handlers and the tile fast path (which answers before the router) both use
it; anything it does not know becomes a 500 in api.http.edge, logged with the request id.
"""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.i18n import t
from api.i18n.refusal import Refusal, say
from api.pages import error_page
from api.routes.growing_messages import localised_entry, problem_text, scope_language
from geo.said import Said, said_of
from layers.db import errors as db_errors
from layers.read.paging import BadCursor
from layers.workers.bounded import Busy
from layers.write.growing.errors import BadBody, GrowingError, RuleFailure, UploadRejected, explain_file

log = logging.getLogger("ntm_map")

CODES = {400: "InvalidParameterValue", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
         405: "MethodNotAllowed", 406: "NotAcceptable", 409: "Conflict", 412: "PreconditionFailed",
         413: "PayloadTooLarge", 415: "UnsupportedMediaType", 422: "ValidationFailed",
         428: "PreconditionRequired", 429: "TooManyRequests", 500: "InternalError", 503: "ServiceUnavailable"}

KNOWN = (StarletteHTTPException, RequestValidationError, BadCursor, *db_errors.DATABASE, GrowingError,
         db_errors.POOL_TIMEOUT, Busy)


def error(status: int, description: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse(
        {"code": CODES.get(status, "Error"), "description": description, "status": status},
        status_code=status, headers=headers,
    )


def request_id(scope) -> str:
    return scope.get("state", {}).get("request_id", "-")


def internal_error(scope) -> JSONResponse:
    """The 500 (JSON; a page for a browser, api.pages.error_page)."""
    response = error(500, t("errors.api.internal", scope_language(scope) or "en", id=request_id(scope)))
    return error_page.for_browser(scope, response)


def install(app: FastAPI) -> None:
    async def known(request: Request, exc: Exception):
        return error_page.for_browser(request.scope, for_exception(exc, request.scope), exc)

    for kind in KNOWN:
        app.add_exception_handler(kind, known)


def for_exception(exc: BaseException, scope) -> JSONResponse | None:
    """The response for an exception the API expects, None for any other."""
    path = scope.get("path", "")
    lang = scope_language(scope)  # None: the client asked no language, English as it always was
    if isinstance(exc, StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if isinstance(exc, Refusal):  # the catalogue's words (api.i18n.refusal)
            detail = exc.words(lang or "en")
        elif isinstance(exc, error_page.FeatureNotFound):
            detail = t("errors.api.feature_unknown", lang or "en", id=exc.feature_id, layer=exc.layer.id)
        elif exc.status_code == 404 and detail == "Not Found":
            detail = t("errors.api.no_resource", lang or "en", path=path)
        elif exc.status_code == 405 and detail == "Method Not Allowed":  # Starlette's own words
            detail = t("errors.api.method", lang or "en")
        return error(exc.status_code, detail, getattr(exc, "headers", None))
    if isinstance(exc, RequestValidationError):
        return error(400, "; ".join(validation_texts(exc, lang)))
    if isinstance(exc, BadCursor):
        return error(400, t("errors.api.cursor", lang or "en", reason=say(said_of(exc), lang or "en")))
    if isinstance(exc, db_errors.DATABASE):  # the driver's own (tiles) or SQLAlchemy's
        return from_database(exc, scope)
    if isinstance(exc, GrowingError):
        return growing_error(exc, scope_language(scope))
    if isinstance(exc, Busy):  # every bounded worker (layers.workers.bounded) is taken
        log.warning("no free worker for %s [request %s]: %s", path, request_id(scope), exc)
        return error(503, t("errors.api.busy", lang or "en"), {"Retry-After": "2"})
    if isinstance(exc, db_errors.POOL_TIMEOUT):
        log.warning("no free database connection for %s [request %s]", path, request_id(scope))
        return error(503, t("errors.api.busy", lang or "en"), {"Retry-After": "2"})
    return None


# FastAPI's validation errors (limit=0, limit=abc) in the catalogue's words, with the context value
# that is their bound; any other kind keeps pydantic's English text.
VALIDATION = {"greater_than_equal": "ge", "less_than_equal": "le", "greater_than": "gt", "int_parsing": None,
              "float_parsing": None, "bool_parsing": None, "missing": None, "enum": "expected",
              "string_pattern_mismatch": "pattern", "date_from_datetime_parsing": "error", "date_parsing": "error",
              "string_too_long": "max_length"}


def validation_texts(exc: RequestValidationError, lang: str | None) -> list[str]:
    parts = []
    for e in exc.errors():
        where = ".".join(str(p) for p in e.get("loc", ()) if p not in ("query", "path", "body"))
        kind, bound = e.get("type"), None
        if lang is not None and where and kind in VALIDATION:
            if VALIDATION[kind]:
                bound = (e.get("ctx") or {}).get(VALIDATION[kind])
            if kind == "enum" and lang == "vi":  # "'draft' or 'granted'": the values stay, the word is said
                bound = str(bound).replace("' or '", "' hoặc '")
            parts.append(t(f"errors.api.validation.{kind}", lang, name=where, bound=bound))
        else:
            parts.append(f"{where}: {e.get('msg')}" if where else e.get("msg", "invalid request"))
    return parts


def from_database(exc: BaseException, scope) -> JSONResponse:
    fault = db_errors.classify(exc, f"{scope.get('path', '')} [request {request_id(scope)}]")
    if fault.description is None:
        return internal_error(scope)
    return error(fault.status, say(fault.description, scope_language(scope) or "en"), fault.headers)


def growing_error(exc: GrowingError, lang: str | None = None) -> JSONResponse:
    """The usual shape; a rule failure adds the first rule and where, and every error. The texts
    people read (description, each error's and each upload report entry's message) are in `lang`
    from the catalogue; `rule` and `where` stay as they are for programs."""
    description = exc.message
    texts = [p.message for p in exc.problems] if isinstance(exc, RuleFailure) else []
    if lang is not None and isinstance(exc, RuleFailure):
        texts = [problem_text(p, lang) for p in exc.problems]
        description = texts[0] if len(texts) == 1 else t("staff.problem.several", lang, n=len(texts)) + " " + "; ".join(texts)
    elif lang is not None and isinstance(exc, BadBody) and explain_file(exc.message):
        key, values = explain_file(exc.message)
        description = t(key, lang, **values)
    elif lang is not None and isinstance(exc.message, Said):  # Part 4 refusals (layers.write.growing, routes)
        description = say(exc.message, lang)
    elif lang is not None and isinstance(exc, UploadRejected):
        failed = sum(1 for r in exc.report if not r.get("ok"))
        description = t("staff.problem.upload_rejected", lang, n=failed, total=len(exc.report))
    body = {"code": CODES.get(exc.status, "Error"), "description": description, "status": exc.status}
    if isinstance(exc, RuleFailure):
        first = exc.problems[0]
        body.update(rule=first.rule, where=first.where,
                    errors=[{**p.as_dict(), "message": text} for p, text in zip(exc.problems, texts)])
    if isinstance(exc, UploadRejected):
        body["report"] = exc.report if lang is None else [localised_entry(entry, lang) for entry in exc.report]
    return JSONResponse(body, status_code=exc.status)
