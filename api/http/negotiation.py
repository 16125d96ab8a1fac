"""Output format and language of a request, decided once (FastAPI dependencies)."""
from __future__ import annotations

from fastapi import Query, Request

from api.i18n.refusal import Refusal

FORMATS = ("json", "html")
LANGS = ("vi", "en")


async def output_format(request: Request, f: str | None = Query(
        None, description="json or html", json_schema_extra={"enum": list(FORMATS)})) -> str:
    if f is not None:
        if f not in FORMATS:
            raise Refusal(400, "errors.api.format", f=repr(f), formats=", ".join(FORMATS))
        return f
    accept = request.headers.get("accept", "")
    return "html" if "text/html" in accept else "json"


async def language(request: Request, lang: str | None = Query(
        None, description="vi or en", json_schema_extra={"enum": list(LANGS)})) -> str:
    if lang is not None:
        if lang not in LANGS:
            raise Refusal(400, "errors.api.lang", asked=repr(lang))
        return lang
    accepted = request.headers.get("accept-language", "").lower()
    return "en" if accepted.startswith("en") else "vi"


# Feature collections have more encodings than other resources: f= value → media type.
FEATURE_FORMATS = {
    "json": "application/geo+json", "geojson": "application/geo+json", "html": "text/html",
    "csv": "text/csv", "ndjson": "application/x-ndjson",
}
_ACCEPTED = (("text/html", "html"), ("application/geo+json", "json"), ("text/csv", "csv"),
             ("application/x-ndjson", "ndjson"), ("application/json", "json"))


async def feature_format(request: Request, f: str | None = Query(
        None, description="json (GeoJSON), html, csv (WKT geometry) or ndjson (one GeoJSON feature per line)",
        json_schema_extra={"enum": list(FEATURE_FORMATS)})) -> str:
    if f is not None:
        if f not in FEATURE_FORMATS:
            raise Refusal(400, "errors.api.format", f=repr(f), formats=", ".join(FEATURE_FORMATS))
        return "json" if f == "geojson" else f
    accept = request.headers.get("accept", "")
    positions = [(accept.find(mt), name) for mt, name in _ACCEPTED if mt in accept]
    return min(positions)[1] if positions else "json"
