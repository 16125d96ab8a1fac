"""Which database to talk to, and engines for it.

`DATABASE_URL` wins; otherwise the embedded cluster's URL. Two drivers: psycopg for the CLI,
migrations and COPY-based loads; asyncpg for the web app.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from layers.db.settings import Settings


def database_url(settings: Settings) -> str:
    """Plain `postgresql://` URL, as other tools (psql, QGIS, TiPg) want it."""
    if settings.database_url:
        return settings.database_url
    from layers.db.cluster import Cluster

    return Cluster(settings).url()


def without_password(url: str) -> str:
    """The URL with its password masked: safe to log, hash or show, and the same for every
    process serving one database whatever the driver's spelling of it."""
    return make_url(url).render_as_string(hide_password=True)


def _with_driver(url: str, driver: str) -> str:
    u = make_url(url)
    return u.set(drivername=f"postgresql+{driver}").render_as_string(hide_password=False)


def sync_engine(settings: Settings, url: str | None = None, **kw) -> Engine:
    return create_engine(_with_driver(url or database_url(settings), "psycopg"), **kw)


def async_engine(settings: Settings, url: str | None = None, *, pool_size: int | None = None,
                 pool_timeout: float = 30, server_settings: dict | None = None, **kw) -> AsyncEngine:
    connect_args = {"server_settings": {
        "statement_timeout": str(settings.statement_timeout_ms),
        "max_parallel_workers_per_gather": str(settings.db_parallel_workers),
        **(server_settings or {}),
    }, **kw.pop("connect_args", {})}
    return create_async_engine(
        _with_driver(url or database_url(settings), "asyncpg"), connect_args=connect_args,
        pool_size=pool_size or settings.db_pool_size, max_overflow=0, pool_timeout=pool_timeout, **kw,
    )


def stream_engine(settings: Settings, url: str | None = None) -> AsyncEngine:
    """For pages read through a server-side cursor while they are sent: a pool of their own, so
    clients that read slowly hold these connections and never the ones tiles and small pages use.
    PostgreSQL ends a streaming transaction left idle far beyond the send timeout (a backstop:
    the send timeout releases it first)."""
    idle_ms = int(max(60.0, 4 * settings.send_timeout_s) * 1000)
    return async_engine(settings, url, pool_size=settings.stream_pool_size, pool_timeout=settings.stream_wait_s,
                        server_settings={"idle_in_transaction_session_timeout": str(idle_ms)})


def health_engine(settings: Settings, url: str | None = None, timeout_s: float = 1.0) -> AsyncEngine:
    """/healthz's own small pool: a monitor learns about the database even when the main pool is
    exhausted, and never waits longer than `timeout_s` for a connection."""
    return async_engine(settings, url, pool_size=1, pool_timeout=timeout_s,
                        server_settings={"statement_timeout": str(int(timeout_s * 1000))},
                        connect_args={"timeout": timeout_s})


@contextmanager
def connection(url: str, **kw) -> Iterator[Connection]:
    """One sync connection to `url` in one transaction, committed when the block ends cleanly and
    rolled back otherwise: how the CLI and the batch jobs run SQL (sync SQLAlchemy). The engine
    has no pool and goes with the connection, so a command leaves nothing open."""
    engine = create_engine(_with_driver(url, "psycopg"), poolclass=NullPool, **kw)
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()


def atomic(conn: Connection):
    """A transaction of its own for a block of work on `conn`: a savepoint inside the caller's
    transaction, else one that commits when the block ends (what psycopg's `transaction()` does,
    so a job is all-or-nothing whether or not its caller opened a transaction)."""
    return conn.begin_nested() if conn.in_transaction() else conn.begin()
