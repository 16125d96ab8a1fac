"""Rasters over HTTP (issue 13): OGC API - Tiles map tiles (PNG, WebP), TileJSON, the legend and
the value at a point, plus a raster's /collections entry.

A raster's name is its collection id (the registry keeps it apart from the vector layers' ids).
Tile URLs are …/map/tiles/WebMercatorQuad/{z}/{x}/{y} (x column, y row, as for vector tiles).
Documented answers: a tile inside the raster's zooms (0..maxzoom of its TileJSON) but away from
its footprint is a transparent 200 tile (a map asks for whole screens, not only where data is);
a zoom past maxzoom or an x/y outside the matrix is a 404 naming the range; a point outside the
raster is a 404; lon/lat that are not numbers in range, or f= not png/webp, are 400s.
"""
from __future__ import annotations

import math

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from api.http.negotiation import language
from api.http.unknown_params import strict_query
from api.i18n import both
from api.i18n.refusal import Key, Refusal
from api.pages import raster_page
from api.query.params import COLLECTION_ID, collection
from layers.read.registry import BY_ID, Layer
from layers.read.rasters import RasterInfo
from tiles.etag import quoted
from tiles.grid import TMS_ID
from tiles.raster import documents
from tiles.raster.render import MEDIA_TYPES, OutsideRaster
from tiles.raster.service import NoSuchTile

router = APIRouter(tags=["rasters"])
RASTER_ID = Path(..., description="Raster name (a collection id), see /collections")
TMS = Path(..., json_schema_extra={"enum": [TMS_ID]})
TILE_RESPONSES = {200: {"content": {m: {} for m in MEDIA_TYPES.values()},
                        "description": "the tile (transparent outside the raster's footprint)"},
                  304: {"description": "the client's copy (If-None-Match) is current"},
                  404: {"description": "zoom past the raster's maxzoom, or x/y outside the matrix"}}


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


async def public_rasters(request: Request) -> dict[str, RasterInfo]:
    return await request.app.state.rasters.current(request.app.state.engine)


async def raster(request: Request, collectionId: str = RASTER_ID) -> RasterInfo:
    found = (await public_rasters(request)).get(collectionId)
    if found is None:
        known = ", ".join(await public_rasters(request))
        raise Refusal(404, "rasters.unknown", name=repr(collectionId), known=known or Key("rasters.none"))
    return found


async def checked_tms(tileMatrixSetId: str = TMS) -> str:
    if tileMatrixSetId != TMS_ID:
        raise Refusal(404, "errors.api.no_resource", path=f"tileMatrixSets/{tileMatrixSetId}")
    return tileMatrixSetId


def wants_html(request: Request) -> bool:
    """As api.http.negotiation.feature_format decided (it has already refused other f= values):
    f=html, or no f= and a browser's Accept naming text/html before JSON."""
    f = request.query_params.get("f")
    if f is not None:
        return f == "html"
    accept = request.headers.get("accept", "")
    html = accept.find("text/html")
    return html >= 0 and all(accept.find(m) < 0 or html < accept.find(m) for m in ("application/json",
                                                                                   "application/geo+json"))


def describe(request: Request, found: RasterInfo, lang: str):
    """/collections/{name} of a raster (api.routes.features hands rasters here): JSON, or for a
    browser the page of api.pages.raster_page."""
    if wants_html(request):
        return request.app.state.templates.TemplateResponse(
            request, "raster_collection.html", raster_page.context(found, base_url(request), lang))
    return documents.collection_document(found, base_url(request), lang)


async def collection_entries(request: Request, lang: str) -> list[dict]:
    """The public rasters' entries of /collections."""
    return [documents.collection_document(r, base_url(request), lang) for r in (await public_rasters(request)).values()]


async def style_entries(request: Request, lang: str) -> tuple[dict, list[dict]]:
    """(sources, layers) of the public rasters for the web map's style."""
    return documents.style_entries((await public_rasters(request)).values(), base_url(request), lang)


@router.get("/collections/{collectionId}/map/tiles", summary="Map tilesets of a raster")
async def raster_tilesets(request: Request, found: RasterInfo = Depends(raster), lang: str = Depends(language),
                          f: str | None = Query(None, description="json or html (a browser's default)")):
    if f not in (None, "json", "html"):
        raise Refusal(400, "rasters.page.format", f=repr(f))
    if wants_html(request):
        return request.app.state.templates.TemplateResponse(
            request, "raster_tilesets.html", raster_page.tilesets_context(found, base_url(request), lang))
    return documents.tileset_list(found, base_url(request), lang, words=both)


@router.get("/collections/{collectionId}/map/tiles/{tileMatrixSetId}", summary="Map tileset metadata of a raster")
async def raster_tileset(request: Request, found: RasterInfo = Depends(raster), tms: str = Depends(checked_tms),
                         lang: str = Depends(language)):
    return documents.tileset_metadata(found, base_url(request), lang, words=both)


@router.get("/collections/{collectionId}/map/tiles/{tileMatrixSetId}/tilejson.json", summary="TileJSON of a raster")
async def raster_tilejson(request: Request, found: RasterInfo = Depends(raster), tms: str = Depends(checked_tms),
                          lang: str = Depends(language),
                          f: str = Query("png", description="format of the tile URLs: png or webp")):
    return documents.tilejson(found, base_url(request), lang, tile_format(request, f))


def tile_format(request: Request, f: str | None) -> str:
    if f is None:
        return "webp" if "image/webp" in request.headers.get("accept", "") else "png"
    if f not in MEDIA_TYPES:
        raise Refusal(400, "rasters.tile_format", f=repr(f))
    return f


@router.get("/collections/{collectionId}/map/tiles/{tileMatrixSetId}/{tileMatrix}/{tileCol}/{tileRow}",
            summary="A map tile of a raster (PNG or WebP)", response_class=Response, responses=TILE_RESPONSES)
async def raster_tile(request: Request, tileMatrix: int = Path(..., description="Zoom level"),
                      tileCol: int = Path(..., description="Column (x), from the left"),
                      tileRow: int = Path(..., description="Row (y), from the top"),
                      found: RasterInfo = Depends(raster), tms: str = Depends(checked_tms),
                      f: str | None = Query(None, description="png (default) or webp; or Accept: image/webp")):
    fmt = tile_format(request, f)
    service = request.app.state.raster_tiles
    try:
        result = await service.tile(found, tileMatrix, tileCol, tileRow, fmt, request.headers.get("if-none-match"))
    except NoSuchTile as exc:
        raise Refusal(404, f"rasters.no_tile.{exc.reason}", **exc.values) from None
    headers = {"ETag": quoted(result.tag), "Cache-Control": f"public, max-age={service.settings.tile_max_age_s}",
               "Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "ETag",
               "Vary": "Accept"}
    if result.data is None:
        return Response(status_code=304, headers=headers)
    return Response(result.data, media_type=result.media_type, headers=headers)


@router.get("/collections/{collectionId}/legend", summary="Legend of a raster (classes or colour ramp)",
            dependencies=[Depends(strict_query())])
async def raster_legend(found: RasterInfo = Depends(raster), lang: str = Depends(language)):
    return documents.legend(found, lang)


@router.get("/collections/{collectionId}/position", summary="The raster's value at a point (for popups)",
            dependencies=[Depends(strict_query())])
async def raster_position(request: Request, found: RasterInfo = Depends(raster), lang: str = Depends(language),
                          lon: float = Query(..., description="longitude, WGS84 degrees"),
                          lat: float = Query(..., description="latitude, WGS84 degrees")):
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise Refusal(400, "rasters.position.range", lon=lon, lat=lat)
    try:
        values = await request.app.state.raster_tiles.values(found, lon, lat)
    except OutsideRaster:
        raise Refusal(404, "rasters.position.outside", lon=lon, lat=lat, name=found.name) from None
    if found.kind == "imagery":
        value = None if all(v is None for v in values) else values
        return {"value": value, "label": None, "units": found.units}
    value = values[0]
    if found.kind == "categorical" and value is not None:
        value = int(value) if float(value).is_integer() else value
        entry = documents.class_of(found, value)
        return {"value": value, "label": entry and documents.class_label(entry, lang), "units": found.units}
    return {"value": value, "label": None, "units": found.units}


async def layer_or_raster(request: Request, collectionId: str = COLLECTION_ID) -> Layer | RasterInfo:
    """/collections/{id}'s subject: a vector layer, else a public raster, else the layers' 404."""
    if collectionId not in BY_ID:
        found = (await public_rasters(request)).get(collectionId)
        if found is not None:
            return found
    return await collection(collectionId)
