"""Which database to talk to, and engines for it.

`DATABASE_URL` wins; otherwise the embedded cluster's URL. Two drivers: psycopg for the CLI,
migrations and COPY-based loads; asyncpg for the web app.
"""
from __future__ import annotations

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from layers.config import Settings


def database_url(settings: Settings) -> str:
    """Plain `postgresql://` URL, as other tools (psql, QGIS, TiPg) want it."""
    if settings.database_url:
        return settings.database_url
    from layers.cluster import Cluster

    return Cluster(settings).url()


def _with_driver(url: str, driver: str) -> str:
    u = make_url(url)
    return u.set(drivername=f"postgresql+{driver}").render_as_string(hide_password=False)


def sync_engine(settings: Settings, url: str | None = None, **kw) -> Engine:
    return create_engine(_with_driver(url or database_url(settings), "psycopg"), **kw)


def async_engine(settings: Settings, url: str | None = None, **kw) -> AsyncEngine:
    connect_args = {"server_settings": {
        "statement_timeout": str(settings.statement_timeout_ms),
        "max_parallel_workers_per_gather": str(settings.db_parallel_workers),
    }}
    return create_async_engine(
        _with_driver(url or database_url(settings), "asyncpg"),
        connect_args=connect_args, pool_size=settings.db_pool_size, max_overflow=0, pool_timeout=30, **kw,
    )
