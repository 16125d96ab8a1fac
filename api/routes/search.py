"""/search: one box for place names, OCOP products, cooperatives, address codes, growing-area codes and
Plus Codes, answered as GeoJSON (each hit with its commune and province in `context`).

The geometry comes from PostGIS as GeoJSON text and is spliced into the response unparsed;
only the small properties are encoded here. Polygons carry a `bbox` so a map can fly to them.
"""
from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.http.limits import expensive
from api.http.negotiation import language, output_format
from api.http.unknown_params import strict_query
from api.i18n.refusal import Refusal
from geo.said import said_of
from layers.read import search as searching

router = APIRouter()

GEOJSON = "application/geo+json"
DEFAULT_LIMIT, MAX_LIMIT = 10, 50


def _kinds(kind: str | None) -> set[str] | None:
    if kind is None:
        return None
    kinds = {k.strip() for k in kind.split(",") if k.strip()}
    unknown = sorted(kinds - set(searching.KINDS))
    if unknown or not kinds:
        raise Refusal(400, "errors.api.search_kind", names=", ".join(map(repr, unknown)) or repr(kind),
                      kinds=", ".join(searching.KINDS))
    return kinds


def feature(h: dict, base: str) -> str:
    props = {k: h[k] for k in ("kind", "collection", "feature_id", "label", "context", "match", "match_type")}
    head = {"type": "Feature", "id": f"{h['collection'] or h['kind']}.{h['feature_id']}"}
    if h["bbox"]:
        head["bbox"] = h["bbox"]
    tail = {"properties": props}
    if h["collection"]:  # a Plus Code with no household is a place, not a feature
        props["href"] = href = f"{base}/collections/{h['collection']}/items/{h['feature_id']}"
        tail["links"] = [{"href": href, "rel": "item", "type": GEOJSON, "title": h["label"]}]
    if h.get("code"):  # an address: its public page (issue 16)
        page = f"{base}/a/{h['code']}"
        tail.setdefault("links", []).append({"href": page, "rel": "alternate", "type": "text/html", "title": h["label"]})
    return (json.dumps(head, ensure_ascii=False)[:-1] + ', "geometry": ' + h["geometry"] + ", "
            + json.dumps(tail, ensure_ascii=False)[1:])


@router.get("/search", tags=["data"], summary="Find communes, villages, places, products, cooperatives, growing areas, addresses and Plus Codes",
            response_class=Response, responses={200: {"content": {GEOJSON: {}}}},
            dependencies=[Depends(strict_query())])
async def search(
    request: Request,
    q: str | None = Query(None, description="Name (with or without diacritics, a village with its commune), address code, growing-area code or Plus Code"),
    limit: int = Query(DEFAULT_LIMIT, description=f"Results, 1 to {MAX_LIMIT}"),
    kind: str | None = Query(None, description=f"Comma list of {', '.join(searching.KINDS)}"),
    lang: str = Depends(language),
    fmt: str = Depends(output_format),
    _slot: None = Depends(expensive),
) -> Response:
    if q is None or not q.strip():
        raise Refusal(400, "errors.api.search_q")
    if not 1 <= limit <= MAX_LIMIT:
        raise Refusal(400, "errors.api.search_limit", max=MAX_LIMIT, limit=limit)
    kinds = _kinds(kind)
    try:
        async with request.app.state.engine.connect() as conn:
            query, hits = await searching.search(conn, q, limit=limit, lang=lang, kinds=kinds)
    except searching.SearchError as exc:
        raise Refusal(400, "errors.api.search_reason", reason=said_of(exc)) from None
    base = str(request.base_url).rstrip("/")
    if fmt == "html":  # the page links each hit to its item page: a bare Plus Code cell has none
        return request.app.state.templates.TemplateResponse(
            request, "search.html", {"lang": lang, "q": q, "hits": [h for h in hits if h["collection"]], "base": base})
    meta = json.dumps({"numberReturned": len(hits), "query": {"type": query.type, "text": query.text}},
                      ensure_ascii=False)
    body = ('{"type": "FeatureCollection", "features": [' + ", ".join(feature(h, base) for h in hits)
            + "], " + meta[1:])
    return Response(body.encode(), media_type=GEOJSON)
