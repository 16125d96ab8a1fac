"""/healthz: is the service up, and can it reach PostGIS? For monitors and `make run` users."""
from __future__ import annotations

import os
import time

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

router = APIRouter()


@router.get("/healthz", tags=["service"], summary="Service and database health")
async def healthz(request: Request) -> JSONResponse:
    started = time.perf_counter()
    try:
        async with request.app.state.engine.connect() as conn:
            postgis = (await conn.execute(text("SELECT postgis_lib_version()"))).scalar_one()
            revision = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar_one_or_none()
        db = {"ok": True, "postgis": postgis, "schema_revision": revision,
              "latency_ms": round((time.perf_counter() - started) * 1000, 1)}
        return JSONResponse({"status": "ok", "database": db, "worker": os.getpid()})
    except Exception as exc:  # any failure here means "unhealthy", reported, not raised
        return JSONResponse(
            {"status": "unavailable", "database": {"ok": False, "error": type(exc).__name__}},
            status_code=503, headers={"Retry-After": "10"},
        )
