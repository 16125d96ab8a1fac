"""The landing page: what this service is, in Vietnamese and English, with links onward."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from api.http.negotiation import language, output_format
from api.http.unknown_params import strict_query

router = APIRouter()

TEXT = {
    "vi": {"title": "Bản đồ số nông thôn mới", "tagline": "Nền tảng bản đồ số nông nghiệp, nông thôn, nông dân: "
           "vùng trồng được cấp mã, du lịch nông thôn, mã địa chỉ hộ gia đình và kết quả xây dựng nông thôn mới.",
           "collections": "Các lớp dữ liệu", "health": "Tình trạng dịch vụ", "api": "Tài liệu API", "conformance": "Chuẩn OGC tuân thủ", "tiles": "Bản đồ vector (tile)",
           "style": "Kiểu bản đồ MapLibre", "search": "Tìm kiếm"},
    "en": {"title": "New Rural Development digital map", "tagline": "Digital map of agriculture, rural areas and "
           "farmers: growing areas with codes, rural tourism, household address codes and NTM results.",
           "collections": "Data layers", "health": "Service health", "api": "API documentation", "conformance": "OGC conformance", "tiles": "Vector tiles",
           "style": "MapLibre style", "search": "Search"},
}


@router.get("/", tags=["service"], summary="Landing page", dependencies=[Depends(strict_query())])
async def landing_page(request: Request, fmt: str = Depends(output_format), lang: str = Depends(language)):
    t = TEXT[lang]
    base = str(request.base_url).rstrip("/")
    links = [
        {"href": f"{base}/", "rel": "self", "type": "application/json", "title": t["title"]},
        {"href": f"{base}/collections", "rel": "data", "type": "application/json", "title": t["collections"]},
        {"href": f"{base}/tiles", "rel": "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector",
         "type": "application/json", "title": t["tiles"]},
        {"href": f"{base}/tileMatrixSets", "rel": "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes",
         "type": "application/json", "title": "Tile matrix sets"},
        {"href": f"{base}/styles/default/style.json", "rel": "stylesheet",
         "type": "application/vnd.mapbox.style+json", "title": t["style"]},
        {"href": f"{base}/search?q={{q}}", "rel": "search", "type": "application/geo+json", "title": t["search"],
         "templated": True},
        {"href": f"{base}/healthz", "rel": "status", "type": "application/json", "title": t["health"]},
        {"href": f"{base}/conformance", "rel": "conformance", "type": "application/json", "title": t["conformance"]},
        {"href": f"{base}/api", "rel": "service-desc", "type": "application/vnd.oai.openapi+json;version=3.0", "title": t["api"]},
        {"href": f"{base}/docs", "rel": "service-doc", "type": "text/html", "title": t["api"]},
    ]
    if fmt == "html":
        return request.app.state.templates.TemplateResponse(
            request, "landing.html", {"t": t, "lang": lang, "links": links})
    return {"title": t["title"], "description": t["tagline"], "links": links}
