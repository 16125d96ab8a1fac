"""The error page people see: a browser that asks for HTML gets a page in its language with a
way back, instead of the API's JSON error; API clients (scripts, fetch, curl, GDAL) keep the JSON.

A browser is recognised by its Accept header naming text/html before (or without) any JSON type:
Chromium and Firefox send `text/html,…,*/*;q=0.8`, while fetch(), httpx and curl send `*/*`.
"""
from __future__ import annotations

import json
import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from api.i18n import t

log = logging.getLogger("ntm_map")
LANGS = ("vi", "en")
JSON_TYPES = ("application/json", "application/geo+json", "application/problem+json")


class FeatureNotFound(HTTPException):
    """A 404 for a feature that does not exist: its page names the layer and leads to its list."""

    def __init__(self, layer, feature_id: int) -> None:
        super().__init__(404, f"no feature {feature_id} in {layer.id}")
        self.layer, self.feature_id = layer, feature_id


def _header(scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""


def _q(accept: str, media: str) -> float | None:
    """The q-value `accept` gives `media` by name (wildcards do not count), None if unnamed."""
    for part in accept.split(","):
        kind, *params = (p.strip() for p in part.split(";"))
        if kind.lower() == media:
            for p in params:
                if p.startswith("q="):
                    try:
                        return float(p[2:])
                    except ValueError:
                        return 0.0
            return 1.0
    return None


def wants_html(scope) -> bool:
    """A browser asking for a page: GET/HEAD and text/html named before any JSON type."""
    if scope.get("method") not in ("GET", "HEAD"):
        return False
    accept = _header(scope, b"accept")
    html = _q(accept, "text/html")
    if not html:
        return False
    positions = [accept.lower().find(m) for m in JSON_TYPES if (_q(accept, m) or 0) >= html]
    return not positions or accept.lower().find("text/html") < min(positions)


def language(scope) -> str:
    """`lang` of the query when valid, else Accept-Language (as api.http.negotiation.language)."""
    query = scope.get("query_string", b"").decode("latin-1")
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        if key == "lang" and value in LANGS:
            return value
    return "en" if _header(scope, b"accept-language").lower().startswith("en") else "vi"


def _texts(status: int, lang: str, exc, request_id: str) -> dict:
    if isinstance(exc, FeatureNotFound):
        layer = exc.layer.title_vi if lang == "vi" else exc.layer.title_en
        return {"title": t("errors.feature.title", lang),
                "text": t("errors.feature.text", lang, layer=layer, id=exc.feature_id),
                "back": (f"/collections/{exc.layer.id}/items?f=html&lang={lang}",
                         t("errors.feature.back", lang, layer=layer))}
    if status == 404:
        return {"title": t("common.error.404.title", lang), "text": t("common.error.404.text", lang)}
    if status >= 500:
        text = (t("errors.busy.text", lang) if status == 503
                else t("common.error.500.text", lang, request_id=request_id))
        return {"title": t("common.error.500.title", lang), "text": text}
    return {"title": t("common.error.other.title", lang), "text": t("errors.other.text", lang, status=status),
            "details": True}


def page(scope, status: int, description: str, headers: dict | None = None, exc=None) -> Response | None:
    """The HTML error page, or None when the app cannot render one (then the JSON stands)."""
    try:
        lang = language(scope)
        request_id = scope.get("state", {}).get("request_id", "-")
        texts = _texts(status, lang, exc, request_id)
        templates = scope["app"].state.templates
        response = templates.TemplateResponse(Request(scope), "error.html", {
            "lang": lang, "status": status, "description": description, **texts}, status_code=status)
    except Exception:  # noqa: BLE001 — an error page must not fail: the JSON error is still right
        log.exception("the HTML error page failed; answering JSON")
        return None
    for key, value in (headers or {}).items():
        if key.lower() not in ("content-type", "content-length"):
            response.headers[key] = value
    response.headers["Vary"] = "Accept"
    return response


def for_browser(scope, response: Response, exc=None) -> Response:
    """`response` (a JSON error) as a page when a browser asked; else unchanged."""
    if not wants_html(scope) or response.status_code < 400:
        return response
    try:
        description = json.loads(response.body).get("description", "")
    except (ValueError, AttributeError):
        description = ""
    headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-type", "content-length")}
    return page(scope, response.status_code, description, headers, exc) or response
