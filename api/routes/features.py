"""OGC API - Features: /collections/{id}, its items (GeoJSON, HTML, CSV, NDJSON) and one item."""
from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from api.http.limits import expensive_page
from api.http.negotiation import FEATURE_FORMATS, feature_format, language
from api.http.unknown_params import strict_query
from api.i18n.refusal import Refusal
from api.pages import feature_pages as pages
from api.pages import item_view
from api.pages import zonal_text
from api.pages.collection_doc import collection_document
from api.pages.error_page import FeatureNotFound
from api.query.params import collection, items_query, output_crs
from api.routes import rasters
from geo.ogc_crs import OgcCRS
from geo.said import Said
from layers.read import product_photos
from layers.read.collection import FeatureCollection
from layers.read.features import ItemsQuery
from layers.read.items_page import STREAM_ABOVE, LargePagesBusy
from layers.read.rasters import RasterInfo
from layers.read.registry import Layer
from tiles.etag import if_none_match

router = APIRouter(tags=["data"])
GEOJSON = "application/geo+json"
QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
HTML_MAX = 1000  # rows of an HTML items page; a bigger limit is served as this, and the page says so


def _collection(request: Request, layer: Layer) -> FeatureCollection:
    return request.app.state.collections[layer]


def _etag(request: Request, versions: tuple, fmt: str) -> str:
    raw = f"{request.url.path}?{request.url.query}|{fmt}|{versions}"
    return '"' + hashlib.blake2b(raw.encode(), digest_size=12).hexdigest() + '"'


def _not_modified(request: Request, etag: str) -> bool:
    return if_none_match(request.headers.get("if-none-match"), etag.strip('"'))


def _cache_headers(etag: str, out: OgcCRS | None = None) -> dict:
    headers = {"ETag": etag, "Cache-Control": "public, no-cache"}
    if out is not None:
        headers["Content-Crs"] = f"<{out.uri}>"
    return headers


def _queryables_link(request: Request, layer: Layer) -> str:
    """RFC 8288 link to the queryables (OGC API - Features Part 3), so a client can learn what
    it may filter on from any items response; only this one, so the header stays short whatever
    the request's filter."""
    base = str(request.base_url).rstrip("/")
    return (f'<{base}/collections/{layer.id}/queryables>; rel="{QUERYABLES_REL}"; '
            'type="application/schema+json"')


@router.get("/collections/{collectionId}", summary="One layer: extent, CRS list, links",
            dependencies=[Depends(strict_query())])
async def describe_collection(request: Request, layer: Layer | RasterInfo = Depends(rasters.layer_or_raster),
                              lang: str = Depends(language), fmt: str = Depends(feature_format)):
    if fmt not in ("json", "html"):
        raise Refusal(400, "errors.api.collection_format")
    if isinstance(layer, RasterInfo):  # a raster is a collection too (issue 13)
        return rasters.describe(request, layer, lang)
    summary = await _collection(request, layer).summary()
    doc = collection_document(layer, summary, lang, str(request.base_url).rstrip("/"))
    if fmt == "html":
        return request.app.state.templates.TemplateResponse(
            request, "collection.html", {"lang": lang, "c": doc, "layer": layer})
    return doc


@router.get("/collections/{collectionId}/items", summary="Features of a layer",
            response_class=Response, responses={200: {"content": {m: {} for m in set(FEATURE_FORMATS.values())}}})
async def get_items(request: Request, q: ItemsQuery = Depends(items_query), fmt: str = Depends(feature_format),
                    lang: str = Depends(language),
                    number_matched: bool = Query(False, alias="numberMatched",
                                                 description="Also count all matching features (costs a COUNT)"),
                    _slot: None = Depends(expensive_page)):
    items = _collection(request, q.layer)
    asked = q.limit
    if fmt == "html":  # a page people read: at most HTML_MAX rows, whatever the limit
        q = replace(q, limit=min(q.limit, HTML_MAX))
    async with items.reading() as reader:
        versions = await reader.versions()
        etag = _etag(request, versions, fmt)
        headers = {**_cache_headers(etag, q.out), "Link": _queryables_link(request, q.layer)}
        if _not_modified(request, etag):
            return Response(status_code=304, headers=headers)
        matched = await reader.matched(q, versions, number_matched)  # the whole layer's is cached
    try:
        page = await items.page(q, "csv" if fmt == "csv" else "json")
    except LargePagesBusy as e:
        raise Refusal(503, "errors.api.large_pages", {"Retry-After": str(e.retry_after_s)},
                      max=Said(f"{STREAM_ABOVE:,}", "errors.number", n=STREAM_ABOVE)) from None
    if fmt == "html":
        page_response = await _html_page(request, q, page, lang, matched, asked)
        page_response.headers["Link"] = headers["Link"]  # no ETag: the page's language is not in it
        return page_response
    if fmt == "csv":
        headers["Content-Disposition"] = f'inline; filename="{q.layer.id}.csv"'
        return pages.PageResponse(page, pages.csv_body(page), media_type="text/csv; charset=utf-8", headers=headers)
    if fmt == "ndjson":
        return pages.PageResponse(page, pages.ndjson_body(page), media_type=FEATURE_FORMATS["ndjson"], headers=headers)
    links = lambda p: _links(request, p)  # noqa: E731
    return pages.PageResponse(page, pages.geojson_body(page, links, matched), media_type=GEOJSON, headers=headers)


def _url(request: Request, **changes) -> str:
    params = dict(request.query_params)
    for k, v in changes.items():
        if v is None:
            params.pop(k, None)
        else:
            params[k] = v
    query = "&".join(f"{k}={_quote(v)}" for k, v in params.items())
    return f"{request.url.replace(query=query)}"


def _quote(v: str) -> str:
    return quote(str(v), safe=",:/.-_~")


def _links(request: Request, page: pages.Page, **fixed) -> list[dict]:
    """`fixed`: query parameters every link carries changed (an HTML page's capped limit)."""
    links = [{"href": _url(request, **fixed, f=None), "rel": "self", "type": GEOJSON, "title": "this page"}]
    for f, media in (("html", "text/html"), ("csv", "text/csv"), ("ndjson", FEATURE_FORMATS["ndjson"])):
        links.append({"href": _url(request, **fixed, f=f), "rel": "alternate", "type": media,
                      "title": f"this page as {f}"})
    base = str(request.base_url).rstrip("/")
    layer_id = request.path_params["collectionId"]
    links.append({"href": f"{base}/collections/{layer_id}", "rel": "collection", "type": "application/json"})
    for rel, token in pages.paging_links(page, lambda r, c: (r, c)):
        links.append({"href": _url(request, **fixed, cursor=token), "rel": rel, "type": GEOJSON,
                      "title": "next page" if rel == "next" else "previous page"})
    return links


async def _html_page(request: Request, q: ItemsQuery, page: pages.Page, lang: str, matched: int | None,
                     asked: int):
    """At most HTML_MAX rows (read whole, the connection already returned), decoded and rendered
    in a worker thread: a thousand-row table takes long enough to stall every other request if
    rendered on the event loop. Cells are words, names and formatted numbers (api.pages.item_view);
    the names of the communes, villages, … the rows point to are read first."""
    texts = [row[-1] async for row in pages.features(page)]
    fixed = {"limit": str(q.limit)} if q.limit < asked else {}  # links say what they will get
    links = {link["rel"]: link["href"] for link in _links(request, page, **fixed)}
    shown = item_view.shown_properties(q.layer, lang, q.properties, table=True)
    found = await run_in_threadpool(lambda: [json.loads(t) for t in texts])
    names = await item_view.referenced_names(request.app.state.collections, q.layer,
                                             [f["properties"] for f in found], lang)

    def render():
        table = [{"id": f["id"], "title": item_view.title_of(q.layer, f["properties"], lang),
                  "cells": [item_view.cell(q.layer, p, f["properties"].get(p.name), lang, names) for p in shown]}
                 for f in found]
        return request.app.state.templates.TemplateResponse(request, "items.html", {
            "lang": lang, "layer": q.layer, "rows": table, "matched": matched,
            "links": links, "capped_from": asked if q.limit < asked else None, "cap": HTML_MAX,
            "properties": shown, "property_title": item_view.property_title,
        })

    return await run_in_threadpool(render)


@router.get("/collections/{collectionId}/items/{featureId}", summary="One feature",
            response_class=Response, responses={200: {"content": {GEOJSON: {}, "text/html": {}}}},
            dependencies=[Depends(strict_query(feature=True))])
async def get_item(request: Request, layer: Layer = Depends(collection),
                   feature_id: int = Path(..., alias="featureId", description="Feature id (integer)"),
                   out: OgcCRS = Depends(output_crs), fmt: str = Depends(feature_format),
                   lang: str = Depends(language)):
    if fmt not in ("json", "html"):
        raise Refusal(400, "errors.api.feature_format")
    if not 0 <= feature_id < 2 ** 63:  # ids are bigint: beyond that no feature can exist
        raise FeatureNotFound(layer, feature_id)
    async with _collection(request, layer).reading() as reader:
        etag = _etag(request, await reader.versions(), fmt)
        if _not_modified(request, etag):
            return Response(status_code=304, headers=_cache_headers(etag, out))
        text = await reader.item(feature_id, out)
    if text is None:
        raise FeatureNotFound(layer, feature_id)
    base = str(request.base_url).rstrip("/")
    links = [
        {"href": f"{base}/collections/{layer.id}/items/{feature_id}", "rel": "self", "type": GEOJSON},
        {"href": f"{base}/collections/{layer.id}/items/{feature_id}?f=html", "rel": "alternate", "type": "text/html"},
        {"href": f"{base}/collections/{layer.id}", "rel": "collection", "type": "application/json"},
    ]
    if fmt == "html":
        return await _item_page(request, layer, json.loads(text), lang)
    body = text[:-1] + ',"links":' + json.dumps(links) + "}"
    return Response(body, media_type=GEOJSON, headers=_cache_headers(etag, out))


async def _item_page(request: Request, layer: Layer, feature: dict, lang: str):
    """One feature for people: its name as the title, words instead of codes, names instead of
    ids (api.pages.item_view); no link relations or geometry types."""
    props = feature["properties"]
    names = await item_view.referenced_names(request.app.state.collections, layer, [props], lang)
    rows = [(p, item_view.cell(layer, p, props.get(p.name), lang, names))
            for p in item_view.shown_properties(layer, lang) if p.name not in ("photos", "photo_sha256", "photo_alt")]
    photos = props.get("photos") or []
    if "photo_sha256" in props:  # an OCOP product's one photo, shown as on its trace page (issue 15)
        photo = product_photos.shown(request.app.state.settings, props["photo_sha256"], props.get("photo_alt"))
        photos = [photo] if photo else []
    rasters = await zonal_text.item_section(request.app.state.engine, layer.id, feature.get("id"), lang)
    return request.app.state.templates.TemplateResponse(request, "item.html", {
        "lang": lang, "layer": layer, "feature": feature, "rows": rows, "photos": photos,
        "title": item_view.title_of(layer, props, lang), "property_title": item_view.property_title,
        "rasters": rasters})
