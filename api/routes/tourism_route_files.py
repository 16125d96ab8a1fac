"""A tourism route's track from a GPX, KML or KMZ file.

`PUT /collections/tourism_routes/items/{featureId}/track`, multipart/form-data: `file` (the route
file, at most geo.route_files.MAX_BYTES) and optionally `stops` (place ids, comma-separated, in
the route's order: each a published place), with If-Match (the route's ETag, or `*`). The file is
read in a bounded worker (layers.write.tourism_media.route_import): no DTD, at most
geo.route_files.MAX_POINTS points, a long track simplified with a note. The line is written by the
listings' own edit: only the route's editors may (403), and a promoter's new track for a
published route waits for moderation (`"pending": true`) while the published line stays up.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Header, Path, Request

from api.auth import User, actor_of, current_user
from api.http.limits import expensive
from api.http.negotiation import language
from api.i18n.refusal import say
from api.routes.lots import answer, require_if_match
from api.routes.product_photos import FORM_ROOM, _form
from geo import route_files
from geo.said import Said
from layers.write.growing.errors import BadBody, TooLarge
from layers.write.tourism import access
from layers.write.tourism_media import route_import
from layers.write.tourism.session import writing

router = APIRouter(tags=["tourism routes"])
ROUTES = "/collections/tourism_routes/items"
Id = Path(..., alias="featureId", ge=1, le=2**31 - 1)
TRACK_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": f"GPX, KML or KMZ, at most {route_files.MAX_BYTES:,} bytes and "
                                f"{route_files.MAX_POINTS:,} points"},
        "stops": {"type": "string", "description": "published place ids, comma-separated, in order"}}}}}}}


async def _body(request: Request) -> bytes:
    limit = route_files.MAX_BYTES + FORM_ROOM
    declared = request.headers.get("content-length")
    too_big = Said(f"the route file is over {route_files.MAX_BYTES:,} bytes", "tourism_share.route_file.upload_over",
                   max=route_files.MAX_BYTES)
    if declared and declared.isdigit() and int(declared) > limit:
        raise TooLarge(too_big)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(too_big)
        chunks.append(chunk)
    return b"".join(chunks)


@router.put(ROUTES + "/{featureId}/track", summary="Replace a route's track from a GPX/KML/KMZ file (If-Match)",
            openapi_extra=TRACK_BODY, responses={s: {"description": d} for s, d in (
                (400, "not a route file, a DTD or entities, bad XML, no track, bad stops"), (403, "not this route's editor"),
                (412, "If-Match is stale"), (413, "over the byte or point limits"),
                (422, "a stop is not a published place, or the line is outside the editor's areas"),
                (428, "If-Match is required"))})
async def put_route_track(request: Request, route_id: int = Id, user: User = Depends(current_user),
                    lang: str = Depends(language), if_match: str | None = Header(None, alias="If-Match"),
                    _slot: None = Depends(expensive)):
    if_match = require_if_match(if_match, f"{ROUTES}/{route_id}")
    engine, settings = request.app.state.engine, request.app.state.settings
    async with engine.connect() as conn:  # refused early, before reading the file
        access.check_version(if_match, await access.check_edit(conn, user, "tourism_routes", route_id, lock=False))
    form = _form(request.headers.get("content-type", ""), await _body(request))
    data = form.pop("file", b"")
    if not data:
        raise BadBody(Said("no file in the form field 'file' (or it is empty)", "lots.photo.no_file"))
    stops = route_import.parse_stops(form.get("stops", b"").decode("utf-8", "replace") if "stops" in form else None)
    track = await route_import.read(settings, data, "")
    async with writing(engine, actor_of(user)) as conn:
        done = await route_import.store(conn, user, route_id, track, stops, if_match)
    done["notes"] = [say(note, lang) for note in track.notes]
    return answer(done, access.etag("tourism_routes", route_id, done.pop("row_version")))
