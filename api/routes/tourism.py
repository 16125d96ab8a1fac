"""The rural tourism page (/tourism): places as a list and on a map, by kind, with an embed snippet.

For visitors (what is there, how to get in touch) and promoters (a map their commune website can
show with one iframe). Only the registry's public properties of tourism places are read.
"""
from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request

from api.http.negotiation import language
from api.pages.map_config import map_config
from api.routes.map import base_url, checked_commune, checked_kind
from geo.vocabulary import PLACE_KINDS
from layers.read.tourism_listing import communes_with_places, tourism_places
from tiles.map_vocabulary import label

router = APIRouter(tags=["map"])


def embed_url(base: str, lang: str, kind: str | None, commune: str | None) -> str:
    query = {k: v for k, v in (("kind", kind), ("commune", commune), ("lang", lang)) if v}
    return f"{base}/embed?{urlencode(query)}"


@router.get("/tourism", summary="Rural tourism places (HTML)", include_in_schema=False)
async def tourism_page(request: Request, lang: str = Depends(language),
                       kind: str | None = Query(None, description="Only places of this kind"),
                       commune: str | None = Query(None, description="Only places of this commune (5-digit code)")):
    kind = checked_kind(kind or None)
    extent = await checked_commune(request, commune or None)
    async with request.app.state.engine.connect() as conn:
        places = await tourism_places(conn, kind, commune or None)
        communes = await communes_with_places(conn)
    base = base_url(request)
    config = map_config(request.app.state.settings, base, lang, mode="tourism", kind=kind,
                        commune=commune or None, extent=extent)
    kinds = [{"id": k, "label": label(words)} for k, words in PLACE_KINDS.items()]
    return request.app.state.templates.TemplateResponse(request, "tourism.html", {
        "lang": lang, "config": config, "places": places, "kinds": kinds, "kind": kind, "communes": communes,
        "commune": commune or "", "embed_url": embed_url(base, lang, kind, commune or None), "base": base})
