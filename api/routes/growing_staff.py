"""Staff reads of growing areas (every status, private fields, scope-filtered) and history.

Reads run overdue expiry first (one cheap query when nothing is due), so a code past its date
shows as expired here, as it does on the public API (see layers.write.growing.expiry).
"""
from __future__ import annotations

from datetime import date
from enum import Enum

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse

from api.auth import User, current_user, optional_user
from geo.lifecycle import STATUSES, allowed_actions
from geo.said import Said, said_of
from layers.db import dates
from layers.read.registry import get as layer
from layers.write.growing import access, history, read
from layers.write.growing.errors import BadBody, NotFound
from layers.write.growing.session import expire

router = APIRouter(tags=["growing areas (staff)"])
GEOJSON = "application/geo+json"
AreaId = Path(..., ge=1, le=2**31 - 1, description="Growing-area id")
StatusName = Enum("StatusName", {s: s for s in STATUSES}, type=str)


def _public_statuses() -> tuple[str, ...]:
    return tuple(layer("growing_areas").public_filter["status"])


@router.get("/staff/api/growing-areas", summary="Growing areas in my scope, every status")
async def list_areas(request: Request, user: User = Depends(current_user), status: StatusName | None = Query(None, description="Only areas in this status"),
                     commune: str | None = Query(None, pattern=r"^\d{5}$", description="5-digit commune code"),
                     limit: int = Query(500, ge=1, le=5000)):
    async with request.app.state.engine.begin() as conn:
        await expire(conn)
        feats = await read.listing(conn, user, status.value if status else None, commune, limit,
                                   personal=access.sees_personal(user))
    for f in feats:
        f["properties"]["actions"] = allowed_actions(f["properties"]["status"], user.role)
    return JSONResponse({"type": "FeatureCollection", "features": feats, "numberReturned": len(feats)},
                        media_type=GEOJSON, headers={"Cache-Control": "no-store"})


@router.get("/staff/api/growing-areas/{area_id}", summary="One growing area (now, or as of a date)")
async def get_area(request: Request, area_id: int = AreaId, user: User = Depends(current_user),
                   as_of: date | None = Query(None, description="The area as it stood at the end of this day "
                                              f"({dates.RANGE_TEXT})")):
    if as_of is not None:
        try:
            dates.bounded(as_of, "as_of")
        except dates.DateOutOfRange as exc:
            raise BadBody(said_of(exc)) from None
    async with request.app.state.engine.begin() as conn:
        await expire(conn)
        row = await read.one(conn, area_id)
        access.check_scope(user, row)
        feat = read.feature(row, personal=access.sees_personal(user))
        if as_of is not None:
            state = await history.as_of(conn, area_id, as_of, feat["properties"], row.created_at,
                                        personal=access.sees_personal(user))
            return JSONResponse({"id": area_id, "as_of": as_of.isoformat(), "properties": state},
                                headers={"Cache-Control": "no-store"})
    feat["properties"]["actions"] = allowed_actions(row.status, user.role)
    return JSONResponse(feat, media_type=GEOJSON,
                        headers={"ETag": read.etag(row.id, row.row_version), "Cache-Control": "no-store"})


@router.get("/collections/growing_areas/items/{area_id}/history", summary="Recorded changes of a growing area")
async def area_history(request: Request, area_id: int = AreaId, user: User | None = Depends(optional_user)):
    """Public for published areas, without personal fields or who changed them; staff in scope see all."""
    async with request.app.state.engine.connect() as conn:
        try:
            row = await read.one(conn, area_id)
        except NotFound:
            raise NotFound(Said(f"no growing area {area_id} with a history to show", "errors.api.growing.no_history",
                                id=str(area_id))) from None
        full = (user is not None and access.sees_personal(user)
                and access.covers(user, row.commune_code, row.province_code))
        if not full and row.status not in _public_statuses():
            raise NotFound(Said(f"no growing area {area_id} with a history to show", "errors.api.growing.no_history",
                                id=str(area_id)))
        entries = await history.entries(conn, area_id, full)
    return JSONResponse({"id": area_id, "code": row.code, "status": row.status, "entries": entries},
                        headers={"Cache-Control": "no-store"})
