"""A harvest lot's scans per day, for its cooperative, the province's staff and admins (issue 15).

`GET /collections/harvest_lots/items/{id}/scans` → `{"lot_id", "lot_code", "days": [{"day",
"scans"}], "total"}`: distinct clients a day (layers.write.scans counts them without keeping who).
403 for any other account, 401 without one, 404 for an unknown lot.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse

from api.auth import User, current_user
from layers.read.lot_scans import scan_counts

router = APIRouter(tags=["traceability"])


@router.get("/collections/harvest_lots/items/{lot_id}/scans", summary="Scans of a harvest lot's labels per day")
async def lot_scans(request: Request, lot_id: int = Path(ge=1, le=2**31 - 1), user: User = Depends(current_user)):
    async with request.app.state.engine.connect() as conn:
        counts = await scan_counts(conn, user, lot_id)
    return JSONResponse(counts, headers={"Cache-Control": "private, no-store"})
