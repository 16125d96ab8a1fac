"""The lot resolver (issue 15): what a scanned label's URL answers.

- `GET /01/{GTIN}/10/{lot}`: a GS1 Digital Link URI, read with geo.gs1.parse (a mistyped check
  digit or a lot character GS1 cannot carry is a 400 saying what is wrong; a GTIN-8/12/13 is
  answered with a 301 to its 14-digit canonical form; a trailing slash is tolerated).
- `GET /l/{lot_id}`: the short URL of a lot whose product has no GTIN (a lot with one is sent to
  its Digital Link with a 301).

Both answer by content negotiation: the trace page (HTML, the default: what a phone's browser
gets), the lot as JSON-LD (`Accept: application/ld+json` or `application/json`, or `?f=jsonld`),
the GS1 linkset (`?linkType=all` or `linkset`, or `Accept: application/linkset+json`), or a 307
to the link of the type asked (`?linkType=gs1:pip` …; none of that type: 404, as the
GS1-Conformant Resolver standard requires). Every answer carries a Link header to the linkset,
`Vary: Accept, Accept-Language`, an ETag of its bytes and `Cache-Control: no-cache`, so a revoked
area shows on the very next request (a cache revalidates, a 304 costs no body).

A GET of the page or the JSON-LD counts as a scan (layers.write.scans, after the response is
sent; a HEAD or a linkset does not).

`GET /.well-known/gs1resolver` describes this resolver as the GS1-Conformant Resolver standard
asks (its description-file schema): the root the Digital Links hang from (this host, no path
stem), the one primary key answered (01, GTIN, with its lot qualifier), the link-type namespace
(GS1's), that the linkset is never the default answer, and where the linkset's JSON-LD context is.
"""
from __future__ import annotations

import hashlib
import json

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.background import BackgroundTask

from api.http.negotiation import language
from api.i18n import t
from api.i18n.refusal import Refusal
from api.pages import error_page, trace_documents as documents, trace_page
from api.routes.map import base_url, message_language
from geo import gs1
from layers.read import product_photos, trace as traces

router = APIRouter(tags=["traceability"])

FORMATS = {"html": "html", "jsonld": "jsonld", "json": "jsonld"}
_ACCEPTED = (("text/html", "html"), ("application/ld+json", "jsonld"), ("application/json", "jsonld"),
             ("application/linkset+json", "linkset"))
MAX_ID = 2**31 - 1
HEADERS = {"Vary": "Accept, Accept-Language", "Cache-Control": "no-cache"}


def answer_kind(request: Request, f: str | None) -> str:
    """html, jsonld, linkset, or link (a redirect to one link type)."""
    link_type = request.query_params.get("linkType")
    if link_type in documents.LINKSET_KINDS:
        return "linkset"
    if link_type:
        return "link"
    if f is not None:
        if f not in FORMATS:
            raise Refusal(400, "trace.error.format", f=repr(f))
        return FORMATS[f]
    accept = request.headers.get("accept", "").lower()
    positions = [(accept.find(media), kind) for media, kind in _ACCEPTED if media in accept]
    return min(positions)[1] if positions else "html"


def request_uri(request: Request) -> str:
    """The URI as sent: the raw path keeps a lot's %2F apart from a path separator."""
    raw = (request.scope.get("raw_path") or request.url.path.encode()).decode("latin-1")
    query = request.scope.get("query_string", b"").decode("latin-1")
    return base_url(request) + raw + (f"?{query}" if query else "")


def _etagged(request: Request, body: bytes, media_type: str, headers: dict, background=None) -> Response:
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {**HEADERS, **headers, "ETag": etag}
    sent = request.headers.get("if-none-match", "")
    if sent and (sent.strip() == "*" or etag in (tag.strip().removeprefix("W/") for tag in sent.split(","))):
        return Response(status_code=304, headers=headers, background=background)
    return Response(body, media_type=media_type, headers=headers, background=background)


def _scan(request: Request, lot_id: int) -> BackgroundTask | None:
    """Count this GET as a scan once the answer is out (not for a HEAD, which HeadAsGet runs as a GET)."""
    if request.scope.get("ntm.head"):
        return None
    client = request.client.host if request.client else ""
    return BackgroundTask(request.app.state.scans.count, request.app.state.engine, lot_id, client,
                          request.headers.get("user-agent", ""))


def _missing(request: Request, lang: str, text: str, key: str, **values) -> Response:
    if error_page.wants_html(request.scope):
        body = request.app.state.templates.env.get_template(trace_page.MISSING_TEMPLATE).render(lang=lang, text=text)
        return Response(body, status_code=404, media_type="text/html", headers=HEADERS)
    raise Refusal(404, key, **values)


async def _answer(request: Request, lot: dict, uri: str, lang: str, f: str | None) -> Response:
    kind = answer_kind(request, f)
    linkset_url = documents.with_query(uri, linkType="linkset")
    headers = {"Link": f'<{linkset_url}>; rel="linkset"; type="{gs1.LINKSET_MEDIA_TYPE}"'}
    links = documents.links(uri, {"lot": lot}, lang)
    if kind == "link":
        asked = request.query_params["linkType"]
        said = "lang" in request.query_params or request.headers.get("accept-language")
        target = documents.chosen(links, asked, lang if said else None)
        if target is None:
            raise Refusal(404, "trace.error.link_type", lot=lot["lot_code"], value=asked)
        passed = {k: v for k, v in request.query_params.items() if k != "linkType"}
        return RedirectResponse(documents.with_query(target.href, **passed), 307, headers={**HEADERS, **headers})
    if kind == "linkset":
        body = json.dumps(gs1.linkset(uri, links), ensure_ascii=False).encode()
        headers["Link"] += f', <{gs1.LINKSET_CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"; type="{documents.JSONLD}"'
        return _etagged(request, body, gs1.LINKSET_MEDIA_TYPE, headers)
    async with request.app.state.engine.connect() as conn:
        data = await traces.trace(conn, lot)
    base = base_url(request)
    if kind == "jsonld":
        body = json.dumps(documents.jsonld(data, uri, base, lang), ensure_ascii=False).encode()
        return _etagged(request, body, documents.JSONLD, headers, _scan(request, lot["id"]))
    page_links = {"jsonld": documents.with_query(uri, f="jsonld"), "linkset": linkset_url}
    photo = product_photos.shown(request.app.state.settings, data["lot"]["photo_sha256"], data["lot"]["photo_alt"])
    context = trace_page.context(data, uri, lang, page_links, photo)
    body = request.app.state.templates.env.get_template(trace_page.TEMPLATE).render(**context).encode()
    return _etagged(request, body, "text/html; charset=utf-8", headers, _scan(request, lot["id"]))


@router.get("/.well-known/gs1resolver", summary="What this GS1 Digital Link resolver answers (its description file)")
async def resolver_description(request: Request, lang: str = Depends(language)):
    body = {"name": t("trace.resolver.name", message_language(request, lang)),
            "resolverRoot": base_url(request),
            "supportedPrimaryKeys": ["01"],  # GTIN (+ lot); a lot without one has a short URL, not a GS1 key
            "supportedLinkType": [{"namespace": gs1.GS1_VOC, "prefix": "gs1:"}],
            "linkTypeDefaultCanBeLinkset": False,  # a plain scan always gets the trace page
            "jsonLdContextLocation": gs1.LINKSET_CONTEXT}
    return Response(json.dumps(body, ensure_ascii=False).encode(), media_type="application/json",
                    headers={"Vary": "Accept-Language", "Cache-Control": "public, max-age=3600"})


@router.get("/01/{gtin}/10/{lot:path}", summary="A harvest lot by its GS1 Digital Link URI", response_class=Response)
async def digital_link(request: Request, gtin: str, lot: str, lang: str = Depends(language),
                       f: str | None = Query(None, description="html or jsonld (else by Accept)"),
                       link_type: str | None = Query(None, alias="linkType",
                                                     description="all or linkset: the links; gs1:pip …: go there")):
    try:
        link = gs1.parse(request_uri(request))
    except gs1.GS1Problem as exc:
        raise Refusal(400, exc.key, **exc.values) from None
    if gtin != link.gtin:  # GTIN-8/12/13: the canonical URI carries 14 digits
        query = request.scope.get("query_string", b"").decode("latin-1")
        return RedirectResponse(base_url(request) + link.path + (f"?{query}" if query else ""), 301)
    async with request.app.state.engine.connect() as conn:
        found = await traces.lot_by_gs1(conn, link.gtin, link.lot)
    if found is None:
        return _missing(request, lang, t("trace.missing.text_gs1", lang, lot=link.lot, gtin=link.gtin),
                        "trace.error.no_lot", lot=link.lot, gtin=link.gtin)
    uri = gs1.build(base_url(request), link.gtin, link.lot).uri
    return await _answer(request, found, uri, lang, f)


@router.get("/l/{lot_id}", summary="A harvest lot by its short URL (products without a GTIN)", response_class=Response)
async def short_link(request: Request, lot_id: int = Path(ge=1, le=MAX_ID), lang: str = Depends(language),
                     f: str | None = Query(None, description="html or jsonld (else by Accept)"),
                     link_type: str | None = Query(None, alias="linkType",
                                                   description="all or linkset: the links; gs1:pip …: go there")):
    async with request.app.state.engine.connect() as conn:
        found = await traces.lot_by_id(conn, lot_id)
    if found is None:
        return _missing(request, lang, t("trace.missing.text_id", lang, id=lot_id), "trace.error.no_lot_id", id=str(lot_id))
    if found["gtin"]:  # its Digital Link is the lot's one name
        query = request.scope.get("query_string", b"").decode("latin-1")
        uri = gs1.build(base_url(request), found["gtin"], found["lot_code"]).uri
        return RedirectResponse(uri + (f"?{query}" if query else ""), 301)
    return await _answer(request, found, f"{base_url(request)}/l/{lot_id}", lang, f)
