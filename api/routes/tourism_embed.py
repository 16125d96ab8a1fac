"""What the embeddable map (/embed, api.routes.map) shows when it is asked for one published route
(`?route=ID`: the line and its stops, framed) or one event (`?event=ID`: its point, framed): the
map's view (filters by feature id, read by api/static/map/main.js) and the title linking to the
listing's page. A listing that is not published is a 404, like its page."""
from __future__ import annotations

from fastapi import Request

from api.i18n.refusal import Refusal
from api.pages.tourism_jsonld import localized
from geo.said import Said
from layers.read import tourism_pages

AROUND_DEG = 0.01  # an event's point framed with about a kilometre around it


async def embed_focus(request: Request, route: int | None, event: int | None, lang: str) -> dict | None:
    if route is None and event is None:
        return None
    kind, listing_id = ("route", route) if route is not None else ("event", event)
    async with request.app.state.engine.connect() as conn:
        item = await (tourism_pages.route(conn, listing_id) if kind == "route" else tourism_pages.event(conn, listing_id))
    if item is None:
        what = Said(f"tourism {kind} {listing_id}", f"tourism_share.what.{kind}", id=str(listing_id))
        raise Refusal(404, "tourism_share.page.missing", what=what)
    if kind == "route":
        extent = (item["west"], item["south"], item["east"], item["north"])
        view = {"route": listing_id, "places": [s["id"] for s in item["stops"]], "extent": extent}
    else:
        extent = (item["lon"] - AROUND_DEG, item["lat"] - AROUND_DEG, item["lon"] + AROUND_DEG, item["lat"] + AROUND_DEG)
        view = {"event": listing_id, "places": [item["place_id"]] if item.get("place_id") else [], "extent": extent}
    name = localized(item, "name", lang) or str(listing_id)
    return {"view": view, "name": name, "href": f"/tourism/{kind}s/{listing_id}?lang={lang}"}
