"""OGC API - Tiles and Mapbox Vector Tiles: one tileset per collection, one of all of them.

Paths: /tileMatrixSets, /collections/{id}/tiles/…, /tiles/… (the combined map) and
/styles/default/style.json. A tile's URL is …/{tileMatrix}/{tileCol}/{tileRow}: zoom, x, y in the
order MapLibre, TileJSON, TiPg and Martin use (and every URL given out so far); its parameters
carry OGC API - Tiles' names, as does the templated `item` link OGC clients fill in by name
(tiles.ogc), so nothing depends on OGC's recommended {tileRow}/{tileCol} order. Tiles carry a
strong ETag computed from data versions before the tile is made, so revalidation
(If-None-Match → 304) never runs the tile query. An empty tile is a 200 with no body, which
MapLibre handles more gracefully than a 204.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from api.http.negotiation import language
from api.http.tile_responses import tile_reply
from api.i18n import both
from api.i18n.refusal import Refusal
from api.query.params import COLLECTION_ID
from layers.read.registry import BY_ID
from tiles import ogc
from tiles.grid import (TMS_ID, TileOutOfRange, UnknownTileMatrixSet, document, summary, tile_matrix_set,
                        web_mercator, zoom_range)
from tiles.style import style
from tiles.tilejson import tilejson
from tiles.tilesets import Tileset, UnknownCollections, combined, for_collection

router = APIRouter(tags=["tiles"])
TILE_MATRIX = Path(..., description="Zoom level (tile matrix id of WebMercatorQuad)")
TILE_ROW = Path(..., description="Row (y), from the top")
TILE_COL = Path(..., description="Column (x), from the left")
TILE_RESPONSES = {200: {"content": {ogc.MVT: {}}, "description": "the tile (empty body: no features)"},
                  304: {"description": "the client's copy (If-None-Match) is current"}}


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


async def collection_tileset(collectionId: str = COLLECTION_ID) -> Tileset:
    try:
        return for_collection(collectionId)
    except KeyError:
        raise Refusal(404, "errors.api.collection_unknown", layer=repr(collectionId), known=", ".join(BY_ID)) from None


async def checked_tms(tileMatrixSetId: str = Path(..., json_schema_extra={"enum": [TMS_ID]})) -> str:
    try:
        return tile_matrix_set(tileMatrixSetId).id
    except UnknownTileMatrixSet:
        raise Refusal(404, "errors.api.tms_unknown", tms=repr(tileMatrixSetId), offered=TMS_ID) from None


COLLECTIONS = Query(None, description="Only these collections' layers, comma-separated (OGC API - Tiles, "
                    "collections selection); all of them when absent.", examples=["communes,growing_areas"])


def selection(collections: str | None) -> Tileset:
    try:
        return combined(None if collections is None else collections.split(","))
    except UnknownCollections as exc:
        raise Refusal(400, "errors.api.collection_unknown", layer=", ".join(map(repr, exc.names)) or "''",
                      known=", ".join(BY_ID)) from None


async def bounds(request: Request):
    async with request.app.state.engine.connect() as conn:
        return await request.app.state.tiles.data_bounds(conn)


def tile_refusal(z: int, x: int, y: int) -> Refusal:
    """The 400 of a tile outside the matrix set, with the valid range (as tiles.grid.check_tile)."""
    low, high = zoom_range()
    if not low <= z <= high:
        return Refusal(400, "errors.api.tile_zoom", z=z, tms=TMS_ID, low=low, high=high)
    matrix = web_mercator().matrix(z)
    return Refusal(400, "errors.api.tile_xy", tile=f"{z}/{x}/{y}", tms=TMS_ID, z=z, xmax=matrix.matrixWidth - 1,
                   ymax=matrix.matrixHeight - 1)


async def tile_response(request: Request, tileset: Tileset, z: int, x: int, y: int) -> Response:
    service = request.app.state.tiles
    try:
        result = await service.tile(request.app.state.engine, tileset, z, x, y,
                                    request.headers.get("if-none-match"))
    except TileOutOfRange:
        raise tile_refusal(z, x, y) from None
    status, headers, body = tile_reply(result, service.settings.tile_max_age_s,
                                       request.headers.get("accept-encoding", ""), request.app.state.gzip)
    response = Response(body, status_code=status)
    response.raw_headers = headers  # the same bytes the fast path (api.http.tile_responses) sends
    return response


@router.get("/tileMatrixSets", summary="Tile matrix sets offered")
async def list_tile_matrix_sets(request: Request):
    base = base_url(request)
    return {"tileMatrixSets": [summary(base)],
            "links": [{"href": f"{base}/tileMatrixSets", "rel": "self", "type": "application/json"}]}


@router.get("/tileMatrixSets/{tileMatrixSetId}", summary="A tile matrix set (OGC TMS 2.0 JSON)")
async def get_tile_matrix_set(tms: str = Depends(checked_tms)):
    return document()


# One collection's tiles.

@router.get("/collections/{collectionId}/tiles", summary="Tilesets of a collection")
async def collection_tilesets(request: Request, tileset: Tileset = Depends(collection_tileset),
                        lang: str = Depends(language)):
    base = base_url(request)
    return ogc.tileset_list(tileset, f"{base}/collections/{tileset.id}/tiles", base, lang, words=both)


@router.get("/collections/{collectionId}/tiles/{tileMatrixSetId}",
            summary="Tileset metadata of a collection")
async def collection_tileset_metadata(request: Request, tileset: Tileset = Depends(collection_tileset),
                                      tms: str = Depends(checked_tms), lang: str = Depends(language)):
    base = base_url(request)
    return ogc.tileset_metadata(tileset, f"{base}/collections/{tileset.id}/tiles", base, lang,
                                await bounds(request), words=both)


@router.get("/collections/{collectionId}/tiles/{tileMatrixSetId}/tilejson.json",
            summary="TileJSON of a collection")
async def collection_tilejson(request: Request, tileset: Tileset = Depends(collection_tileset),
                              tms: str = Depends(checked_tms), lang: str = Depends(language)):
    url = f"{base_url(request)}/collections/{tileset.id}/tiles/{tms}/{{z}}/{{x}}/{{y}}"
    return tilejson(tileset, url, await bounds(request), lang)


@router.get("/collections/{collectionId}/tiles/{tileMatrixSetId}/{tileMatrix}/{tileCol}/{tileRow}",
            summary="A vector tile of a collection", response_class=Response, responses=TILE_RESPONSES)
async def collection_tile(request: Request, tileMatrix: int = TILE_MATRIX, tileCol: int = TILE_COL,
                          tileRow: int = TILE_ROW, tileset: Tileset = Depends(collection_tileset),
                          tms: str = Depends(checked_tms)):
    return await tile_response(request, tileset, tileMatrix, tileCol, tileRow)


# The combined map: every public layer in one tileset.

@router.get("/tiles", summary="Tilesets of the combined map")
async def map_tilesets(request: Request, lang: str = Depends(language)):
    base = base_url(request)
    return ogc.tileset_list(combined(), f"{base}/tiles", base, lang, words=both)


@router.get("/tiles/{tileMatrixSetId}", summary="Tileset metadata of the combined map")
async def map_tileset_metadata(request: Request, tms: str = Depends(checked_tms),
                               lang: str = Depends(language)):
    base = base_url(request)
    return ogc.tileset_metadata(combined(), f"{base}/tiles", base, lang, await bounds(request), words=both)


@router.get("/tiles/{tileMatrixSetId}/tilejson.json", summary="TileJSON of the combined map")
async def map_tilejson(request: Request, tms: str = Depends(checked_tms), lang: str = Depends(language)):
    url = f"{base_url(request)}/tiles/{tms}/{{z}}/{{x}}/{{y}}"
    return tilejson(combined(), url, await bounds(request), lang)


@router.get("/tiles/{tileMatrixSetId}/{tileMatrix}/{tileCol}/{tileRow}", summary="A vector tile of the combined map",
            response_class=Response, responses=TILE_RESPONSES)
async def map_tile(request: Request, tileMatrix: int = TILE_MATRIX, tileCol: int = TILE_COL, tileRow: int = TILE_ROW,
                   tms: str = Depends(checked_tms), collections: str | None = COLLECTIONS):
    return await tile_response(request, selection(collections), tileMatrix, tileCol, tileRow)


@router.get("/styles/default/style.json", summary="MapLibre style of the combined map")
async def default_style(request: Request, lang: str = Depends(language)):
    url = f"{base_url(request)}/tiles/{TMS_ID}/tilejson.json"
    return style(combined(), url, await bounds(request), lang)
