"""The staff pages (/staff): log in, my growing areas, draw or upload, submit, the province queue.

One HTML page; its script (api/static/staff/) talks to the JSON API like any client does
(/auth/*, /staff/api/growing-areas, /collections/growing_areas/items…), so the pages can do
nothing the API would refuse. The drawing library comes from npm and is served from here.
"""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse

from api.auth import SESSION_COOKIE, User, current_user, optional_user
from api.http.negotiation import language
from api.i18n.refusal import Refusal
from api.routes.auth import describe
from geo.crops import CROPS
from geo.lifecycle import ACTIONS, DELETABLE, EDITABLE, STATUSES, STEPS, may_create
from geo.vocabulary import CERTIFICATIONS, GROWING_ACTIONS, GROWING_STATUSES, ROLES
from layers.db import dates
from layers.read.admin_units import communes_in_scope
from layers.read.registry import get as layer
from layers.write.households.access import WRITERS as HOUSEHOLD_WRITERS

router = APIRouter(include_in_schema=False)
HERE = Path(__file__).resolve().parent.parent
DRAW_FILES = {"mapbox-gl-draw.js": "text/javascript", "mapbox-gl-draw.css": "text/css"}


def coded_words() -> dict[str, dict[str, str]]:
    """{lang: {"status.granted": words, "action.grant": …, "cert.organic": …}} from geo.vocabulary."""
    tables = {"status": GROWING_STATUSES, "action": GROWING_ACTIONS, "cert": CERTIFICATIONS}
    return {lang: {f"{prefix}.{code}": pair[i] for prefix, table in tables.items() for code, pair in table.items()}
            for i, lang in enumerate(("vi", "en"))}


def page_config(request: Request, lang: str) -> dict:
    return {
        "lang": lang,
        "styleUrl": f"/styles/map/style.json?lang={lang}",
        # A deployment's own basemap under the themes, as on /map (api/static/staff/imagery.js).
        "basemapStyleUrl": request.app.state.settings.basemap_style_url,
        "crops": [{"code": c.code, "vi": c.name_vi, "en": c.name_en, "varieties": list(c.varieties),
                   "min_area_ha": c.min_area_ha} for c in CROPS.values()],
        "certifications": list(CERTIFICATIONS),
        "statuses": list(STATUSES),
        "actions": list(ACTIONS),
        # Each step's start and end status: the history names a status change by its step.
        "steps": {a: {"sources": list(s.sources), "target": s.target} for a, s in STEPS.items()},
        # Which buttons to offer (the API enforces the same rules): who may edit in which status,
        # and which statuses may be deleted rather than revoked.
        "editable": {status: list(roles) for status, roles in EDITABLE.items()},
        "deletable": list(DELETABLE),
        "creators": [role for role in ROLES if may_create(role)],
        "address_staff": list(HOUSEHOLD_WRITERS),  # linked to /staff/addresses and its campaign page
        # Statuses whose history anyone may read (other roles read every area's history in scope).
        "publicStatuses": list(layer("growing_areas").public_filter["status"]),
        "roles": {role: {"vi": vi, "en": en} for role, (vi, en) in ROLES.items()},
        # The words of coded values (geo.vocabulary), beside the page's catalogue (staff.json).
        "words": coded_words(),
        "uploadMaxMb": getattr(request.app.state.settings, "growing_upload_max_mb", None),
    }


async def logged_in(request: Request) -> dict | None:
    """The session's user (as /auth/me says it), so the page opens at the right view at once."""
    if not request.cookies.get(SESSION_COOKIE):
        return None
    try:
        user = await optional_user(request)
    except HTTPException:  # an expired or ended session: the login form
        return None
    return describe(user, getattr(request.state, "csrf_token", None)) if user else None


@router.get("/staff")
async def staff_page(request: Request, lang: str = Depends(language)):
    config = {**page_config(request, lang), "me": await logged_in(request)}
    response = request.app.state.templates.TemplateResponse(
        request, "staff.html", {"lang": lang, "config": config, "date_min": dates.EARLIEST.isoformat()})
    response.headers["Cache-Control"] = "no-store"
    # The page frames nothing and may not be framed (clickjacking a grant button).
    response.headers["X-Frame-Options"] = "DENY"
    return response


@router.get("/staff/api/communes")
async def my_communes(request: Request, user: User = Depends(current_user)):
    """Current communes in the user's scope, with their extents (for the form and the map)."""
    communes = await communes_in_scope(request.app.state.engine, user)
    return JSONResponse({"communes": communes}, headers={"Cache-Control": "no-store"})


@router.get("/static/vendor/mapbox-gl-draw/{name}")
async def draw_library(request: Request, name: str):
    """@mapbox/mapbox-gl-draw's browser build from node_modules (npm ci), never a CDN."""
    if name not in DRAW_FILES:
        raise Refusal(404, "errors.api.draw_file", name=repr(name), files=", ".join(DRAW_FILES))
    vendor = getattr(request.app.state.settings, "vendor_dir", None) or HERE.parent / "node_modules"
    path = Path(vendor) / "@mapbox" / "mapbox-gl-draw" / "dist" / name
    if not path.is_file():
        raise Refusal(503, "errors.api.draw_missing")
    return FileResponse(path, media_type=DRAW_FILES[name], headers={"Cache-Control": "public, max-age=86400"})
