"""Shareable pages of published tourism places, routes and events, with their QR codes.

`/tourism/places/{id}`, `/tourism/routes/{id}` and `/tourism/events/{id}` (HTML, vi/en): what a
visitor opens from a link, a QR code on a flyer or a search result. Each page carries schema.org
JSON-LD and Open Graph tags (api.pages.tourism_jsonld: og:image is the cover's card size), its
photos (cover first), and `…/qr.png`, a QR code of the page's own address (geo.qr). A listing
that is not published has no page (404), on the next request. Every user text is escaped by
Jinja; the JSON-LD by tourism_jsonld.script_json.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.http.negotiation import language
from api.i18n import t
from api.i18n.refusal import Refusal
from geo.said import Said
from geo.vocabulary import AMENITIES, EVENT_KINDS, PLACE_KINDS, PRICE_RANGES
from api.pages import tourism_jsonld as ld
from api.routes.map import base_url
from geo import elevation_profile, formatting, qr, route_map
from layers.read import tourism_pages

router = APIRouter(tags=["tourism pages"])
Id = Path(..., ge=1, le=2**31 - 1)
PATHS = {"place": "/tourism/places/{id}", "route": "/tourism/routes/{id}", "event": "/tourism/events/{id}"}
QR_CACHE = "public, max-age=86400"


def page_url(request: Request, kind: str, listing_id: int) -> str:
    """The page's address without a language: the reader's browser picks it (Accept-Language)."""
    return base_url(request) + PATHS[kind].format(id=listing_id)


async def _commune(request: Request, code: str | None, lang: str) -> str | None:
    if not code:
        return None
    async with request.app.state.engine.connect() as conn:
        pair = await tourism_pages.commune_name(conn, code)
    return (pair[0] if lang == "vi" else pair[1] or pair[0]) if pair else None


def _missing(kind: str, listing_id: int):
    what = Said(f"tourism {kind} {listing_id}", f"tourism_share.what.{kind}", id=str(listing_id))
    return Refusal(404, "tourism_share.page.missing", what=what)


def _cover(base: str, item: dict, lang: str, title: str) -> dict | None:
    photos = item.get("photo_list") or []
    if not photos:
        return None
    first = photos[0]
    alt = (first["alt_en"] if lang == "en" and first.get("alt_en") else first["alt_vi"]) or title
    return {"url": base + first["urls"]["card"], "alt": alt}


def _render(request: Request, template: str, lang: str, kind: str, item: dict, doc: dict, url: str, **more):
    base = base_url(request)
    title = ld.localized(item, "name", lang) or t(f"tourism_share.what.{kind}", lang, id=str(item["id"]))
    description = ld.localized(item, "description", lang)
    og = ld.open_graph(url, title, description, _cover(base, item, lang, title), lang)
    return request.app.state.templates.TemplateResponse(request, template, {
        "lang": lang, "item": item, "title": title, "description": description, "url": url,
        "jsonld": ld.script_json(doc), "og": og, "qr_url": PATHS[kind].format(id=item["id"]) + "/qr.png",
        "kind_words": ld.kind_words(item.get("kind"), lang, EVENT_KINDS if kind == "event" else PLACE_KINDS), "alt_of": lambda p: (
            p["alt_en"] if lang == "en" and p.get("alt_en") else p["alt_vi"]),
        "name_of": lambda s: ld.localized(s, "name", lang) or "", **more})


@router.get("/tourism/places/{id}", summary="A published tourism place's page (HTML)", include_in_schema=False)
async def place_page(request: Request, id: int = Id, lang: str = Depends(language)):
    async with request.app.state.engine.connect() as conn:
        item = await tourism_pages.place(conn, id)
    if item is None:
        raise _missing("place", id)
    url = page_url(request, "place", id)
    commune = await _commune(request, item.get("commune_code"), lang)
    doc = ld.place(base_url(request), url, item, lang, commune)
    i = 0 if lang == "vi" else 1
    price = PRICE_RANGES.get(item.get("price_range") or "")
    amenities = [words[i] for key, words in AMENITIES.items() if item.get(key) is True]
    return _render(request, "tourism_place.html", lang, "place", item, doc, url, commune=commune,
                   price=price[i] if price else None, amenities=amenities)


@router.get("/tourism/routes/{id}", summary="A published tourism route's page (HTML)", include_in_schema=False)
async def route_page(request: Request, id: int = Id, lang: str = Depends(language)):
    async with request.app.state.engine.connect() as conn:
        item = await tourism_pages.route(conn, id)
    if item is None:
        raise _missing("route", id)
    url = page_url(request, "route", id)
    doc = ld.route(base_url(request), url, item, lang, lambda pid: page_url(request, "place", pid))
    profile, chart, words = item.get("profile"), "", {}
    if profile:
        words = {"profile_low": formatting.number(min(profile["elevation_m"]), lang),
                 "profile_high": formatting.number(max(profile["elevation_m"]), lang),
                 "profile_climb": formatting.number(profile["climb_m"], lang)}
        label = t("tourism_share.route.profile_label", lang, low=words["profile_low"], high=words["profile_high"],
                  climb=words["profile_climb"])
        chart = elevation_profile.svg(profile["distance_m"], profile["elevation_m"], lang, label)
    length = formatting.length_km(item["length_km"], lang) if item.get("length_km") is not None else None
    name = ld.localized(item, "name", lang) or t("tourism_share.what.route", lang, id=str(id))
    drawn = route_map.svg(item["geometry"], [(s["lon"], s["lat"]) for s in item["stops"]],
                          t("tourism_share.page.route_map", lang, name=name, n=len(item["stops"])))
    return _render(request, "tourism_route.html", lang, "route", item, doc, url, chart=chart, length=length,
                   embed_url=f"/embed?route={id}&lang={lang}", route_map=drawn, **words)


@router.get("/tourism/events/{id}", summary="A published tourism event's page (HTML)", include_in_schema=False)
async def event_page(request: Request, id: int = Id, lang: str = Depends(language)):
    async with request.app.state.engine.connect() as conn:
        item = await tourism_pages.event(conn, id)
    if item is None:
        raise _missing("event", id)
    url = page_url(request, "event", id)
    commune = await _commune(request, item.get("commune_code"), lang)
    doc = ld.event(base_url(request), url, item, lang, commune)
    dates = (formatting.day(item["starts_on"], lang), formatting.day(item["ends_on"], lang))
    return _render(request, "tourism_place.html", lang, "event", item, doc, url, commune=commune, dates=dates,
                   embed_url=f"/embed?event={id}&lang={lang}")


async def _qr(request: Request, kind: str, listing_id: int) -> Response:
    async with request.app.state.engine.connect() as conn:
        shown = await tourism_pages.is_public(conn, kind, listing_id)
    if not shown:
        raise _missing(kind, listing_id)
    png = await run_in_threadpool(qr.png, page_url(request, kind, listing_id), 8)
    return Response(png, media_type="image/png", headers={"Cache-Control": QR_CACHE})


QR_RESPONSES = {200: {"description": "The QR code (PNG) of the page's address",
                      "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}}}}


@router.get("/tourism/places/{id}/qr.png", summary="QR code of a tourism place's page (PNG)",
            response_class=Response, responses=QR_RESPONSES)
async def place_qr(request: Request, id: int = Id):
    return await _qr(request, "place", id)


@router.get("/tourism/routes/{id}/qr.png", summary="QR code of a tourism route's page (PNG)",
            response_class=Response, responses=QR_RESPONSES)
async def route_qr(request: Request, id: int = Id):
    return await _qr(request, "route", id)


@router.get("/tourism/events/{id}/qr.png", summary="QR code of a tourism event's page (PNG)",
            response_class=Response, responses=QR_RESPONSES)
async def event_qr(request: Request, id: int = Id):
    if "tourism_events" not in tourism_pages.BY_ID:
        raise _missing("event", id)
    return await _qr(request, "event", id)
