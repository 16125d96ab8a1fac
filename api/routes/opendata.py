"""Open data over HTTP: the catalog page, DCAT (JSON-LD, Turtle, RDF/XML), releases and downloads.

The catalog's IRI in its own RDF (`/opendata/catalog`) resolves: it answers with the catalog in
the representation the client's Accept header prefers (q-values honoured; `?f=` overrides), so a
harvester or a linked-data client that follows the subject gets the document describing it.

Files are served straight from the immutable release directories (streamed, with Range
support for PMTiles). A link into a release removed by retention is answered with a redirect
(308 to the same bytes in a kept release, else 303; layers.jobs.opendata.retention says why),
never a bare 404; its index and release.json still say what it held. A release file's ETag is its SHA-256 from the manifest, so a download
can be checked against the catalog's spdx:checksum. Only files a manifest lists are served:
any other path, `..` included, is a 404. Listings, manifests and catalogs are read through
api.pages.opendata_cache, which reads the disk again only when a release comes or goes.
"""
from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from api.http.negotiation import language, output_format
from api.i18n import t
from api.i18n.refusal import Refusal
from api.pages import opendata_view
from api.pages.opendata_cache import Releases
from layers.jobs.opendata import store
from layers.jobs.opendata.catalog import catalog_iri
from layers.jobs.opendata.datasets import all_datasets
from layers.jobs.opendata.retention import SAME_BYTES, Moved

router = APIRouter(prefix="/opendata", tags=["open data"])
IMMUTABLE = "public, max-age=31536000, immutable"
LATEST = "public, max-age=300"
MOVED_FOR_GOOD = "public, max-age=86400"  # a 308: the bytes live on where it points
def _base(request: Request) -> str:
    configured = request.app.state.settings.opendata_base_url
    return (configured or str(request.base_url)).rstrip("/")


def _releases(request: Request) -> Releases:
    return request.app.state.releases


def _latest(request: Request) -> tuple[str, dict]:
    version = _releases(request).latest()
    if version is None:
        raise Refusal(404, "errors.api.no_release_yet")
    return version, _releases(request).manifest(version)


def _citation(request: Request, man: dict, lang: str) -> str:
    s = request.app.state.settings
    who = s.opendata_publisher if lang == "vi" else s.opendata_publisher_en
    return (f"{who} ({man['created'][:4]}). {t('opendata.title', lang)}, {t('opendata.version', lang).lower()} "
            f"{man['version']}. {_base(request)}/opendata/releases/{man['version']}/. "
            f"{opendata_view.licence_title(s.opendata_license, s.opendata_license_title, lang)}.")


def _dataset_links(base: str, version: str, ds: dict) -> list[dict]:
    return [{**d, "href": f"{base}/opendata/releases/{version}/{d['path']}",
             "latest": f"{base}/opendata/datasets/{ds['id']}.{d['format']}"} for d in ds["distributions"]]


def _page_body(request: Request, lang: str, q: str | None = None, tag: str | None = None) -> dict:
    """`q` (words, accents optional) and `tag` (a topic) narrow the datasets listed."""
    settings = request.app.state.settings
    version = _releases(request).latest()
    man = _releases(request).manifest(version) if version else None
    base = _base(request)
    return {
        "title": t("opendata.title", lang), "version": version, "created": man["created"] if man else None,
        "license": settings.opendata_license,
        "license_title": opendata_view.licence_title(settings.opendata_license, settings.opendata_license_title, lang),
        "catalog": {"iri": catalog_iri(base), "jsonld": f"{base}/opendata/catalog.jsonld",
                    "turtle": f"{base}/opendata/catalog.ttl", "rdfxml": f"{base}/opendata/catalog.rdf"},
        "releases": f"{base}/opendata/releases/", "page": f"{base}/opendata",
        "citation": _citation(request, man, lang) if man else None,
        "attribution": opendata_view.attribution(man["attribution"], lang) if man else None,
        "tags": opendata_view.all_tags(man["datasets"].values() if man else [], lang),
        "datasets": [{"id": ds["id"], "title": ds[f"title_{lang}"], "description": ds[f"description_{lang}"],
                      "count": ds["count"], "href": f"{base}/opendata/datasets/{ds['id']}",
                      "tags": opendata_view.tags_of(ds, lang), "distributions": _dataset_links(base, version, ds)}
                     for ds in (man["datasets"].values() if man else []) if opendata_view.matches(ds, q, tag)],
    }


def _page(request: Request, lang: str, body: dict, root: str, q: str | None = None, tag: str | None = None):
    """`root`: the relative path from the page's URL to /opendata/ (its links are relative)."""
    return request.app.state.templates.TemplateResponse(
        request, "opendata.html", {"lang": lang, "page": body, "root": root, "q": q or "", "tag": tag})


@router.get("", summary="Open-data catalog page")
async def opendata_page(request: Request, fmt: str = Depends(output_format), lang: str = Depends(language),
                        q: str | None = Query(None, max_length=200, description="Words to find in the datasets"),
                        tag: str | None = Query(None, max_length=100, description="A topic (theme) or keyword")):
    body = _page_body(request, lang, q, tag)
    return _page(request, lang, body, "opendata/", q, tag) if fmt == "html" else body


# The catalog's representations: kind → (media type, file suffix).
CATALOG_KINDS = {"jsonld": ("application/ld+json", "jsonld"), "turtle": ("text/turtle; charset=utf-8", "ttl"),
                 "xml": ("application/rdf+xml", "rdf")}
# Media types a client may ask for, in the order that breaks ties (so */* gets JSON-LD).
CATALOG_ACCEPT = (("application/ld+json", "jsonld"), ("text/turtle", "turtle"), ("text/html", "html"),
                  ("application/rdf+xml", "xml"), ("application/json", "jsonld"),
                  ("application/xhtml+xml", "html"))
CATALOG_F = {"jsonld": "jsonld", "json": "jsonld", "ttl": "turtle", "rdf": "xml", "html": "html"}


def _accept_ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if not media:
            continue
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        ranges.append((media.lower(), q))
    return ranges


def catalog_kind(accept: str | None) -> str | None:
    """The representation an Accept header prefers (q-values; the most specific range decides
    each type's q), None if it accepts none of them. No header means anything."""
    ranges = _accept_ranges(accept or "*/*") or [("*/*", 1.0)]
    best, best_q = None, 0.0
    for media, kind in CATALOG_ACCEPT:
        major = media.split("/")[0]
        for pattern in (media, f"{major}/*", "*/*"):
            qs = [q for r, q in ranges if r == pattern]
            if qs:
                q = max(qs)
                break
        else:
            q = 0.0
        if q > best_q:
            best, best_q = kind, q
    return best


def _catalog(request: Request, kind: str) -> Response:
    version, _ = _latest(request)
    media, _ = CATALOG_KINDS[kind]
    return Response(_releases(request).catalog(version, kind, _base(request)), media_type=media)


RDF_CONTENT = {"application/ld+json": {"schema": {"type": "object"}}, "text/turtle": {"schema": {"type": "string"}},
               "application/rdf+xml": {"schema": {"type": "string"}}}


def _rdf(media: str) -> dict:
    return {200: {"description": "The DCAT-AP catalog of the latest release",
                  "content": {media: RDF_CONTENT[media]}}}


@router.get("/catalog", summary="The DCAT-AP catalog at its own IRI (JSON-LD, Turtle, RDF/XML or HTML by Accept)",
            response_class=Response, responses={
                200: {"description": "The catalog in the representation asked for",
                      "content": {**RDF_CONTENT, "text/html": {"schema": {"type": "string"}}}},
                406: {"description": "The Accept header names none of the catalog's representations"}})
async def catalog_resource(request: Request, lang: str = Depends(language), f: str | None = Query(
        None, description="jsonld, ttl, rdf or html (instead of the Accept header)",
        json_schema_extra={"enum": list(CATALOG_F)})):
    if f is not None and f not in CATALOG_F:
        raise Refusal(400, "errors.api.format", f=repr(f), formats=", ".join(CATALOG_F))
    kind = CATALOG_F[f] if f else catalog_kind(request.headers.get("accept"))
    if kind is None:
        offered = ", ".join(dict.fromkeys(m for m, _ in CATALOG_ACCEPT))
        raise Refusal(406, "errors.api.catalog_accept", offered=offered)
    if kind == "html":
        response = _page(request, lang, _page_body(request, lang), "")
    else:
        response = _catalog(request, kind)
        response.headers["Content-Location"] = f"{_base(request)}/opendata/catalog.{CATALOG_KINDS[kind][1]}"
    response.headers["Vary"] = "Accept, Accept-Language"
    return response


@router.get("/catalog.jsonld", summary="DCAT-AP catalog (JSON-LD)", response_class=Response, responses=_rdf("application/ld+json"))
async def catalog_jsonld(request: Request):
    return _catalog(request, "jsonld")


@router.get("/catalog.ttl", summary="DCAT-AP catalog (Turtle)", response_class=Response, responses=_rdf("text/turtle"))
async def catalog_turtle(request: Request):
    return _catalog(request, "turtle")


@router.get("/catalog.rdf", summary="DCAT-AP catalog (RDF/XML)", response_class=Response, responses=_rdf("application/rdf+xml"))
async def catalog_rdfxml(request: Request):
    return _catalog(request, "xml")


@router.get("/releases/", summary="Releases, newest first")
async def releases(request: Request, fmt: str = Depends(output_format), lang: str = Depends(language)):
    base = _base(request)
    rows = []
    for v in _releases(request).versions():
        man = _releases(request).manifest(v)
        rows.append({"version": v, "created": man["created"], "previous": man["previous"],
                     "href": f"{base}/opendata/releases/{v}/",
                     "changelog": f"{base}/opendata/releases/{v}/CHANGELOG.md",
                     "datapackage": f"{base}/opendata/releases/{v}/datapackage.json",
                     "changes": {k: ds["changes"] for k, ds in man["datasets"].items()}})
    removed = []
    for v in _releases(request).removed_versions():
        man = _releases(request).removed_manifest(v)
        removed.append({"version": v, "created": man["created"], "removed": man["removed"],
                        "href": f"{base}/opendata/releases/{v}/"})
    body = {"latest": rows[0]["version"] if rows else None, "releases": rows, "removed": removed}
    if fmt == "html":
        return request.app.state.templates.TemplateResponse(
            request, "opendata_releases.html", {"lang": lang, "page": body})
    return body


def _version_or_404(request: Request, version: str) -> str:
    found = _releases(request).resolve(version)
    if found is None:
        known = ", ".join(["latest", *_releases(request).versions()])
        raise Refusal(404, "errors.api.release_unknown", version=repr(version), known=known)
    return found


def _file(request: Request, version: str, name: str, cache: str) -> Response:
    path = _releases(request).file_path(version, name)
    if path is None:
        raise Refusal(404, "errors.api.release_file", version=version, name=repr(name))
    dist = next((d for ds in _releases(request).manifest(version)["datasets"].values()
                 for d in ds["distributions"] if d["path"] == name), None)
    headers = {"Cache-Control": cache}
    if dist is None:  # release.json, datapackage.json, CHANGELOG.md, changelog/*.json
        media = "application/json" if name.endswith(".json") else "text/markdown; charset=utf-8"
        return FileResponse(path, media_type=media, headers=headers)
    tag = headers["ETag"] = f'"{dist["sha256"]}"'
    if request.headers.get("if-none-match") in (tag, f"W/{tag}", "*"):
        return Response(status_code=304, headers=headers)
    return FileResponse(path, media_type=dist["media_type"], headers=headers, filename=name,
                        content_disposition_type="attachment")


def _location(request: Request, where: Moved) -> str:
    base = f"{_base(request)}/opendata/releases/"
    if where.version is None:
        return base
    return f"{base}{where.version}/{where.path or ''}"


def _moved(request: Request, version: str, name: str) -> Response:
    """A file of a removed release: its kept manifest, or a redirect to where the file went."""
    if name == store.MANIFEST:
        return JSONResponse(_releases(request).removed_manifest(version), headers={"Cache-Control": IMMUTABLE})
    where = _releases(request).moved(version, name)
    if where is None:
        raise Refusal(404, "errors.api.removed_release_file", version=version, name=repr(name))
    location = _location(request, where)
    same = where.status == SAME_BYTES
    body = {"removed_release": version, "location": location,
            "description": (f"release {version} was removed; the same file is at {location}" if same else
                            f"release {version} was removed; this file is no longer published, see {location}"),
            "description_vi": (f"bản phát hành {version} đã được gỡ; tệp y hệt nằm tại {location}" if same else
                               f"bản phát hành {version} đã được gỡ; tệp này không còn được công bố, xem {location}")}
    return JSONResponse(body, status_code=where.status,
                        headers={"Location": location, "Cache-Control": MOVED_FOR_GOOD if same else LATEST})


def _removed_index(request: Request, version: str) -> dict:
    man = _releases(request).removed_manifest(version)
    base = f"{_base(request)}/opendata/releases/{version}"
    names = sorted(store.release_files(man))
    moved = {n: _location(request, _releases(request).moved(version, n)) for n in names if n != store.MANIFEST}
    return {"version": version, "created": man["created"], "previous": man["previous"], "removed": man["removed"],
            "manifest": f"{base}/{store.MANIFEST}", "files": [f"{base}/{n}" for n in names], "moved": moved}


@router.get("/releases/{version}/", summary="Files of one release (a removed one: where they went)")
async def release_index(request: Request, version: str):
    if _releases(request).resolve(version) is None and _releases(request).removed_manifest(version):
        return _removed_index(request, version)
    v = _version_or_404(request, version)
    man = _releases(request).manifest(v)
    base = f"{_base(request)}/opendata/releases/{v}"
    return {"version": v, "created": man["created"], "previous": man["previous"],
            "files": [f"{base}/{n}" for n in sorted(store.release_files(man))]}


@router.get("/releases/{version}/{name:path}", summary="One file of a release (of a removed one: a redirect)",
            responses={303: {"description": "The release was removed and these bytes with it: the same dataset "
                                            "and format in the latest release, or the release listing"},
                       308: {"description": "The release was removed; the same bytes are in a kept release"}})
async def release_file(request: Request, version: str, name: str):
    if _releases(request).resolve(version) is None and _releases(request).removed_manifest(version):
        return _moved(request, version, name)
    v = _version_or_404(request, version)
    return _file(request, v, name, IMMUTABLE if version != "latest" else LATEST)


@router.get("/datasets/{name}", summary="A dataset's page, or a download from the latest release")
async def dataset(request: Request, name: str, fmt: str = Depends(output_format), lang: str = Depends(language)):
    ds_id, _, ext = name.partition(".")
    known = [d.id for d in all_datasets()]
    version = _releases(request).latest()
    man = _releases(request).manifest(version) if version else {"datasets": {}}
    entry = man["datasets"].get(ds_id)
    if entry is None:
        raise Refusal(404, "errors.api.dataset_unknown" if version else "errors.api.dataset_unknown_no_release",
                      dataset=repr(ds_id), known=", ".join(known))
    if ext:
        formats = {d["format"]: d["path"] for d in entry["distributions"]}
        suffixes = {d["path"].removeprefix(f"{ds_id}."): d["path"] for d in entry["distributions"]}
        if ext not in formats and ext in suffixes:  # the file's own suffix works too: .shp.zip
            return _file(request, version, suffixes[ext], LATEST)
        if ext not in formats:
            raise Refusal(404, "errors.api.dataset_format", dataset=repr(ds_id), ext=repr(ext), formats=", ".join(formats))
        return _file(request, version, formats[ext], LATEST)
    base = _base(request)
    body = {**entry, "version": version, "distributions": _dataset_links(base, version, entry),
            "changelog_href": f"{base}/opendata/releases/{version}/{entry['changelog']}",
            "changes_page": f"{base}/opendata/datasets/{ds_id}/changes",
            "citation": _citation(request, man, lang)}
    if fmt == "html":
        shown = await opendata_view.preview(request.app.state.collections, entry, lang)
        return request.app.state.templates.TemplateResponse(request, "opendata_dataset.html", {
            "lang": lang, "ds": body, "preview": shown, "tags": opendata_view.tags_of(entry, lang),
            "license": request.app.state.settings.opendata_license,
            "license_title": opendata_view.licence_title(request.app.state.settings.opendata_license,
                                                         request.app.state.settings.opendata_license_title, lang),
            "property_title": opendata_view.item_view.property_title})
    return body


@router.get("/datasets/{ds_id}/changes", summary="What changed in a dataset in the latest release (a page, or its changelog JSON)")
async def dataset_changes(request: Request, ds_id: str, fmt: str = Depends(output_format),
                          lang: str = Depends(language)):
    version, man = _latest(request)
    entry = man["datasets"].get(ds_id)
    if entry is None:
        raise Refusal(404, "errors.api.dataset_unknown", dataset=repr(ds_id), known=", ".join(man["datasets"]))
    path = _releases(request).file_path(version, entry["changelog"])
    log = json.loads(path.read_text("utf-8")) if path else {}
    if fmt != "html":
        return log
    named = await opendata_view.named_changes(request.app.state.collections, entry, log, lang)
    return request.app.state.templates.TemplateResponse(request, "opendata_changelog.html", {
        "lang": lang, "ds": entry, "log": log, "named": named, "version": version,
        "json_href": f"{_base(request)}/opendata/releases/{version}/{entry['changelog']}"})
