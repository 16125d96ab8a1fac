"""Growing-area writes (OGC API - Features Part 4) and lifecycle actions, for staff.

Thin: read the body and headers, call layers.write.growing inside one write transaction acting as the
user, answer with the staff view of the area and its ETag. Errors are `layers.write.growing.errors`,
answered by the handler in `api.errors` with the usual JSON shape (422s add rule/where/errors).
"""
from __future__ import annotations

import json
from datetime import date
from enum import Enum

from fastapi import APIRouter, Depends, Header, Path, Request, Response
from fastapi.responses import JSONResponse

from api.auth import User, actor_of, current_user
from api.pages import zonal_text
from api.routes.growing_messages import scope_language
from geo import ogc_crs
from geo.lifecycle import ACTIONS, allowed_actions
from geo.said import Said, said_of
from layers.db import dates
from layers.write.growing import actions, edits, read
from layers.write.growing.errors import BadBody, PreconditionRequired, TooLarge
from layers.write.growing.session import vn_today, writing

router = APIRouter(tags=["growing areas (staff)"])
ITEMS = "/collections/growing_areas/items"
GEOJSON = "application/geo+json"
MAX_JSON_BYTES = 8 * 1024 * 1024
AreaId = Path(..., alias="featureId", ge=1, le=2**31 - 1, description="Growing-area id")
Action = Enum("Action", {a: a for a in ACTIONS}, type=str)
FEATURE_BODY = {"requestBody": {"required": True, "content": {
    GEOJSON: {"schema": {"type": "object", "description": "A GeoJSON Feature: Polygon or MultiPolygon geometry; "
                         "writable properties only (code, status, valid_from, valid_to and id are refused)"}},
    "application/json": {"schema": {"type": "object"}}}}}
WRITE_RESPONSES = {r: {"description": d} for r, d in (
    (400, "malformed body, or a field nobody may set (code, status, validity, id)"),
    (401, "no or bad credentials"), (403, "role or area not allowed"), (404, "no such area"),
    (409, "not allowed from this status"), (412, "If-Match is stale"), (428, "If-Match is required"),
    (422, "a validation rule failed: body has rule, where and errors"))}


async def read_json(request: Request, optional: bool = False):
    """The body as JSON, refusing more than MAX_JSON_BYTES without reading further; an empty
    body is None when `optional`."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_JSON_BYTES:
        raise TooLarge(Said(f"the body is {int(declared):,} bytes; at most {MAX_JSON_BYTES:,} (upload files instead)",
                            "errors.api.growing.body_size", n=int(declared), max=MAX_JSON_BYTES))
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_JSON_BYTES:
            raise TooLarge(Said(f"the body is over {MAX_JSON_BYTES:,} bytes (upload files instead)",
                                "errors.api.growing.body_over", max=MAX_JSON_BYTES))
        chunks.append(chunk)
    raw = b"".join(chunks)
    if optional and not raw.strip():
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadBody(Said(f"the body is not JSON ({exc})", "errors.api.growing.body_json", reason=str(exc))) from None
    except RecursionError:
        raise BadBody(Said("the body is JSON nested too deeply", "errors.api.growing.body_deep")) from None


def content_crs(value: str | None) -> ogc_crs.OgcCRS | None:
    if value is None:
        return None
    try:
        return ogc_crs.parse(value.strip().strip("<>"))
    except ogc_crs.UnsupportedCRS as exc:
        raise BadBody(Said(f"Content-Crs: {exc}", "errors.api.growing.content_crs", crs=repr(value.strip().strip("<>")),
                           codes=", ".join(map(str, ogc_crs.SUPPORTED_EPSG)))) from None


def require_if_match(value: str | None) -> str:
    if not value:
        raise PreconditionRequired(Said("send If-Match with the ETag you read (GET /staff/api/growing-areas/{id}), "
                                        "so a change made meanwhile is not overwritten", "errors.api.growing.if_match"))
    return value


async def staff_feature(conn, user: User, area_id: int, repaired: str | None = None) -> tuple[dict, str]:
    row = await read.one(conn, area_id)
    feat = read.feature(row)
    feat["properties"]["actions"] = allowed_actions(row.status, user.role)
    if repaired:
        feat["repaired"] = True
        feat["repair_note"] = repaired
    return feat, read.etag(row.id, row.row_version)


async def _suitability(request: Request, feat: dict) -> None:
    """`warnings`: land the crop's suitability raster calls unsuitable (issue 13); saved anyway."""
    feat["warnings"] = await zonal_text.area_warnings(request.app.state.engine, request.app.state.settings, feat,
                                                      scope_language(request.scope) or "en")


def answer(feat: dict, tag: str, status: int = 200, location: str | None = None) -> JSONResponse:
    headers = {"ETag": tag, "Cache-Control": "no-store"}
    if location:
        headers["Location"] = location
    return JSONResponse(feat, status_code=status, headers=headers, media_type=GEOJSON)


@router.post(ITEMS, summary="Register a growing area (a draft)", status_code=201,
             responses=WRITE_RESPONSES, openapi_extra=FEATURE_BODY)
async def create_area(request: Request, user: User = Depends(current_user),
                      crs: str | None = Header(None, alias="Content-Crs")):
    body = await read_json(request)
    settings = request.app.state.settings
    async with writing(request.app.state.engine, actor_of(user), settings) as conn:
        new_id, repaired = await edits.create(conn, user, body, settings, content_crs(crs))
        feat, tag = await staff_feature(conn, user, new_id, repaired)
    await _suitability(request, feat)
    return answer(feat, tag, 201, f"{str(request.base_url).rstrip('/')}{ITEMS}/{new_id}")


async def _update(request: Request, user: User, area_id: int, if_match: str | None, crs: str | None, partial: bool):
    if_match = require_if_match(if_match)
    body = await read_json(request)
    settings = request.app.state.settings
    async with writing(request.app.state.engine, actor_of(user), settings) as conn:
        repaired = await edits.update(conn, user, area_id, body, if_match, settings, content_crs(crs), partial)
        feat, tag = await staff_feature(conn, user, area_id, repaired)
    await _suitability(request, feat)
    return answer(feat, tag)


@router.put(ITEMS + "/{featureId}", summary="Replace a growing area's fields and boundary",
            responses=WRITE_RESPONSES, openapi_extra=FEATURE_BODY)
async def replace_area(request: Request, area_id: int = AreaId, user: User = Depends(current_user),
                       if_match: str | None = Header(None, alias="If-Match"),
                       crs: str | None = Header(None, alias="Content-Crs")):
    return await _update(request, user, area_id, if_match, crs, partial=False)


@router.patch(ITEMS + "/{featureId}", summary="Change some fields and/or the boundary",
              responses=WRITE_RESPONSES, openapi_extra=FEATURE_BODY)
async def patch_area(request: Request, area_id: int = AreaId, user: User = Depends(current_user),
                     if_match: str | None = Header(None, alias="If-Match"),
                     crs: str | None = Header(None, alias="Content-Crs")):
    return await _update(request, user, area_id, if_match, crs, partial=True)


@router.delete(ITEMS + "/{featureId}", summary="Delete a draft or submitted area (granted ones are revoked)",
               status_code=204, responses=WRITE_RESPONSES)
async def delete_area(request: Request, area_id: int = AreaId, user: User = Depends(current_user),
                      if_match: str | None = Header(None, alias="If-Match")):
    if_match = require_if_match(if_match)
    async with writing(request.app.state.engine, actor_of(user), request.app.state.settings) as conn:
        await edits.delete(conn, user, area_id, if_match)
    return Response(status_code=204)


def _action_body(raw) -> tuple[str | None, date | None]:
    if raw is None:
        return None, None
    if not isinstance(raw, dict) or set(raw) - {"note", "valid_to"}:
        raise BadBody(Said('the body is optional JSON {"note": "...", "valid_to": "YYYY-MM-DD"}',
                           "errors.api.growing.action_body"))
    note, valid_to = raw.get("note"), raw.get("valid_to")
    if note is not None and (not isinstance(note, str) or len(note) > 2000 or "\x00" in note):
        raise BadBody(Said("note must be a string of at most 2,000 characters", "errors.api.growing.note"))
    if valid_to is not None:
        try:
            valid_to = date.fromisoformat(valid_to)
        except (TypeError, ValueError):
            raise BadBody(Said("valid_to must be a date YYYY-MM-DD", "errors.api.growing.valid_to")) from None
        try:
            dates.bounded(valid_to, "valid_to")
        except dates.DateOutOfRange as exc:
            raise BadBody(said_of(exc)) from None
    return note, valid_to


@router.post(ITEMS + "/{featureId}/actions/{action}", summary="Take a lifecycle step",
             responses=WRITE_RESPONSES, openapi_extra={"requestBody": {"required": False, "content": {
                 "application/json": {"schema": {"type": "object", "properties": {
                     "note": {"type": "string"}, "valid_to": {"type": "string", "format": "date"}}}}}}})
async def take_action(request: Request, action: Action, area_id: int = AreaId, user: User = Depends(current_user),
                      if_match: str | None = Header(None, alias="If-Match")):
    if_match = require_if_match(if_match)
    note, valid_to = _action_body(await read_json(request, optional=True))
    settings = request.app.state.settings
    async with writing(request.app.state.engine, actor_of(user), settings) as conn:
        today = await vn_today(conn)
        await actions.act(conn, user, area_id, action.value, if_match, settings, today, note, valid_to)
        feat, tag = await staff_feature(conn, user, area_id)
    return answer(feat, tag)
