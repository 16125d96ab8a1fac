"""Query parameters of the Features API, each parsed and checked once (FastAPI dependencies).

Every bad value becomes a 400 that names the parameter and says what was expected; nothing a
client sends reaches SQL except as a bound parameter or a registry-checked column name.
"""
from __future__ import annotations

import re
from datetime import date, datetime

from fastapi import Depends, Path, Query, Request

from api.http.unknown_params import declared_query, refuse, unknown_parameters, wants_html
from api.i18n.refusal import Key, Refusal
from api.query.queryable_params import not_parameters, parameter_types, queryable_values
from geo import ogc_crs
from geo.said import said_of
from layers.db import dates
from layers.read import cql
from layers.read.cql.axes import flip_axes
from layers.read.features import ItemsQuery, check_filter
from layers.read.registry import BY_ID, Layer, get as get_layer
from layers.workers.bounded import runner_for

DEFAULT_LIMIT = 100
# A bigger limit is served as this (OGC API - Features: the server may return fewer, never more);
# bigger requests should use the open-data downloads.
MAX_LIMIT = 100_000


# Documented as an enum (clients and API fuzzers see the real ids) but not validated as one:
# an unknown id must be OGC's 404, not a validation 400.
COLLECTION_ID = Path(..., description="Layer id, see /collections", json_schema_extra={"enum": list(BY_ID)})


async def collection(collectionId: str = COLLECTION_ID) -> Layer:
    try:
        return get_layer(collectionId)
    except KeyError:
        raise Refusal(404, "errors.api.collection_unknown", layer=repr(collectionId), known=", ".join(BY_ID)) from None


async def output_crs(crs: str | None = Query(None, description="CRS of the response geometries (URI)")) -> ogc_crs.OgcCRS:
    try:
        return ogc_crs.parse(crs)
    except ogc_crs.UnsupportedCRS:
        raise crs_refusal("crs", crs) from None


def crs_refusal(param: str, text: str | None) -> Refusal:
    """The CRS parameters' 400, naming the ones this service offers (as ogc_crs's message does)."""
    return Refusal(400, "errors.api.crs", param=param, crs=repr(text), crs84=ogc_crs.CRS84,
                   uri=ogc_crs.EPSG_URI.format("{code}"), codes=", ".join(map(str, ogc_crs.SUPPORTED_EPSG)))


def _date_of(text: str, what: str) -> date | None:
    if text in ("..", ""):
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = date.fromisoformat(text)
        else:
            day = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00")).date()
    except ValueError:
        raise Refusal(400, "errors.api.datetime_format", what=Key(f"errors.api.part.{what}"), text=repr(text)) from None
    try:
        return dates.bounded(day, what)
    except dates.DateOutOfRange:
        raise Refusal(400, "errors.api.datetime_range", what=Key(f"errors.api.part.{what}"), day=day.isoformat(),
                      range=dates.RANGE_TEXT) from None


def parse_datetime(text: str) -> tuple[date | None, date | None]:
    if "/" in text:
        start_text, _, end_text = text.partition("/")
        start, end = _date_of(start_text, "start"), _date_of(end_text, "end")
        if start and end and start > end:
            raise Refusal(400, "errors.api.datetime_reversed", text=repr(text))
        return start, end
    if text == "..":
        raise Refusal(400, "errors.api.datetime_open")
    instant = _date_of(text, "value")
    return instant, instant


def _names(text: str, layer: Layer, what: str, allowed: tuple[str, ...]) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n.lstrip("+-") for n in names if n.lstrip("+-") not in allowed]
    if unknown:
        raise Refusal(400, "errors.api.properties_unknown" if len(unknown) > 1 else "errors.api.property_unknown",
                      param=what, names=", ".join(map(repr, unknown)), layer=layer.id, allowed=", ".join(allowed))
    return names


async def items_query(
    request: Request,
    layer: Layer = Depends(collection),
    out: ogc_crs.OgcCRS = Depends(output_crs),
    limit: int = Query(DEFAULT_LIMIT, ge=1,
                       description=f"Features per page; a larger value is served as {MAX_LIMIT:,} "
                                   "(follow the `next` link for more)"),
    bbox: str | None = Query(None, description="minx,miny,maxx,maxy in bbox-crs (default CRS84: lon/lat)"),
    bbox_crs: str | None = Query(None, alias="bbox-crs", description="CRS of bbox (URI)"),
    datetime_: str | None = Query(None, alias="datetime", description="Date or interval (a/b, ../b, a/..)"),
    filter_: str | None = Query(None, alias="filter", description="CQL2 expression over the queryables"),
    filter_lang: str = Query("cql2-text", alias="filter-lang", description="cql2-text or cql2-json"),
    filter_crs: str | None = Query(None, alias="filter-crs", description="CRS of geometries in filter (URI)"),
    sortby: str | None = Query(None, description="Comma-separated properties, '-' prefix for descending"),
    properties: str | None = Query(None, description="Comma-separated properties to return"),
    cursor: str | None = Query(None, description="Opaque page cursor from a next/prev link"),
) -> ItemsQuery:
    await _known_parameters(request, layer)
    limit = min(limit, MAX_LIMIT)
    equals = queryable_values(layer, request.query_params)
    box, box_srid = None, 4326
    if bbox is not None:
        try:
            box_crs = ogc_crs.parse(bbox_crs)
            box = ogc_crs.bbox_to_xy(ogc_crs.parse_bbox(bbox), box_crs)
        except ogc_crs.UnsupportedCRS:
            raise crs_refusal("bbox-crs", bbox_crs) from None
        except ValueError as e:
            raise Refusal(400, "errors.api.bbox", reason=said_of(e)) from None
        box_srid = box_crs.srid
    elif bbox_crs is not None:
        raise Refusal(400, "errors.api.bbox_crs_alone")
    when = parse_datetime(datetime_) if datetime_ is not None else None
    expr, filter_srid = None, 4326
    if filter_ is not None:
        expr, filter_srid = await _filter(request.app.state.settings, layer, filter_, filter_lang, filter_crs)
    elif filter_crs is not None:
        raise Refusal(400, "errors.api.filter_crs_alone")
    sortable = tuple(p.name for p in layer.properties if p.type != "array")
    order = [(n.lstrip("+-"), n.startswith("-")) for n in _names(sortby, layer, "sortby", sortable)] if sortby else []
    chosen = tuple(n for n in _names(properties, layer, "properties", layer.property_names)) if properties else None
    return ItemsQuery(layer, limit, out, bbox=box, bbox_srid=box_srid, equals=equals, datetime=when, filter=expr,
                      filter_srid=filter_srid, sortby=tuple(order), properties=chosen, cursor=cursor)


async def _known_parameters(request: Request, layer: Layer) -> None:
    """The items resource takes its declared parameters and the layer's queryables
    (api.query.queryable_params); anything else is a 400 unless the answer is an HTML page."""
    allowed = (*declared_query(request.scope["route"]), *parameter_types(layer))
    unknown = unknown_parameters(request, allowed)
    if unknown and not await wants_html(request, feature=True):
        hints = not_parameters(layer)
        named = [n for n in unknown if n in hints]
        if named:
            raise Refusal(400, "errors.api.not_parameter", name=named[0], layer=layer.id, hint=hints[named[0]])
        refuse(request, unknown, allowed)


async def _filter(settings, layer: Layer, text: str, lang: str, crs_text: str | None) -> tuple[dict, int]:
    """The filter as CQL2 JSON with x-first coordinates, and its CRS: checked against the layer
    now, so a bad one is a 400 before any response starts (layers/ turns it into SQL)."""
    try:
        crs = ogc_crs.parse(crs_text)
    except ogc_crs.UnsupportedCRS:
        raise crs_refusal("filter-crs", crs_text) from None
    try:
        expr = await cql.parse_off_loop(text, lang, cql.FilterLimits.of(settings), runner_for(settings))
        expr = flip_axes(expr) if crs.lat_first else expr
        check_filter(layer, expr, crs.srid)
    except cql.FilterError as e:
        raise Refusal(400, "errors.api.filter", reason=said_of(e)) from None
    return expr, crs.srid
