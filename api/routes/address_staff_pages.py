"""The field page for address campaigns, /staff/addresses (issue 16): a phone in the village.

One HTML page; its scripts (api/static/addresses/) use the JSON API like any client
(/auth/*, /staff/api/households…), keep edits made without a connection on the phone
(localStorage) and send them when it returns, each with its Idempotency-Key so a replay is
applied once. Words come from the catalogue (addresses_field.json; the imagery switch's from
staff.json) and coded values from geo.vocabulary.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from api.http.negotiation import language
from api.routes.staff_pages import logged_in
from geo.vocabulary import HOUSEHOLD_ACTIONS, HOUSEHOLD_STATUSES, POVERTY_STATUSES, ROLES
from layers.write.households.fields import MAX_ACCURACY_M

router = APIRouter(include_in_schema=False)


def _words(lang: str) -> dict[str, str]:
    i = 0 if lang == "vi" else 1
    tables = {"status": HOUSEHOLD_STATUSES, "action": HOUSEHOLD_ACTIONS, "poverty": POVERTY_STATUSES, "role": ROLES}
    return {f"{prefix}.{code}": pair[i] for prefix, table in tables.items() for code, pair in table.items()}


@router.get("/staff/addresses")
async def addresses_page(request: Request, lang: str = Depends(language)):
    config = {
        "lang": lang,
        "styleUrl": f"/styles/map/style.json?lang={lang}",
        "basemapStyleUrl": request.app.state.settings.basemap_style_url,
        "maxAccuracyM": MAX_ACCURACY_M,
        "words": _words(lang),
        "me": await logged_in(request),
    }
    response = request.app.state.templates.TemplateResponse(
        request, "staff_addresses.html", {"lang": lang, "config": config})
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    return response
