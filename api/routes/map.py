"""The public web map (/map), its style (/styles/map/style.json) with its sprite
(/styles/map/sprite[@2x].json|png) and the embeddable map (/embed).

Pages are thin: the layer groups, legends and labels travel inside the page as JSON
(`api.pages.map_config`); the browser modules in api/static/map/ draw the rest.
"""
from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response

from api.http.negotiation import language
from api.i18n import both, t
from api.i18n.refusal import Refusal
from api.pages.map_config import map_config
from api.routes import rasters
from api.routes.tourism_embed import embed_focus
from geo.vocabulary import PLACE_KINDS
from layers.read.label_points import LABELLED, label_points
from layers.read.tourism_listing import commune_extent
from tiles.grid import TMS_ID
from tiles.map_style import map_style
from tiles.sprite import sprite
from tiles.tilesets import combined

router = APIRouter(tags=["map"])
COMMUNE_CODE = re.compile(r"^\d{5}$")
ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"
SPRITE_CACHE = "public, max-age=3600"


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


async def data_bounds(request: Request):
    async with request.app.state.engine.connect() as conn:
        return await request.app.state.tiles.data_bounds(conn)


def message_language(request: Request, lang: str) -> str:
    """Refusals speak the language asked for (lang=, Accept-Language); programs asking none get English."""
    asked = "lang" in request.query_params or request.headers.get("accept-language")
    return lang if asked else "en"


def checked_kind(kind: str | None, lang: str = "en") -> str | None:
    if kind is not None and kind not in PLACE_KINDS:
        raise HTTPException(400, t("map.error.kind", lang, kind=kind, kinds=", ".join(PLACE_KINDS)))
    return kind


async def checked_commune(request: Request, commune: str | None, lang: str = "en"):
    """The commune's extent, or None when no commune was asked for; 400/404 for bad codes."""
    if commune is None:
        return None
    if not COMMUNE_CODE.match(commune):
        raise HTTPException(400, t("map.error.commune_code", lang, commune=commune))
    async with request.app.state.engine.connect() as conn:
        extent = await commune_extent(conn, commune)
    if extent is None:
        raise HTTPException(404, t("map.error.commune_unknown", lang, commune=commune))
    return extent


@router.get("/styles/map/style.json", summary="MapLibre style of the web map (offline basemap + themes)")
async def web_map_style(request: Request, lang: str = Depends(language)):
    base = base_url(request)
    url = f"{base}/tiles/{TMS_ID}/{{z}}/{{x}}/{{y}}"
    return map_style(combined(), url, await data_bounds(request), lang,
                     labels_url=f"{base}/styles/map/labels/{{layer}}.geojson", sprite_url=f"{base}/styles/map/sprite",
                     words=both, rasters=await rasters.style_entries(request, lang),
                     coverage_url=f"{base}/addresses/coverage.geojson")


def _sprite(request: Request, ratio: int, ext: str) -> Response:
    if ext not in ("json", "png"):
        raise Refusal(404, "errors.api.sprite_file", ext=repr(ext))
    sheet = sprite(ICONS, ratio)
    tag = f'"{sheet.etag}-{ext}"'
    headers = {"ETag": tag, "Cache-Control": SPRITE_CACHE}
    if request.headers.get("if-none-match") in (tag, f"W/{tag}"):
        return Response(status_code=304, headers=headers)
    if ext == "png":
        return Response(sheet.png, media_type="image/png", headers=headers)
    return JSONResponse(sheet.index, headers=headers)


SPRITE_RESPONSES = {
    200: {"description": "The sprite's index (ext=json: icon name → its box in the image) or image (ext=png)",
          "content": {"application/json": {"schema": {"type": "object", "additionalProperties": {"type": "object"}}},
                      "image/png": {"schema": {"type": "string", "format": "binary"}}}},
    304: {"description": "Not modified: the ETag in If-None-Match is current"},
}


@router.get("/styles/map/sprite.{ext}", summary="The web map's icons for MapLibre (sprite index or image)",
            response_class=Response, responses=SPRITE_RESPONSES)
async def web_map_sprite(request: Request, ext: str):
    return _sprite(request, 1, ext)


@router.get("/styles/map/sprite@2x.{ext}", summary="The web map's icons at pixel ratio 2 (sprite index or image)",
            response_class=Response, responses=SPRITE_RESPONSES)
async def web_map_sprite_2x(request: Request, ext: str):
    return _sprite(request, 2, ext)


@router.get("/styles/map/labels/{layer}.geojson", summary="Label points of communes or villages (GeoJSON)")
async def web_map_labels(request: Request, layer: str):
    if layer not in LABELLED:
        raise Refusal(404, "errors.api.label_layer", layer=repr(layer), known=", ".join(LABELLED))
    async with request.app.state.engine.connect() as conn:
        body = await label_points(conn, layer)
    return JSONResponse(body, media_type="application/geo+json", headers={"Cache-Control": "public, max-age=300"})


@router.get("/map", summary="The web map (HTML)", include_in_schema=False)
async def web_map(request: Request, lang: str = Depends(language)):
    config = map_config(request.app.state.settings, base_url(request), lang, mode="full")
    return request.app.state.templates.TemplateResponse(request, "map.html", {"lang": lang, "config": config})


@router.get("/embed", summary="An embeddable map of tourism places (HTML, for an iframe)", include_in_schema=False)
async def embed(request: Request, lang: str = Depends(language),
                kind: str | None = Query(None, description="Only places of this kind"),
                commune: str | None = Query(None, description="Only places of this commune (5-digit code)"),
                route: int | None = Query(None, ge=1, le=2**31 - 1, description="Only this route and its stops"),
                event: int | None = Query(None, ge=1, le=2**31 - 1, description="Only this event")):
    said = message_language(request, lang)
    kind = checked_kind(kind, said)
    extent = await checked_commune(request, commune, said)
    focus = await embed_focus(request, route, event, lang)  # one route or one event (issue 14)
    view = {"kind": kind, "commune": commune, "extent": extent, **(focus["view"] if focus else {})}
    config = map_config(request.app.state.settings, base_url(request), lang, mode="embed", **view)
    return request.app.state.templates.TemplateResponse(request, "embed.html", {"lang": lang, "config": config,
                                                                                "focus": focus})
