"""The address campaign for staff (issue 16): which villages are behind, what is left to place.

- `GET /staff/api/addresses/coverage?commune=CODE`: per village and for the commune, households in
  the register, points, verified points and the share covered (layers.read.coverage), least
  covered first; staff see the register's figures whole.
- `GET /staff/addresses/campaign?commune=CODE`: the same as a phone-first page, each village with
  its plates PDF, and the register rows not placed yet (names of heads of household: a read of
  personal data, recorded in private.household_access).

Staff only (commune staff in their communes, province staff in their province, admins); 401
without credentials, 403 for a commune outside the user's areas. Without `commune` the user's
first commune (by name) is shown.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from api.auth import User, current_user
from api.http.negotiation import language
from api.i18n.refusal import Refusal
from layers.read import coverage
from layers.read.admin_units import communes_in_scope

router = APIRouter(tags=["addresses"])
STAFF = ("admin", "province_staff", "commune_staff")
NO_STORE = {"Cache-Control": "no-store"}


async def _commune(request: Request, user: User, commune: str | None) -> dict:
    if user.role not in STAFF:
        raise Refusal(403, "addresses_public.campaign.role", role=user.role)
    scope = await communes_in_scope(request.app.state.engine, user)
    if not scope:
        raise Refusal(403, "addresses_public.campaign.no_commune", name=user.name)
    if commune is None:
        return scope[0] | {"scope": scope}
    for c in scope:
        if c["code"] == commune:
            return c | {"scope": scope}
    raise Refusal(403, "addresses_public.campaign.outside", commune=commune, name=user.name)


@router.get("/staff/api/addresses/coverage", summary="Address coverage of a commune's villages (staff)")
async def coverage_json(request: Request, user: User = Depends(current_user),
                        commune: str | None = Query(None, description="5-digit commune code")):
    found = await _commune(request, user, commune)
    async with request.app.state.engine.connect() as conn:
        villages = await coverage.villages(conn, [found["code"]])
        total = await coverage.communes(conn, [found["code"]])
    return JSONResponse({"commune": total[0] if total else {"commune_code": found["code"]}, "villages": villages},
                        headers=NO_STORE)


@router.get("/staff/addresses/campaign", response_class=HTMLResponse, summary="The address campaign page (staff)")
async def campaign_page(request: Request, user: User = Depends(current_user), lang: str = Depends(language),
                        commune: str | None = Query(None, description="5-digit commune code")):
    found = await _commune(request, user, commune)
    async with request.app.state.engine.begin() as conn:  # the read of unplaced rows is recorded with it
        villages = await coverage.villages(conn, [found["code"]])
        total = await coverage.communes(conn, [found["code"]])
        unplaced = await coverage.unplaced(conn, found["code"], user.name)
    body = request.app.state.templates.env.get_template("address_campaign.html").render(
        lang=lang, commune=found, total=total[0] if total else None, villages=villages, unplaced=unplaced,
        name=found["name_vi"] if lang == "vi" else found["name_en"])
    return HTMLResponse(body, headers={**NO_STORE, "X-Frame-Options": "DENY"})
