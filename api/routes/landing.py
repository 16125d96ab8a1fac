"""The landing page: what this service is for people first (the map, tourism, open data, staff),
then the developers' links (OGC API, tiles, conformance) in a section of their own. The same
links, titled from the catalogue (api/i18n/messages/landing.json), are the JSON landing page."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from api.http.negotiation import language, output_format
from api.http.unknown_params import strict_query
from api.i18n import t

router = APIRouter()

# (path, rel, media type, catalogue key); the HTML page lists all but `self` and the template.
LINKS = (
    ("/", "self", "application/json", "landing.link.self"),
    ("/collections", "data", "application/json", "landing.link.collections"),
    ("/tiles", "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector", "application/json", "landing.link.tiles"),
    ("/tileMatrixSets", "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes", "application/json",
     "landing.link.tms"),
    ("/styles/default/style.json", "stylesheet", "application/vnd.mapbox.style+json", "landing.link.style"),
    ("/search?q={q}", "search", "application/geo+json", "landing.link.search"),
    ("/healthz", "status", "application/json", "landing.link.health"),
    ("/conformance", "conformance", "application/json", "landing.link.conformance"),
    ("/api", "service-desc", "application/vnd.oai.openapi+json;version=3.0", "landing.link.api_desc"),
    ("/docs", "service-doc", "text/html", "landing.link.api_doc"),
)
# Pages with an HTML form of their own: the page links there, not to the JSON.
HTML_OF = {"data": "/collections?f=html", "conformance": "/conformance?f=html"}
# What people come for, in order: (key prefix in the catalogue, page).
FOR_PEOPLE = (("landing.map", "/map"), ("landing.tourism", "/tourism"), ("landing.opendata", "/opendata"),
              ("landing.staff", "/staff"))


@router.get("/", tags=["service"], summary="Landing page", dependencies=[Depends(strict_query())])
async def landing_page(request: Request, fmt: str = Depends(output_format), lang: str = Depends(language)):
    base = str(request.base_url).rstrip("/")
    links = []
    for path, rel, media, key in LINKS:
        link = {"href": f"{base}{path}", "rel": rel, "type": media, "title": t(key, lang)}
        if "{q}" in path:
            link["templated"] = True
        links.append(link)
    if fmt == "html":
        developer = [{**link, "href": (f"{base}{HTML_OF[link['rel']]}&lang={lang}" if link["rel"] in HTML_OF
                                       else link["href"])}
                     for link in links if link["rel"] != "self" and not link.get("templated")]
        return request.app.state.templates.TemplateResponse(request, "landing.html", {
            "lang": lang, "developer": developer, "for_people": FOR_PEOPLE})
    return {"title": t("landing.title", lang), "description": t("landing.tagline", lang), "links": links}
