"""/sitemap.xml: the public pages search engines should find (sitemaps.org protocol 0.9), and
/robots.txt naming it (and keeping crawlers out of the staff pages and the login).

The main pages, and the page of every published tourism place, route and event
(layers.read.tourism_pages.sitemap_ids: published only, so an unpublished listing leaves the
sitemap on the next request). Each URL is listed once, without a language: the page answers in
the reader's (Accept-Language), and its vi/en versions are given as alternates (hreflang).
"""
from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.routes.map import base_url
from api.routes.tourism_share import PATHS
from layers.read import tourism_pages

router = APIRouter(tags=["map"])
MAIN = ("/", "/map", "/tourism", "/opendata")
CACHE = "public, max-age=300"


def _entry(url: str) -> str:
    alternates = "".join(f"<xhtml:link rel=\"alternate\" hreflang=\"{lang}\" href={quoteattr(f'{url}{sep}lang={lang}')}/>"
                         for lang in ("vi", "en") for sep in ("&" if "?" in url else "?",))
    return f"<url><loc>{escape(url)}</loc>{alternates}</url>"


@router.get("/sitemap.xml", summary="The public pages, for search engines (sitemaps.org)", response_class=Response)
async def sitemap(request: Request):
    base = base_url(request)
    async with request.app.state.engine.connect() as conn:
        ids = await tourism_pages.sitemap_ids(conn)
    urls = [base + ("/?f=html" if path == "/" else path) for path in MAIN]
    for kind, listed in ids.items():
        urls += [base + PATHS[kind].format(id=i) for i in listed]
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
            + "\n".join(_entry(u) for u in urls) + "\n</urlset>\n")
    return Response(body, media_type="application/xml", headers={"Cache-Control": CACHE})


ROBOTS = "User-agent: *\nDisallow: /staff\nDisallow: /auth/\nSitemap: {base}/sitemap.xml\n"


@router.get("/robots.txt", summary="Where crawlers may go, and the sitemap", response_class=Response)
async def robots(request: Request):
    return Response(ROBOTS.format(base=base_url(request)), media_type="text/plain",
                    headers={"Cache-Control": "public, max-age=3600"})
