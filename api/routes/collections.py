"""/collections: every layer of the registry with its feature count (cached per data version)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from api.negotiation import language, output_format
from layers.registry import LAYERS

router = APIRouter()


def describe(layer, lang: str, count: int, base: str) -> dict:
    return {
        "id": layer.id,
        "title": layer.title_vi if lang == "vi" else layer.title_en,
        "description": layer.description_vi if lang == "vi" else layer.description_en,
        "theme": layer.theme,
        "geometryType": layer.geometry_type,
        "itemCount": count,
        "itemType": "feature",
        "crs": ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"],
        "links": [{"href": f"{base}/collections/{layer.id}", "rel": "self", "type": "application/json"}],
    }


@router.get("/collections", tags=["data"], summary="Published layers and their feature counts")
async def list_collections(request: Request, fmt: str = Depends(output_format), lang: str = Depends(language)):
    async with request.app.state.engine.connect() as conn:
        counts = await request.app.state.counts.counts(conn, LAYERS)
    base = str(request.base_url).rstrip("/")
    body = {
        "collections": [describe(layer, lang, counts[layer.id], base) for layer in LAYERS],
        "links": [{"href": f"{base}/collections", "rel": "self", "type": "application/json"}],
    }
    if fmt == "html":
        return request.app.state.templates.TemplateResponse(
            request, "collections.html", {"lang": lang, "collections": body["collections"]})
    return body
