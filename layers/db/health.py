"""The database half of /healthz: can we reach PostGIS, and which schema revision is it at?

Kept beside the engines so the web side asks one question and never writes the SQL; the caller
bounds the time (its own small pool and a deadline), so a failure here is raised, not hidden.
"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine


async def check(engine: AsyncEngine) -> dict:
    """{"postgis": version, "schema_revision": Alembic revision or None}; raises when the
    database cannot be reached or PostGIS is missing."""
    async with engine.connect() as conn:
        postgis = (await conn.execute(text("SELECT postgis_lib_version()"))).scalar_one()
        revision = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar_one_or_none()
    return {"postgis": postgis, "schema_revision": revision}
