"""The rural tourism page (/tourism): places as a list and on a map, by kind, with an embed snippet.

For visitors (what is there, how to get in touch) and promoters (a map their commune website can
show with one iframe). Only the registry's public properties of tourism places are read.

The list shows a page of cards at a time (`shown`, then /tourism/cards fragments as the reader
scrolls), so a phone does not lay out and fetch photos for every place at once. The commune filter
counts the places of the chosen kind, and a commune without that kind says so instead of an empty
list.
"""
from __future__ import annotations

import calendar
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request

from api.http.negotiation import language
from api.pages.map_config import map_config
from api.routes.map import base_url, checked_commune, checked_kind, message_language
from geo.vocabulary import EVENT_KINDS, PLACE_KINDS
from layers.read.tourism_listing import communes_with_places, tourism_events, tourism_places
from tiles.map_vocabulary import label

router = APIRouter(tags=["map"])
PAGE = 24  # cards per step: a phone screen holds two or three
MONTH = r"^(20[0-9]{2}|21[0-9]{2})-(0[1-9]|1[0-2])$"
VN = timezone(timedelta(hours=7))


def embed_url(base: str, lang: str, kind: str | None, commune: str | None) -> str:
    query = {k: v for k, v in (("kind", kind), ("commune", commune), ("lang", lang)) if v}
    return f"{base}/embed?{urlencode(query)}"


def page_url(lang: str, kind: str | None, commune: str | None, **more) -> str:
    query = {k: v for k, v in (("kind", kind), ("commune", commune), ("lang", lang), *more.items()) if v}
    return f"/tourism?{urlencode(query)}"


def kind_words() -> list[dict]:
    return [{"id": k, "label": label(words)} for k, words in PLACE_KINDS.items()]


async def listing(request: Request, kind: str | None, commune: str | None) -> tuple[list[dict], list[dict]]:
    """The places that match, and every commune with places: its count per kind and for `kind`."""
    async with request.app.state.engine.connect() as conn:
        every = await tourism_places(conn)
        communes = await communes_with_places(conn)
    per = Counter((p["commune_code"], p["kind"]) for p in every)
    for c in communes:
        c["kinds"] = {k: per[(c["code"], k)] for k in PLACE_KINDS if per[(c["code"], k)]}
        c["places"] = sum(c["kinds"].values()) if kind is None else c["kinds"].get(kind, 0)
    places = [p for p in every if (kind is None or p["kind"] == kind) and (commune is None or p["commune_code"] == commune)]
    return places, communes


def month_of(value: str | None) -> tuple[date, date]:
    """The first and last day of `value` (YYYY-MM), or of this month in Vietnam."""
    first = date.fromisoformat(value + "-01") if value else datetime.now(VN).date().replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


async def month_events(request: Request, lang: str, kind: str | None, commune: str | None,
                       month: str | None) -> dict:
    """The events of a month (festivals, harvest seasons) and links to the months around it."""
    first, last = month_of(month)
    async with request.app.state.engine.connect() as conn:
        events = await tourism_events(conn, first, last)
    before = (first - timedelta(days=1)).strftime("%Y-%m")
    after = (last + timedelta(days=1)).strftime("%Y-%m")
    return {"events": events, "month": first, "event_kinds": {k: label(w) for k, w in EVENT_KINDS.items()},
            "prev_month_url": page_url(lang, kind, commune, month=before) + "#events",
            "next_month_url": page_url(lang, kind, commune, month=after) + "#events"}


@router.get("/tourism", summary="Rural tourism places (HTML)", include_in_schema=False)
async def tourism_page(request: Request, lang: str = Depends(language),
                       kind: str | None = Query(None, description="Only places of this kind"),
                       commune: str | None = Query(None, description="Only places of this commune (5-digit code)"),
                       shown: int = Query(PAGE, ge=1, le=1000, description="How many cards the list shows"),
                       month: str | None = Query(None, pattern=MONTH, description="Events of this month (YYYY-MM)")):
    kind = checked_kind(kind or None, message_language(request, lang))
    commune = commune or None
    extent = await checked_commune(request, commune, message_language(request, lang))
    places, communes = await listing(request, kind, commune)
    base = base_url(request)
    config = map_config(request.app.state.settings, base, lang, mode="tourism", kind=kind,
                        commune=commune, extent=extent)
    chosen = next((c for c in communes if c["code"] == commune), None)
    return request.app.state.templates.TemplateResponse(request, "tourism.html", {
        "lang": lang, "config": config, "places": places[:shown], "total": len(places), "step": PAGE, "kinds": kind_words(),
        "kind": kind, "communes": communes, "commune": commune or "", "chosen": chosen,
        "more_url": page_url(lang, kind, commune, shown=str(shown + PAGE)) if shown < len(places) else None,
        "cards_url": f"/tourism/cards?{urlencode({k: v for k, v in (('kind', kind), ('commune', commune), ('lang', lang)) if v})}",
        "all_kinds_url": page_url(lang, None, commune), "kind_everywhere_url": page_url(lang, kind, None),
        "embed_url": embed_url(base, lang, kind, commune), "base": base, "map_i18n_extra": ["tourism."],
        **await month_events(request, lang, kind, commune, month)})


@router.get("/tourism/cards", summary="More cards of the tourism list (HTML fragment)", include_in_schema=False)
async def tourism_cards(request: Request, lang: str = Depends(language),
                        kind: str | None = Query(None), commune: str | None = Query(None),
                        offset: int = Query(0, ge=0), limit: int = Query(PAGE, ge=1, le=100)):
    kind = checked_kind(kind or None, message_language(request, lang))
    commune = commune or None
    await checked_commune(request, commune, message_language(request, lang))
    places, _ = await listing(request, kind, commune)
    response = request.app.state.templates.TemplateResponse(request, "tourism_cards.html", {
        "lang": lang, "places": places[offset:offset + limit], "kinds": kind_words()})
    response.headers["X-Total-Count"] = str(len(places))
    return response
