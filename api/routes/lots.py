"""Harvest lots over HTTP for cooperative accounts (OGC API - Features Part 4 style), issue 15.

Writes on `/collections/harvest_lots/items` (POST register, PATCH correct, POST …/recall), each
with If-Match but the first, one transaction acting as the user (layers.write.lots). Reads that
show private parts (the confidential quantity, who) are staff reads under `/staff/api/`, as the
growing areas' are: the `GET /collections/…/items` paths belong to the public features API.
A lot's history is public, with who and the private quantity for its cooperative and for staff
in scope. Errors are the growing-area types, answered by api.errors in the request's language.
"""
from __future__ import annotations

from enum import Enum

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import JSONResponse

from api.auth import User, actor_of, current_user, optional_user
from api.routes.growing_areas import read_json
from geo.said import Said
from geo.vocabulary import LOT_STATUSES
from layers.write.cooperatives.fields import properties_of
from layers.write.growing.errors import BadBody, PreconditionRequired
from layers.write.lots import access, correct, history, listing, read, recall, register
from layers.write.lots.session import writing

router = APIRouter(tags=["harvest lots (cooperatives)"])
ITEMS = "/collections/harvest_lots/items"
STAFF = "/staff/api/harvest-lots"
LotId = Path(..., alias="featureId", ge=1, le=2**31 - 1, description="Harvest-lot id")
CooperativeId = Path(..., ge=1, le=2**31 - 1, description="Cooperative id")
LotStatus = Enum("LotStatus", {s: s for s in LOT_STATUSES}, type=str)
LOT_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "description": "product_id, lot_code, quantity, unit, harvest_date, growing_area_ids "
    "(required to register); certification, certification_valid_from/_to, confidential_quantity. "
    "A correction sends only what changes (not product_id or lot_code)."}}}}}
RESPONSES = {r: {"description": d} for r, d in (
    (400, "malformed body, a field nobody may set or an unknown one (named), a GTIN or lot code refused"),
    (401, "no or bad credentials"), (403, "not a cooperative account, or another cooperative's lot"),
    (404, "no such lot"), (409, "the lot was recalled, or the lot code is taken"), (412, "If-Match is stale"),
    (428, "If-Match is required"), (422, "a rule failed: body has rule, where (the area) and errors"))}


def require_if_match(value: str | None, path: str) -> str:
    if not value:
        raise PreconditionRequired(Said(f"send If-Match with the ETag you read (GET {path}), so a change made "
                                        "meanwhile is not overwritten", "lots.error.if_match", path=path))
    return value


def answer(body: dict, tag: str | None = None, status: int = 200, location: str | None = None) -> JSONResponse:
    headers = {"Cache-Control": "no-store"}
    if tag:
        headers["ETag"] = tag
    if location:
        headers["Location"] = location
    return JSONResponse(body, status_code=status, headers=headers)


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.post(ITEMS, summary="Register a harvest lot (cooperative accounts)", status_code=201, responses=RESPONSES,
             openapi_extra=LOT_BODY)
async def register_lot(request: Request, user: User = Depends(current_user)):
    body = properties_of(await read_json(request))
    async with writing(request.app.state.engine, actor_of(user)) as conn:
        lot_id = await register.create(conn, user, body)
        view, tag = await listing.lot(conn, lot_id)
    return answer(view, tag, 201, f"{_base(request)}{STAFF}/{lot_id}")


@router.patch(ITEMS + "/{featureId}", summary="Correct a harvest lot (If-Match)", responses=RESPONSES,
              openapi_extra=LOT_BODY)
async def correct_lot(request: Request, lot_id: int = LotId, user: User = Depends(current_user),
                      if_match: str | None = Header(None, alias="If-Match")):
    if_match = require_if_match(if_match, f"{STAFF}/{lot_id}")
    body = properties_of(await read_json(request))
    async with writing(request.app.state.engine, actor_of(user)) as conn:
        await correct.correct(conn, user, lot_id, body, if_match)
        view, tag = await listing.lot(conn, lot_id)
    return answer(view, tag)


def _reason(raw) -> str | None:
    if not isinstance(raw, dict) or set(raw) - {"reason", "recall_reason"} or len(raw) != 1:
        raise BadBody(Said('the body is {"reason": "why the lot is recalled"}', "lots.field.recall_body"))
    return next(iter(raw.values()))


@router.post(ITEMS + "/{featureId}/recall", summary="Recall a harvest lot for good (If-Match)", responses=RESPONSES,
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                 "type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}}}}}})
async def recall_lot(request: Request, lot_id: int = LotId, user: User = Depends(current_user),
                     if_match: str | None = Header(None, alias="If-Match")):
    if_match = require_if_match(if_match, f"{STAFF}/{lot_id}")
    reason = _reason(await read_json(request))
    async with writing(request.app.state.engine, actor_of(user)) as conn:
        await recall.recall(conn, user, lot_id, reason, if_match)
        view, tag = await listing.lot(conn, lot_id)
    return answer(view, tag)


@router.get(ITEMS + "/{featureId}/history", summary="Recorded changes of a harvest lot")
async def lot_history(request: Request, lot_id: int = LotId, user: User | None = Depends(optional_user)):
    """Public without who and private quantities; whole for the lot's cooperative and staff in scope."""
    async with request.app.state.engine.connect() as conn:
        lot = await read.one(conn, lot_id)
        full = False
        if user is not None:
            full = (user.role == "cooperative" and user.cooperative_id == lot.cooperative_id) or \
                await access.covers_cooperative(conn, user, lot.cooperative_id)
        entries = await history.entries(conn, lot_id, full)
    return answer({"id": lot_id, "lot_code": lot.lot_code, "status": lot.status, "entries": entries})


def _what_lot(lot_id: int) -> Said:
    return Said(f"harvest lot {lot_id}", "lots.what.lot", id=str(lot_id))


@router.get(STAFF + "/{featureId}", summary="One harvest lot, private quantity and who included")
async def get_lot(request: Request, lot_id: int = LotId, user: User = Depends(current_user)):
    async with request.app.state.engine.connect() as conn:
        lot = await read.one(conn, lot_id)
        await access.check_read(conn, user, lot.cooperative_id, _what_lot(lot_id))
        view, tag = await listing.lot(conn, lot_id)
    return answer(view, tag)


@router.get(STAFF, summary="Harvest lots of my cooperative (staff: of ?cooperative=ID), newest first, paged")
async def list_lots(request: Request, user: User = Depends(current_user),
                    cooperative: int | None = Query(None, ge=1, le=2**31 - 1,
                                                    description="Staff: the cooperative (its own, for a cooperative)"),
                    status: LotStatus | None = Query(None, description="Only lots in this status"),
                    limit: int = Query(100, ge=1, le=listing.MAX_PAGE),
                    before: int | None = Query(None, ge=1, le=2**31 - 1, description="The `next` of the previous page")):
    coop = cooperative if cooperative is not None else user.cooperative_id
    if coop is None:
        raise BadBody(Said("say which cooperative: ?cooperative=ID", "lots.error.which_cooperative"))
    async with request.app.state.engine.connect() as conn:
        await access.check_read(conn, user, coop, _what_cooperative(coop))
        lots, after = await listing.page(conn, coop, limit, before, status.value if status else None)
    body = {"cooperative_id": coop, "lots": lots, "numberReturned": len(lots), "next": None}
    if after is not None:
        query = f"cooperative={coop}&limit={limit}&before={after}" + (f"&status={status.value}" if status else "")
        body["next"] = f"{_base(request)}{STAFF}?{query}"
    return answer(body)


def _what_cooperative(coop: int) -> Said:
    return Said(f"cooperative {coop}", "lots.what.cooperative", id=str(coop))


@router.get("/staff/api/cooperatives/{cooperative_id}/growing-areas",
            summary="The growing areas of a cooperative, with those a lot harvested today may cite")
async def cooperative_areas(request: Request, cooperative_id: int = CooperativeId, user: User = Depends(current_user)):
    async with request.app.state.engine.connect() as conn:
        await access.check_read(conn, user, cooperative_id, _what_cooperative(cooperative_id))
        areas = await listing.areas(conn, cooperative_id)
    return answer({"cooperative_id": cooperative_id, "growing_areas": areas})

