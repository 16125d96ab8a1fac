"""Zonal statistics over HTTP (issue 13): what every public raster says about one commune or
growing area (`/collections/{layer}/items/{id}/rasters`, for popups and item pages), and what
one raster says about every commune or growing area (`/collections/{raster}/statistics`, JSON or
CSV, paged). The figures are computed ahead (layers.jobs.rasters.zonal_refresh); these routes
read them (layers.read.raster_stats) and put them in words (api.pages.zonal_text).

Both answer with a strong ETag, like items and tiles, so a popup or a spreadsheet refresh
revalidates with a 304 instead of reading the figures again: the tag hashes the request (path,
query, language) and `layers.read.rasters.stats_stamp`, which changes when a raster is
replaced, a boundary edit deletes figures, a refresh writes them, or a feature's name or
status changes.
"""
from __future__ import annotations

import csv
import hashlib
import io

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from api.http.negotiation import language
from api.http.unknown_params import strict_query
from api.i18n import t
from api.i18n.refusal import Refusal
from api.pages import zonal_text
from geo.csv_cells import safe_text
from geo.said import Said
from layers.read.raster_stats import LAYERS, feature_stats, raster_statistics
from layers.read.rasters import stats_stamp
from tiles.etag import if_none_match, quoted

router = APIRouter(tags=["rasters"])
MAX_LIMIT = 10_000  # rows of one statistics page: every commune of a province, or a page of areas


NOT_MODIFIED = {304: {"description": "Not modified: the ETag in If-None-Match is current"}}
CACHE = "public, no-cache"  # as items: keep, but ask each time (a boundary edit shows at once)


async def _tag(request: Request, lang: str, layer: str, name: str | None = None) -> str:
    raw = f"{request.url.path}?{request.url.query}|{lang}|{await stats_stamp(request.app.state.engine, layer, name)}"
    return quoted(hashlib.blake2b(raw.encode(), digest_size=12).hexdigest())


def _headers(tag: str) -> dict:
    """The words follow Accept-Language when there is no lang=, so caches must key on it too."""
    return {"ETag": tag, "Cache-Control": CACHE, "Vary": "Accept-Language"}


def _not_modified(request: Request, tag: str) -> Response | None:
    if if_none_match(request.headers.get("if-none-match"), tag.strip('"')):
        return Response(status_code=304, headers={**_headers(tag)})
    return None


def _layer(layer: str, lang: str) -> str:
    if layer not in LAYERS:
        raise HTTPException(404, t("raster_stats.unknown_layer", lang, layer=layer))
    return layer


@router.get("/collections/{collectionId}/items/{featureId}/rasters",
            summary="What the raster layers say about one commune or growing area", responses=NOT_MODIFIED,
            dependencies=[Depends(strict_query())])
async def feature_rasters(request: Request, layer_id: str = Path(..., alias="collectionId"),
                          feature_id: int = Path(..., alias="featureId", ge=0, le=2 ** 63 - 1),
                          lang: str = Depends(language)):
    layer = _layer(layer_id, lang)
    tag = await _tag(request, lang, layer)
    if (unchanged := _not_modified(request, tag)) is not None:
        return unchanged
    found = await feature_stats(request.app.state.engine, layer, feature_id)
    if found is None:
        raise HTTPException(404, t("raster_stats.no_feature", lang, layer=layer, id=feature_id))
    rasters = [{"name": r["name"], "title": zonal_text.title_of(r, lang), "kind": r["kind"], "units": r["units"],
                "version": r["version"], "computed_at": r["computed_at"].isoformat(),
                "text": zonal_text.summary(r, lang), "statistics": zonal_text.labelled(r, lang)}
               for r in found["rasters"]]
    body = {"collection": layer, "id": feature_id, "heading": t("raster_stats.heading", lang), "rasters": rasters,
            "pending": found["pending"],
            "pending_text": t("raster_stats.pending", lang, names=", ".join(found["pending"])) if found["pending"] else None,
            "none_text": None if rasters or found["pending"] else t("raster_stats.none", lang)}
    return JSONResponse(body, headers=_headers(tag))


@router.get("/collections/{collectionId}/statistics",
            summary="One raster's zonal statistics per commune or growing area (JSON or CSV)", responses=NOT_MODIFIED,
            dependencies=[Depends(strict_query())])
async def raster_table(request: Request, name: str = Path(..., alias="collectionId"),
                       layer: str = Query("communes", description="communes or growing_areas"),
                       f: str = Query("json", description="json or csv"),
                       limit: int = Query(1000, ge=1, le=MAX_LIMIT), offset: int = Query(0, ge=0, le=10_000_000),
                       lang: str = Depends(language)):
    if f not in ("json", "csv"):
        raise Refusal(400, "raster_stats.error.format", f=f)
    if layer not in LAYERS:
        raise Refusal(400, "raster_stats.error.layer", layer=layer,
                      layers=Said(" or ".join(LAYERS), "raster_stats.error.layers", listed=", ".join(LAYERS)))
    tag = await _tag(request, lang, layer, name)
    if (unchanged := _not_modified(request, tag)) is not None:
        return unchanged
    found = await raster_statistics(request.app.state.engine, name, layer, limit, offset)
    if found is None:
        raise HTTPException(404, t("raster_stats.no_raster", lang, name=name))
    raster = found["raster"]
    rows = [{"id": r["id"], "code": r["code"], "name": (r["name_en"] if lang == "en" else None) or r["name"],
             "statistics": zonal_text.labelled({**raster, "stats": r["stats"]}, lang),
             "text": zonal_text.summary({**raster, "stats": r["stats"]}, lang)} for r in found["rows"]]
    if f == "csv":
        return Response(_csv(raster, rows, lang), media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="{name}-{layer}.csv"', **_headers(tag)})
    links = []
    if offset + len(rows) < found["total"]:  # the next page, same parameters
        query = request.query_params.multi_items()
        nxt = [(k, v) for k, v in query if k != "offset"] + [("offset", str(offset + len(rows)))]
        links.append({"rel": "next", "type": "application/json", "href": str(request.url.replace_query_params(**dict(nxt)))})
    return JSONResponse({"raster": raster["name"], "title": zonal_text.title_of(raster, lang), "kind": raster["kind"],
                         "units": raster["units"], "version": raster["version"], "layer": layer,
                         "numberMatched": found["total"], "numberReturned": len(rows), "offset": offset,
                         "rows": rows, "links": links}, headers={**_headers(tag)})


def _csv(raster: dict, rows: list[dict], lang: str) -> str:
    """One row per feature; categorical: a share and a hectares column per legend class."""
    out = io.StringIO()
    w = csv.writer(out)
    head = [t("raster_stats.csv.feature", lang), t("raster_stats.csv.name", lang), t("raster_stats.csv.area_ha", lang)]
    if raster["kind"] == "categorical":
        values = [c["value"] for c in (raster.get("legend") or {}).get("classes", [])]
        seen = {c["value"] for r in rows for c in r["statistics"].get("classes", [])}
        values += sorted(seen - set(values))
        labels = [zonal_text.class_label(raster.get("legend"), v, lang) for v in values]
        head += [x for label in labels for x in (t("raster_stats.csv.share", lang, label=label),
                                                  t("raster_stats.csv.ha", lang, label=label))]
    else:
        head += [t(f"raster_stats.csv.{k}", lang) for k in ("mean", "min", "max")]
    w.writerow([safe_text(h) for h in head])
    for r in rows:
        s = r["statistics"]
        line = [safe_text(r["code"] or str(r["id"])), safe_text(r["name"] or ""), s.get("area_ha")]
        if raster["kind"] == "categorical":
            by = {c["value"]: c for c in s.get("classes", [])}
            for v in values:
                c = by.get(v)
                line += [round(c["share"] * 100, 3) if c else 0, c["ha"] if c else 0]
        else:
            line += [s.get("mean"), s.get("min"), s.get("max")]
        w.writerow(line)
    return out.getvalue()
