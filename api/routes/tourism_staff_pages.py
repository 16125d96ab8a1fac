"""The tourism page under /staff (/staff/tourism, issue 14): a promoter's places, routes and events
(place a new one on the map, submit it; edit a place or route, manage its photos, give a route its
stops and import its GPX/KML track) and, for tourism staff, the moderation queue.

One HTML page like /staff and /staff/lots: the same session cookie and CSRF token, and a script
(api/static/tourism_staff/) that talks only to the JSON API of api/routes/tourism_writes.py,
tourism_photos.py and tourism_route_files.py, so the page can do nothing the API would refuse. The server puts in the page the words of coded
values (kinds, statuses, steps) and the account it was opened with.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from api.http.negotiation import language
from api.routes.staff_pages import logged_in
from geo.vocabulary import EVENT_KINDS, PLACE_KINDS, ROLES, TOURISM_ACTIONS, TOURISM_STATUSES

router = APIRouter(include_in_schema=False)


def coded_words() -> dict[str, dict[str, str]]:
    tables = {"kind": PLACE_KINDS, "eventKind": EVENT_KINDS, "status": TOURISM_STATUSES, "action": TOURISM_ACTIONS,
              "role": ROLES}
    return {lang: {f"{prefix}.{code}": pair[i] for prefix, table in tables.items() for code, pair in table.items()}
            for i, lang in enumerate(("vi", "en"))}


@router.get("/staff/tourism")
async def tourism_staff_page(request: Request, lang: str = Depends(language)):
    config = {"lang": lang, "styleUrl": f"/styles/map/style.json?lang={lang}", "kinds": list(PLACE_KINDS),
              "words": coded_words(), "me": await logged_in(request)}
    response = request.app.state.templates.TemplateResponse(
        request, "staff_tourism.html", {"lang": lang, "config": config, "kinds": PLACE_KINDS, "event_kinds": EVENT_KINDS})
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"  # a publish button is not to be framed
    return response
