"""The public address page `/a/{code}` (issue 16): what a house plate's QR code opens.

One small response a phone can open on a weak connection: the code with its check character,
the Plus Code, village and commune, a small map drawn here as inline SVG (geo.svg_map, as on the
trace page), directions (a `geo:` URI that opens the phone's map app, our own map, and
OpenStreetMap's directions) and the QR code of the page itself. A retired code's page says so
and links to its successor. Nothing about the residents: layers.read.addresses reads no private
table.

The code is read as people type it (case, dashes and spaces, O/I/L for 0/1, geo.address_code) and
answered with a 301 to its canonical form. A code whose check character does not match is a 404
page saying it looks mistyped, with the stored codes one slip away; a well-formed code that is
not stored is a 404 saying so. `Accept: application/json` (or `?f=json`) gets the same as a
GeoJSON Feature.
"""
from __future__ import annotations

import hashlib
import json
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from api.http.negotiation import language
from api.pages import error_page
from api.i18n import t
from api.i18n.refusal import Refusal, render
from api.routes.map import base_url
from geo import address_code, formatting, qr, svg_map
from geo.said import Said
from layers.read import addresses, coverage

router = APIRouter(tags=["addresses"])

HEADERS = {"Vary": "Accept, Accept-Language", "Cache-Control": "no-cache"}
TEMPLATE, MISSING_TEMPLATE = "address.html", "address_missing.html"
HOUSE_COLOUR = "#c62828"
JSON_TYPES = ("application/geo+json", "application/json")


def wants_json(request: Request, f: str | None) -> bool:
    if f is not None:
        if f not in ("html", "json"):
            raise Refusal(400, "addresses_public.error.format", f=repr(f))
        return f == "json"
    accept = request.headers.get("accept", "").lower()
    positions = [accept.find(m) for m in JSON_TYPES if m in accept]
    if not positions:
        return False
    html = accept.find("text/html")
    return html < 0 or min(positions) < html


def links(base: str, found: dict) -> dict:
    code, lat, lon = found["address_code"], found["lat"], found["lon"]
    return {
        "page": f"{base}/a/{code}",
        "json": f"{base}/a/{code}?f=json",
        "geo": f"geo:{lat:.6f},{lon:.6f}?q={lat:.6f},{lon:.6f}({quote(code)})",
        "map": f"{base}/map#map=18/{lat:.6f}/{lon:.6f}",
        "osm": f"https://www.openstreetmap.org/directions?to={lat:.6f}%2C{lon:.6f}#map=18/{lat:.6f}/{lon:.6f}",
        "successor": f"{base}/a/{found['successor_code']}" if found.get("successor_code") else None,
    }


def feature(found: dict, urls: dict) -> dict:
    """The address as a GeoJSON Feature: public fields only, named as in the households layer."""
    props = {
        "address_code": found["address_code"], "check_character": found["address_code"][-1],
        "plus_code": found["plus_code"], "status": found["status"], "successor_code": found["successor_code"],
        "verified": found["verified_at"] is not None,
        "verified_on": found["verified_at"].date().isoformat() if found["verified_at"] else None,
        "village": {"code": found["village_code"], "name": found["village_name"]} if found["village_code"] else None,
        "commune": {"code": found["commune_code"], "name_vi": found["commune_vi"], "name_en": found["commune_en"]},
        "province": {"name_vi": found["province_vi"], "name_en": found["province_en"]},
    }
    out = [{"href": urls["page"], "rel": "alternate", "type": "text/html", "title": found["address_code"]},
           {"href": urls["json"], "rel": "self", "type": "application/geo+json"},
           {"href": urls["geo"], "rel": "related", "title": "geo URI (RFC 5870)"},
           {"href": urls["map"], "rel": "related", "type": "text/html", "title": "map"}]
    if urls["successor"]:
        out.append({"href": urls["successor"], "rel": "successor-version", "type": "text/html"})
    return {"type": "Feature", "id": found["address_code"],
            "geometry": {"type": "Point", "coordinates": [round(found["lon"], 7), round(found["lat"], 7)]},
            "properties": props, "links": out}


def map_svg(shapes: dict, code: str, lon: float, lat: float, lang: str) -> Markup:
    house = svg_map.Area(code=code, status="house", geometry=shapes["house"], label=(lon, lat))
    style = svg_map.Style(colours={"house": HOUSE_COLOUR}, title=t("addresses_public.map.title", lang, code=code),
                          description=t("addresses_public.map.desc", lang, span=round(shapes["frame"].span_m)))
    return Markup(svg_map.svg(shapes["frame"], [house], shapes["boundaries"], style))


def qr_svg(url: str, lang: str) -> Markup:
    """The page's QR code as inline SVG (segno escapes the title it writes)."""
    return Markup(qr.make(url).svg_inline(scale=4, border=qr.QUIET_ZONE, omitsize=True, svgclass="qr",
                                          title=t("addresses_public.qr_alt", lang, url=url)))


def context(found: dict, shapes: dict, urls: dict, lang: str) -> dict:
    code = found["address_code"]
    verified = found["verified_at"]
    return {
        "lang": lang, "code": code, "code_body": code[:-1], "check": code[-1], "plus_code": found["plus_code"],
        "village": found["village_name"], "commune": found["commune_vi"] if lang == "vi" else found["commune_en"],
        "province": found["province_vi"] if lang == "vi" else found["province_en"],
        "verified": formatting.day(verified.date(), lang) if verified else None,
        "retired": found["status"] == "retired", "successor": found["successor_code"], "links": urls,
        "map": map_svg(shapes, code, found["lon"], found["lat"], lang), "qr": qr_svg(urls["page"], lang),
    }


def _etagged(request: Request, body: bytes, media_type: str) -> Response:
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {**HEADERS, "ETag": etag}
    sent = request.headers.get("if-none-match", "")
    if sent and (sent.strip() == "*" or etag in (s.strip().removeprefix("W/") for s in sent.split(","))):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def _missing(request: Request, as_json: bool, lang: str, page: dict, key: str, **values) -> Response:
    """A page for a browser that asks for one (as trace pages do), else the API's JSON error."""
    if as_json or not error_page.wants_html(request.scope):
        raise Refusal(404, key, **values)
    body = request.app.state.templates.env.get_template(MISSING_TEMPLATE).render(lang=lang, **page)
    return Response(body, status_code=404, media_type="text/html", headers=HEADERS)


@router.get("/a/{code}", summary="A household address by its code: page or GeoJSON Feature", response_class=Response,
            responses={200: {"content": {"text/html": {}, "application/geo+json": {}, "application/json": {}}},
                       301: {"description": "the code in its canonical form"},
                       404: {"description": "no such address, or a mistyped code (with the codes one slip away); "
                                            "a browser asking for text/html gets a page saying so"}})
async def address_page(request: Request, code: str, lang: str = Depends(language),
                       f: str | None = Query(None, description="html or json (else by Accept)")):
    as_json = wants_json(request, f)
    try:
        canonical = address_code.normalize(code)
    except ValueError as exc:
        said = exc.args[0] if exc.args and isinstance(exc.args[0], Said) else None
        if said is not None and said.key == "errors.address.check":
            async with request.app.state.engine.connect() as conn:
                near = await addresses.suggestions(conn, code)
            page = {"text": t("addresses_public.missing.mistyped", lang, text=code), "suggestions": near}
            return _missing(request, as_json, lang, page, "addresses_public.error.mistyped", text=code,
                            suggestions=", ".join(near) or "-")
        reason = render(said, lang) if said is not None else str(exc)
        page = {"text": reason, "suggestions": []}
        return _missing(request, as_json, lang, page, "addresses_public.error.bad_code", reason=said or str(exc))
    if canonical != code:
        query = request.scope.get("query_string", b"").decode("latin-1")
        return RedirectResponse(f"{base_url(request)}/a/{canonical}" + (f"?{query}" if query else ""), 301,
                                headers=HEADERS)
    async with request.app.state.engine.connect() as conn:
        found = await addresses.address(conn, canonical)
        shapes = None if found is None or as_json else await addresses.map_shapes(conn, found["lon"], found["lat"])
    if found is None:
        page = {"text": t("addresses_public.missing.none", lang, code=canonical), "suggestions": []}
        return _missing(request, as_json, lang, page, "addresses_public.error.not_found", code=canonical)
    urls = links(base_url(request), found)
    if as_json:
        media = "application/geo+json" if "geo+json" in request.headers.get("accept", "") else "application/json"
        return _etagged(request, json.dumps(feature(found, urls), ensure_ascii=False).encode(), media)
    body = request.app.state.templates.env.get_template(TEMPLATE).render(**context(found, shapes, urls, lang))
    return _etagged(request, body.encode(), "text/html; charset=utf-8")


@router.get("/addresses/coverage.geojson", summary="Address coverage per commune (the map's coverage theme)",
            response_class=Response, responses={200: {"content": {"application/geo+json": {}}}})
async def coverage_geojson(request: Request):
    """Share of households with a verified point and code per commune; register-derived figures
    below NTM_OPENDATA_MIN_COUNT are left out."""
    async with request.app.state.engine.connect() as conn:
        body = await coverage.communes_geojson(conn, request.app.state.settings.opendata_min_count)
    return _etagged(request, body.encode(), "application/geo+json")
