"""/healthz: is the service up, and can it reach PostGIS? For monitors and `make run` users.

The check uses a pool of its own (layers.db.engines.health_engine) and gives the database at most
CHECK_S: a monitor gets its answer within a second even while slow clients or a burst of
requests hold every connection of the main pool.
"""
from __future__ import annotations

import asyncio
import os
import time

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from layers.db import health

router = APIRouter()
CHECK_S = 0.8


@router.get("/healthz", tags=["service"], summary="Service and database health")
async def healthz(request: Request) -> JSONResponse:
    started = time.perf_counter()
    try:
        async with asyncio.timeout(CHECK_S):
            found = await health.check(request.app.state.health_engine)
        db = {"ok": True, **found,
              "latency_ms": round((time.perf_counter() - started) * 1000, 1)}
        return JSONResponse({"status": "ok", "database": db, "worker": os.getpid()})
    except Exception as exc:  # any failure here means "unhealthy", reported, not raised
        return JSONResponse(
            {"status": "unavailable", "database": {"ok": False, "error": type(exc).__name__}},
            status_code=503, headers={"Retry-After": "10"},
        )
