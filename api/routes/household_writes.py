"""Household points written by commune staff in field campaigns (issue 16), under /staff/api/.

Thin: read the body and headers, call layers.write.households inside one transaction acting as
the user, answer with the point's staff view and its ETag. Every change but a creation needs
If-Match (428 without it, 412 when stale). Each write may carry `Idempotency-Key` (a UUID): the
phone's offline queue sends it, so an edit replayed after a lost answer is applied once and gets
the first answer again. Personal fields come only with `?private=true` and each such read is
recorded, as are edits (private.household_access). Errors are the growing-area types, answered
by api.errors in the request's language.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import JSONResponse

from api.auth import User, actor_of, current_user
from api.routes.growing_areas import read_json
from geo.said import Said
from layers.write.growing.errors import BadBody, Forbidden
from layers.write.households import access, edits, history, read, replay
from layers.write.households.session import writing

router = APIRouter(tags=["household addresses (staff)"])
BASE = "/staff/api/households"
HouseholdId = Path(..., alias="householdId", ge=1, le=2**62, description="Household id")
RESPONSES = {r: {"description": d} for r, d in (
    (400, "malformed body or a field that cannot be sent"), (401, "no or bad credentials"),
    (403, "role, or a point or household outside the user's communes (beyond the border tolerance)"),
    (404, "no such household"), (409, "the household is retired, or a merge of two communes"),
    (412, "If-Match is stale: someone changed the point meanwhile"), (428, "If-Match is required"),
    (422, "a GPS fix outside Vietnam or with an absurd accuracy, or a point in no commune"))}
BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "description": 'point {"lon", "lat", "accuracy_m", "source": "gps"|"map"}, village_id, '
    "verified (true/false), private {head_name, phone, national_id, members, poverty_status, monthly_income_vnd}"}}}}}


def answer(body: dict, tag: str | None = None, status: int = 200, replayed: bool = False) -> JSONResponse:
    headers = {"Cache-Control": "no-store"}
    if tag:
        headers["ETag"] = tag
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(body, status_code=status, headers=headers)


def _stored(stored: tuple[int, dict]) -> JSONResponse:
    status, result = stored
    return answer(result.get("body", {}), result.get("etag"), status, replayed=True)


def _tolerance(request: Request) -> float:
    return request.app.state.settings.growing_commune_tolerance_m


async def _write(request: Request, user: User, action: str, key: str | None, work, status: int = 200):
    """Run `work(conn) -> household id` once per Idempotency-Key; answer with that household."""
    request_key = replay.key_of(key)
    async with writing(request.app.state.engine, actor_of(user)) as conn:
        stored = await replay.claim(conn, request_key, user, action)
        if stored is not None:
            return _stored(stored)
        household_id = await work(conn)
        row = await read.one(conn, household_id)
        body, tag = read.feature(row), read.etag(row.id, row.row_version)
        await replay.done(conn, request_key, status, {"body": body, "etag": tag}, household_id)
    return answer(body, tag, status)


@router.post(BASE, summary="Place a household point: its code and Plus Code are given here", status_code=201,
             responses=RESPONSES, openapi_extra=BODY)
async def create_household(request: Request, user: User = Depends(current_user),
                           key: str | None = Header(None, alias="Idempotency-Key")):
    raw = await read_json(request)
    return await _write(request, user, "create", key,
                        lambda conn: edits.create(conn, user, raw, _tolerance(request)), 201)


@router.patch(BASE + "/{householdId}", summary="Move, verify, set the village or the personal fields (If-Match)",
              responses=RESPONSES, openapi_extra=BODY)
async def edit_household(request: Request, household_id: int = HouseholdId, user: User = Depends(current_user),
                         if_match: str | None = Header(None, alias="If-Match"),
                         key: str | None = Header(None, alias="Idempotency-Key")):
    if_match = access.require_if_match(if_match)
    raw = await read_json(request)

    async def work(conn):
        await edits.edit(conn, user, household_id, raw, if_match, _tolerance(request))
        return household_id
    return await _write(request, user, "edit", key, work)


@router.post(BASE + "/{householdId}/retire", summary="Retire a code for good (If-Match), naming its successor or not",
             responses=RESPONSES)
async def retire_household(request: Request, household_id: int = HouseholdId, user: User = Depends(current_user),
                           if_match: str | None = Header(None, alias="If-Match"),
                           key: str | None = Header(None, alias="Idempotency-Key")):
    if_match = access.require_if_match(if_match)
    raw = await read_json(request, optional=True)

    async def work(conn):
        await edits.retire(conn, user, household_id, raw, if_match)
        return household_id
    return await _write(request, user, "retire", key, work)


@router.post(BASE + "/{householdId}/merge", summary='A duplicate: retire it into {"into": "<kept code>"} (If-Match)',
             responses=RESPONSES)
async def merge_household(request: Request, household_id: int = HouseholdId, user: User = Depends(current_user),
                          if_match: str | None = Header(None, alias="If-Match"),
                          key: str | None = Header(None, alias="Idempotency-Key")):
    """Answers with the retired duplicate (status retired, successor_code the kept one)."""
    if_match = access.require_if_match(if_match)
    raw = await read_json(request)

    async def work(conn):
        await edits.merge(conn, user, household_id, raw, if_match)
        return household_id
    return await _write(request, user, "merge", key, work)


@router.post(BASE + "/{householdId}/split", summary="Two households at one point: the second gets its own point "
             "and code (If-Match of the first)", status_code=201, responses=RESPONSES, openapi_extra=BODY)
async def split_household(request: Request, household_id: int = HouseholdId, user: User = Depends(current_user),
                          if_match: str | None = Header(None, alias="If-Match"),
                          key: str | None = Header(None, alias="Idempotency-Key")):
    if_match = access.require_if_match(if_match)
    raw = await read_json(request)
    return await _write(request, user, "split", key,
                        lambda conn: edits.split(conn, user, household_id, raw, if_match, _tolerance(request)), 201)


@router.get(BASE + "/{householdId}", summary="One household point; its personal fields with ?private=true (recorded)")
async def get_household(request: Request, household_id: int = HouseholdId, user: User = Depends(current_user),
                        private: bool = Query(False, description="Include the personal fields (staff; recorded)")):
    if private and not access.sees_personal(user):
        raise Forbidden(Said(f"a {user.role} may not read households' personal fields",
                             "addresses_field.error.personal_role", role=user.role))
    async with request.app.state.engine.begin() as conn:
        row = await read.one(conn, household_id)
        access.check_scope(user, row)
        body = read.feature(row)
        if private:
            body["private"] = await read.personal(conn, household_id)
            await access.record(conn, user, "read", [household_id], "form")
    return answer(body, read.etag(row.id, row.row_version))


@router.get(BASE + "/{householdId}/history", summary="Recorded changes of a household point")
async def household_history(request: Request, household_id: int = HouseholdId, user: User = Depends(current_user)):
    """Staff who may see personal fields get them and who changed what (the read is recorded)."""
    full = access.sees_personal(user)
    async with request.app.state.engine.begin() as conn:
        row = await read.one(conn, household_id)
        access.check_scope(user, row)
        entries = await history.entries(conn, household_id, full)
        if full:
            await access.record(conn, user, "read", [household_id], "history")
    return answer({"id": household_id, "address_code": row.address_code, "entries": entries})


def _bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if value is None:
        return None
    try:
        w, s, e, n = (float(v) for v in value.split(","))
    except ValueError:
        raise BadBody(Said("bbox is four numbers: west,south,east,north", "addresses_field.error.bbox")) from None
    return w, s, e, n


@router.get(BASE, summary="A commune's household points for the field map (no personal field)")
async def list_households(request: Request, user: User = Depends(current_user),
                          commune: str = Query(..., pattern=r"^[0-9]{5}$", description="Commune code"),
                          bbox: str | None = Query(None, description="west,south,east,north (degrees)"),
                          retired: bool = Query(False, description="Include retired codes"),
                          limit: int = Query(5000, ge=1, le=read.MAX_LIST)):
    box = _bbox(bbox)
    async with request.app.state.engine.connect() as conn:
        place = await read.commune(conn, commune)
        if not access.covers(user, place["code"], place["province_code"]):
            raise Forbidden(Said(f"commune {commune} is outside the areas of {user.name}",
                                 "addresses_field.error.commune_scope", commune=commune, name=user.name))
        features, more = await read.listing(conn, commune, box, retired, limit)
    return answer({"type": "FeatureCollection", "commune": place, "features": features,
                   "numberReturned": len(features), "truncated": more})


@router.get("/staff/api/address-communes", summary="The communes whose households the user may place")
async def address_communes(request: Request, user: User = Depends(current_user)):
    async with request.app.state.engine.connect() as conn:
        communes = await read.communes_of(conn, user)
    return answer({"communes": communes, "may_write": user.role in access.WRITERS})
