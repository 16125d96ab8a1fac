"""/collections: every layer of the registry, with counts and extents cached per data version."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from api.http.negotiation import language, output_format
from api.http.unknown_params import strict_query
from api.pages.collection_doc import collection_document
from api.routes import rasters
from layers.read.registry import LAYERS

router = APIRouter()


@router.get("/collections", tags=["data"], summary="Published layers, their extents and feature counts",
            dependencies=[Depends(strict_query())])
async def list_collections(request: Request, fmt: str = Depends(output_format), lang: str = Depends(language)):
    summaries = await request.app.state.collections.summaries(LAYERS)
    base = str(request.base_url).rstrip("/")
    body = {
        "collections": [collection_document(layer, summaries[layer.id], lang, base) for layer in LAYERS]
        + await rasters.collection_entries(request, lang),  # the public rasters (itemType "coverage")
        "links": [{"href": f"{base}/collections", "rel": "self", "type": "application/json"},
                  {"href": f"{base}/collections?f=html", "rel": "alternate", "type": "text/html"}],
    }
    if fmt == "html":
        return request.app.state.templates.TemplateResponse(
            request, "collections.html", {"lang": lang, "collections": [  # rasters: on the map, not a table
                c for c in body["collections"] if c.get("itemType") == "feature"]})
    return body
