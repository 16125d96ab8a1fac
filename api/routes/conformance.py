"""/conformance and /collections/{id}/queryables (the OpenAPI definition, /api, is api.routes.api_docs)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from api.http.negotiation import language, output_format
from api.http.unknown_params import strict_query
from api.query.params import collection
from layers.read import cql
from layers.read.registry import Layer

router = APIRouter(tags=["service"])

OGC = "http://www.opengis.net/spec"
CONFORMANCE = [
    f"{OGC}/ogcapi-common-1/1.0/conf/core",
    f"{OGC}/ogcapi-common-2/1.0/conf/collections",
    f"{OGC}/ogcapi-features-1/1.0/conf/core",
    f"{OGC}/ogcapi-features-1/1.0/conf/oas30",
    f"{OGC}/ogcapi-features-1/1.0/conf/html",
    f"{OGC}/ogcapi-features-1/1.0/conf/geojson",
    f"{OGC}/ogcapi-features-2/1.0/conf/crs",
    f"{OGC}/ogcapi-features-3/1.0/conf/queryables",
    f"{OGC}/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    f"{OGC}/ogcapi-features-3/1.0/conf/filter",
    f"{OGC}/ogcapi-features-3/1.0/conf/features-filter",
    # Part 4 (draft 20-002): growing areas take POST, PUT, PATCH and DELETE. Not declared:
    # optimistic-locking-etags, whose If-Match must accept the ETag of a GET of the resource
    # itself; ours takes the staff view's (/staff/api/growing-areas/{id}), drafts being private.
    f"{OGC}/ogcapi-features-4/1.0/conf/create-replace-delete",
    f"{OGC}/ogcapi-features-4/1.0/conf/update",
    f"{OGC}/ogcapi-features-4/1.0/conf/features",
    f"{OGC}/cql2/1.0/conf/cql2-text",
    f"{OGC}/cql2/1.0/conf/cql2-json",
    f"{OGC}/cql2/1.0/conf/basic-cql2",
    f"{OGC}/cql2/1.0/conf/advanced-comparison-operators",
    f"{OGC}/cql2/1.0/conf/case-insensitive-comparison",
    f"{OGC}/cql2/1.0/conf/basic-spatial-functions",
    f"{OGC}/cql2/1.0/conf/basic-spatial-functions-plus",
    f"{OGC}/cql2/1.0/conf/spatial-functions",
    f"{OGC}/cql2/1.0/conf/temporal-functions",
    f"{OGC}/cql2/1.0/conf/array-functions",
    f"{OGC}/ogcapi-records-1/1.0/conf/sorting",
    f"{OGC}/ogcapi-tiles-1/1.0/conf/core",
    f"{OGC}/ogcapi-tiles-1/1.0/conf/tileset",
    f"{OGC}/ogcapi-tiles-1/1.0/conf/tilesets-list",
    f"{OGC}/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
    f"{OGC}/ogcapi-tiles-1/1.0/conf/dataset-tilesets",
    f"{OGC}/ogcapi-tiles-1/1.0/conf/collections-selection",
    f"{OGC}/ogcapi-tiles-1/1.0/conf/mvt",
    f"{OGC}/ogcapi-tiles-1/1.0/conf/oas30",
    f"{OGC}/tms/2.0/conf/tilematrixset",
    f"{OGC}/tms/2.0/conf/json-tilematrixset",
]


@router.get("/conformance", summary="The OGC conformance classes this service implements",
            dependencies=[Depends(strict_query())])
async def conformance(request: Request, fmt: str = Depends(output_format), lang: str = Depends(language)):
    if fmt == "html":
        return request.app.state.templates.TemplateResponse(
            request, "conformance.html", {"lang": lang, "classes": CONFORMANCE})
    return {"conformsTo": CONFORMANCE}


@router.get("/collections/{collectionId}/queryables", tags=["data"],
            summary="Properties that filter (CQL2) and sortby can use", dependencies=[Depends(strict_query())])
async def queryables(request: Request, layer: Layer = Depends(collection), lang: str = Depends(language),
                     fmt: str = Depends(output_format)):
    doc = cql.queryables(layer, lang, str(request.base_url).rstrip("/"))
    if fmt == "html":
        return request.app.state.templates.TemplateResponse(
            request, "queryables.html", {"lang": lang, "layer": layer, "q": doc})
    return JSONResponse(doc, media_type="application/schema+json")
