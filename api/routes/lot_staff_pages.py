"""The cooperative's staff page (/staff/lots, issue 15): its profile and OCOP products, harvest
lots registered from its granted growing areas, each lot corrected, recalled, printed as QR
labels and followed in its scans.

One HTML page like /staff (api/routes/staff_pages.py): the same session cookie and CSRF token,
and a script (api/static/lots/) that talks only to the JSON API a cooperative account already
has (api/routes/lots.py, cooperatives.py, product_photos.py, labels.py, lot_scans.py), so the
page can do nothing the API would refuse. The server only puts in the page what it cannot ask
for: the words of coded values, the label sheets, the limits, today's date in Vietnam.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request

from api.http.negotiation import language
from api.routes.labels import DEFAULT_SHEET
from api.routes.staff_pages import logged_in
from geo import labels as sheets, photos
from geo.crops import CROPS
from geo.vocabulary import CERTIFICATIONS, GROWING_STATUSES, LOT_ACTIONS, LOT_STATUSES, LOT_UNITS, ROLES
from layers.write.cooperatives.photos import MAX_ALT

router = APIRouter(include_in_schema=False)
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
LOT_CODE_MAX = 20  # GS1 AI 10 (geo.gs1)
RECALL_REASON_MAX = 1000  # the column's CHECK (migration 0011)


def coded_words() -> dict[str, dict[str, str]]:
    """{lang: {"unit.kg": words, "cert.organic": …, "lotStatus.active": …, "areaStatus.granted": …,
    "lotAction.recall": …, "crop.orange": …}} from geo.vocabulary and geo.crops."""
    tables = {"unit": LOT_UNITS, "cert": CERTIFICATIONS, "lotStatus": LOT_STATUSES, "lotAction": LOT_ACTIONS,
              "areaStatus": GROWING_STATUSES,
              "crop": {c.code: (c.name_vi, c.name_en) for c in CROPS.values()}}
    return {lang: {f"{prefix}.{code}": pair[i] for prefix, table in tables.items() for code, pair in table.items()}
            for i, lang in enumerate(("vi", "en"))}


def page_config(request: Request, lang: str) -> dict:
    return {
        "lang": lang,
        "styleUrl": f"/styles/map/style.json?lang={lang}",
        "today": datetime.now(VIETNAM).date().isoformat(),  # harvest dates end here (the database's rule)
        "units": list(LOT_UNITS),
        "certifications": list(CERTIFICATIONS),
        "lotStatuses": list(LOT_STATUSES),
        "roles": {role: {"vi": vi, "en": en} for role, (vi, en) in ROLES.items()},
        "words": coded_words(),
        # The sticker sheets the labels API prints on (geo.labels.SHEETS), described by their numbers.
        "sheets": [{"name": s.name, "columns": s.columns, "rows": s.rows, "perPage": s.per_page,
                    "width": s.label_w, "height": s.label_h} for s in sheets.SHEETS.values()],
        "defaultSheet": DEFAULT_SHEET,
        "maxLabels": sheets.MAX_LABELS,
        "photoMaxBytes": photos.MAX_BYTES,
        "photoTypes": ["image/jpeg", "image/png", "image/webp"],
        "altMax": MAX_ALT,
        "lotCodeMax": LOT_CODE_MAX,
        "recallReasonMax": RECALL_REASON_MAX,
    }


@router.get("/staff/lots")
async def lots_page(request: Request, lang: str = Depends(language)):
    config = {**page_config(request, lang), "me": await logged_in(request)}
    response = request.app.state.templates.TemplateResponse(
        request, "staff_lots.html", {"lang": lang, "config": config})
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"  # a recall button is not to be framed
    return response
