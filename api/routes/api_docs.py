"""/api: this API's OpenAPI 3.0 definition (or, as HTML, Swagger UI showing it), and /docs.

Swagger UI comes from npm (swagger-ui-dist, served by api.pages.static_files) and starts from a script
file of this site, so both pages work with no internet and under a CSP of 'self' scripts only.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse

from api.http.negotiation import language, output_format
from api.openapi.build import OAS30, document

router = APIRouter(tags=["service"])


def _swagger_page(request: Request, lang: str):
    return request.app.state.templates.TemplateResponse(
        request, "api_docs.html", {"lang": lang, "base": str(request.base_url).rstrip("/")})


@router.get("/api", summary="This API's definition (OpenAPI 3.0), or as HTML its documentation")
async def api_definition(request: Request, fmt: str = Depends(output_format), lang: str = Depends(language)):
    if fmt == "html":
        return _swagger_page(request, lang)
    # Built on first use (about 0.15 s for 80 paths): off the event loop, so tiles keep flowing.
    return JSONResponse(await run_in_threadpool(document, request.app), media_type=OAS30)


@router.get("/docs", include_in_schema=False)
async def api_documentation(request: Request, lang: str = Depends(language)):
    return _swagger_page(request, lang)


@router.get("/openapi.json", include_in_schema=False)
async def openapi_json(request: Request):
    """FastAPI's usual address for the definition: the one at /api (OpenAPI 3.0) is the API's."""
    return RedirectResponse(str(request.base_url).rstrip("/") + "/api?f=json", status_code=308)
