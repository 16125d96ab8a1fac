"""The printable certificate of a growing-area code (issue 15):
`GET /collections/growing_areas/items/{id}/certificate.pdf?lang=vi|en`, public.

Thin: layers.printing.certificate reads the area's public facts and makes the ETag (a 304 before
anything is drawn); here they are put in the reader's words (catalogue, geo.vocabulary,
geo.formatting) and drawn by geo.certificate in a printing worker. An area with no code (a draft,
or no such id) is a 404 saying so.
"""
from __future__ import annotations

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import Response

from api.i18n import t
from api.i18n.refusal import Refusal
from api.routes.labels import Lang, language
from geo import formatting
from geo.certificate import Certificate
from geo.vocabulary import CERTIFICATIONS, CROP_NAMES, GROWING_STATUSES, words
from layers.printing import certificate, labels

router = APIRouter(tags=["traceability: printing"])
AreaId = Path(..., alias="featureId", ge=1, le=2**31 - 1, description="Growing-area id")
RESPONSES = {r: {"description": d} for r, d in (
    (200, "the certificate (application/pdf)"), (304, "unchanged since the ETag sent in If-None-Match"),
    (404, "no such area, or it holds no code (draft, submitted, inspected)"),
    (503, "the printing workers are busy, or the job overran"))}


def _crop(area: certificate.Area, lang: str) -> str:
    crop = words(CROP_NAMES, area.crop, lang) if area.crop in CROP_NAMES else area.crop
    if area.variety:
        return t("printing.certificate.crop_variety", lang, crop=crop, variety=area.variety)
    return crop


def _validity(area: certificate.Area, lang: str) -> str:
    if area.valid_from is None and area.valid_to is None:
        return ""
    start = formatting.day(area.valid_from, lang) or "…"
    if area.valid_to is None:
        return t("printing.certificate.valid_from", lang, start=start)
    return t("printing.certificate.valid_range", lang, start=start, end=formatting.day(area.valid_to, lang))


def compose(area: certificate.Area, lang: str, base: str) -> Certificate:
    """The certificate's words in `lang`: public facts only (no owner, no phone, no staff note)."""
    commune = (area.commune_vi if lang == "vi" else area.commune_en) or area.commune_code
    rows = [("name", area.name), ("area", formatting.area_ha(area.area_ha, lang)), ("crop", _crop(area, lang)),
            ("commune", commune)]
    if area.cooperative:
        rows.append(("cooperative", area.cooperative))
    if area.certification in CERTIFICATIONS and area.certification != "none":
        rows.append(("certification", words(CERTIFICATIONS, area.certification, lang)))
    rows.append(("validity", _validity(area, lang)))
    page = f"{base}/collections/growing_areas/items/{area.id}"
    today = formatting.day(area.today, lang)
    warning = "" if area.status == "granted" else t(f"printing.certificate.warning.{area.status}", lang)
    return Certificate(
        lang=lang, title=t("printing.certificate.title", lang), code=area.code, status=area.status,
        status_text=t("printing.certificate.status", lang, day=today) + ": " + words(GROWING_STATUSES, area.status, lang),
        warning=warning, rows=tuple((t(f"printing.certificate.{key}", lang), value) for key, value in rows),
        qr_url=page, qr_caption=t("printing.certificate.qr", lang), map_title=t("printing.certificate.map", lang),
        map_legend=t("printing.certificate.legend", lang, commune=commune),
        scale_word=t("printing.certificate.scale", lang),
        footer=t("printing.certificate.footer", lang, day=today, site=labels.short(base)),
        area_shape=area.area_shape, commune_shape=area.commune_shape)


@router.get("/collections/growing_areas/items/{featureId}/certificate.pdf", responses=RESPONSES,
            summary="The printable certificate of a growing-area code (PDF)", response_class=Response)
async def area_certificate(request: Request, area_id: int = AreaId,
                           lang: Lang | None = Query(None, description="Language of the certificate (default vi)"),
                           if_none_match: str | None = Header(None, alias="If-None-Match")):
    lang_code = language(request, lang)
    base = str(request.base_url).rstrip("/")
    async with request.app.state.engine.connect() as conn:
        area = await certificate.area(conn, area_id)
    tag = certificate.etag(area, lang_code, base)
    headers = {"ETag": tag, "Cache-Control": "no-cache", "Vary": "Accept-Language"}
    if if_none_match and tag in [v.strip() for v in if_none_match.split(",")]:
        return Response(status_code=304, headers=headers)
    try:
        pdf = await certificate.render(request.app.state.settings, compose(area, lang_code, base))
    except labels.PrintFailed as exc:
        said = exc.args[0]
        raise Refusal(503, said.key, headers={"Retry-After": "5"}, **said.values) from None
    headers["Content-Disposition"] = f'inline; filename="certificate-{area.id}.pdf"'
    return Response(pdf, media_type="application/pdf", headers=headers)
