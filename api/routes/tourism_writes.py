"""Tourism listing writes (OGC API - Features Part 4) and moderation, for promoters and tourism staff.

On `/collections/{tourism_places|tourism_routes|tourism_events}/items`: POST a draft, PATCH with
If-Match (a promoter's change to a published listing becomes a revision under moderation),
DELETE a draft, POST `…/{id}/actions/{submit|publish|reject|unpublish}`. Staff reads (every
status, the owner, the pending revision, the ETag to send back) are under
`/staff/api/tourism/{collection}`: the public items paths serve published listings only.
Thin, as api.routes.growing_areas: parse, call layers.write.tourism in one transaction acting as
the user, answer with the staff view and its ETag; errors are the growing-area types.
"""
from __future__ import annotations

from enum import Enum

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from api.auth import User, actor_of, current_user
from api.routes.growing_areas import content_crs, read_json
from geo.said import Said
from geo.vocabulary import TOURISM_STATUSES
from layers.write.growing.errors import BadBody, PreconditionRequired
from layers.write.tourism import access, actions, edits, history, lifecycle, read
from layers.write.tourism.session import writing

router = APIRouter(tags=["tourism listings (promoters, tourism staff)"])
GEOJSON = "application/geo+json"
STAFF = "/staff/api/tourism"
Collection = Enum("Collection", {t: t for t in access.TABLES}, type=str)
Action = Enum("TourismAction", {a: a for a in lifecycle.ACTIONS}, type=str)
ListingId = Path(..., alias="featureId", ge=1, le=2**31 - 1, description="Listing id")
FEATURE_BODY = {"requestBody": {"required": True, "content": {
    GEOJSON: {"schema": {"type": "object", "description": "A GeoJSON Feature: a Point (place, event) or a "
                         "(Multi)LineString (route); writable properties only (status, id, owner_id refused)"}},
    "application/json": {"schema": {"type": "object"}}}}}
RESPONSES = {r: {"description": d} for r, d in (
    (400, "malformed body, or a field nobody may set (status, id, …) or an unknown one, named"),
    (401, "no or bad credentials"), (403, "role, owner or area not allowed"), (404, "no such listing"),
    (409, "not allowed from this status"), (412, "If-Match is stale"), (428, "If-Match is required"),
    (422, "a rule failed: body has rule, where and errors"))}


def require_if_match(value: str | None, table: str, listing_id: int) -> str:
    if not value:
        raise PreconditionRequired(Said(f"send If-Match with the ETag you read (GET {STAFF}/{table}/{listing_id}), "
                                        "so a change made meanwhile is not overwritten",
                                        "tourism_write.error.if_match", path=f"{STAFF}/{table}/{listing_id}"))
    return value


async def staff_view(conn, user: User, table: str, listing_id: int) -> tuple[dict, str]:
    feat, tag = await read.one(conn, table, listing_id)
    item = await access.listing(conn, table, listing_id)
    moderator = access.is_moderator(user) and access.may_edit(user, item)
    owner = access.is_owner(user, item) and access.may_edit(user, item)
    feat["properties"]["actions"] = lifecycle.actions_for(item.status, item.has_pending, owner, moderator)
    feat["properties"]["editable"] = access.may_edit(user, item)
    return feat, tag


def answer(feat: dict, tag: str, status: int = 200, location: str | None = None) -> JSONResponse:
    headers = {"ETag": tag, "Cache-Control": "no-store"}
    if location:
        headers["Location"] = location
    return JSONResponse(feat, status_code=status, headers=headers, media_type=GEOJSON)


def _note(raw) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) - {"note"}:
        raise BadBody(Said('the body is optional JSON {"note": "..."}', "tourism_write.field.action_body"))
    note = raw.get("note")
    if note is not None and (not isinstance(note, str) or len(note) > 2000 or "\x00" in note):
        raise BadBody(Said("note must be a string of at most 2,000 characters", "tourism_write.field.note"))
    return note.strip() or None if note else None


def _routes(table: str) -> None:
    items = f"/collections/{table}/items"

    async def create(request: Request, user: User = Depends(current_user),
                     crs: str | None = Header(None, alias="Content-Crs")):
        body = await read_json(request)
        async with writing(request.app.state.engine, actor_of(user)) as conn:
            new_id = await edits.create(conn, user, table, body, content_crs(crs))
            feat, tag = await staff_view(conn, user, table, new_id)
        return answer(feat, tag, 201, f"{str(request.base_url).rstrip('/')}{items}/{new_id}")

    async def patch(request: Request, listing_id: int = ListingId, user: User = Depends(current_user),
                    if_match: str | None = Header(None, alias="If-Match"),
                    crs: str | None = Header(None, alias="Content-Crs")):
        if_match = require_if_match(if_match, table, listing_id)
        body = await read_json(request)
        async with writing(request.app.state.engine, actor_of(user)) as conn:
            await edits.update(conn, user, table, listing_id, body, if_match, content_crs(crs))
            feat, tag = await staff_view(conn, user, table, listing_id)
        return answer(feat, tag)

    async def delete(request: Request, listing_id: int = ListingId, user: User = Depends(current_user),
                     if_match: str | None = Header(None, alias="If-Match")):
        if_match = require_if_match(if_match, table, listing_id)
        async with writing(request.app.state.engine, actor_of(user)) as conn:
            await edits.delete(conn, user, table, listing_id, if_match)
        return Response(status_code=204)

    async def act(request: Request, action: Action, listing_id: int = ListingId, user: User = Depends(current_user),
                  if_match: str | None = Header(None, alias="If-Match")):
        if_match = require_if_match(if_match, table, listing_id)
        note = _note(await read_json(request, optional=True))
        async with writing(request.app.state.engine, actor_of(user)) as conn:
            await actions.act(conn, user, table, listing_id, action.value, if_match, note)
            feat, tag = await staff_view(conn, user, table, listing_id)
        return answer(feat, tag)

    one = items + "/{featureId}"
    router.add_api_route(items, create, methods=["POST"], status_code=201, name=f"create_feature_{table}",
                         summary=f"Create a draft ({table})", responses=RESPONSES, openapi_extra=FEATURE_BODY)
    router.add_api_route(one, patch, methods=["PATCH"], name=f"update_feature_{table}",
                         summary="Change some fields and/or the geometry (If-Match)", responses=RESPONSES,
                         openapi_extra=FEATURE_BODY)
    router.add_api_route(one, delete, methods=["DELETE"], status_code=204, name=f"delete_feature_{table}",
                         summary="Delete a draft (If-Match)", responses=RESPONSES)
    router.add_api_route(one + "/actions/{action}", act, methods=["POST"], name=f"take_action_{table}",
                         summary="Take a lifecycle step: submit, publish, reject, unpublish (If-Match)",
                         responses=RESPONSES)


for _table in access.TABLES:
    _routes(_table)

StatusName = Enum("TourismStatus", {s: s for s in TOURISM_STATUSES}, type=str)


@router.get(STAFF + "/{collection}", summary="My listings, or those in my areas (tourism staff), by status")
async def list_listings(request: Request, collection: Collection, user: User = Depends(current_user),
                        mine: bool = Query(False, description="Only listings I own"),
                        queue: bool = Query(False, description="The moderation queue: submitted, or published "
                                            "with a revision waiting"),
                        status: StatusName | None = Query(None), limit: int = Query(200, ge=1, le=2000)):
    access.check_role(user)
    table = collection.value
    own = mine or not access.is_moderator(user)
    statuses = ("submitted",) if queue else ((status.value,) if status else None)
    async with request.app.state.engine.connect() as conn:
        feats = await read.listing(conn, user, table, own, statuses, pending_only=queue, limit=limit)
    for f in feats:
        p = f["properties"]
        owner = p.get("owner") == user.name
        p["actions"] = lifecycle.actions_for(p["status"], p["pending"] is not None, owner,
                                             access.is_moderator(user))
    return JSONResponse({"type": "FeatureCollection", "features": feats, "numberReturned": len(feats)},
                        media_type=GEOJSON, headers={"Cache-Control": "no-store"})


@router.get(STAFF + "/{collection}/{featureId}", summary="One listing, every field, its ETag")
async def get_listing(request: Request, collection: Collection, listing_id: int = ListingId,
                      user: User = Depends(current_user)):
    async with request.app.state.engine.connect() as conn:
        await access.check_edit(conn, user, collection.value, listing_id, lock=False)
        feat, tag = await staff_view(conn, user, collection.value, listing_id)
    return answer(feat, tag)


@router.get(STAFF + "/{collection}/{featureId}/history", summary="Recorded changes of a listing (who, when, what)")
async def listing_history(request: Request, collection: Collection, listing_id: int = ListingId,
                          user: User = Depends(current_user)):
    async with request.app.state.engine.connect() as conn:
        item = await access.check_edit(conn, user, collection.value, listing_id, lock=False)
        entries = await history.entries(conn, collection.value, listing_id)
    return JSONResponse({"id": listing_id, "collection": collection.value, "status": item.status, "entries": entries},
                        headers={"Cache-Control": "no-store"})
