"""What a command asks of the database before it works: that it is reachable, holds our schema
(or the accounts tables), and has PostGIS to offer. Each failure is a `DatabaseProblem` whose
message says what to do; the CLI prints it as its error (api/cli/common.py), so the command line
needs no driver of its own."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from layers.db.engines import connection, database_url
from layers.db.settings import Settings

CONNECT_TIMEOUT_S = 10


class DatabaseProblem(Exception):
    """The database cannot serve this command; the message says what to do about it."""


def _has_table(conn: Connection, name: str) -> bool:
    return bool(conn.execute(sa.select(sa.func.to_regclass(name).is_not(None))).scalar())


def require_schema(conn: Connection) -> None:
    if not _has_table(conn, "public.alembic_version"):
        raise DatabaseProblem("the database has no ntm-map schema yet: run `ntm-map migrate`")


def require_accounts(conn: Connection) -> None:
    if not _has_table(conn, "private.users"):
        raise DatabaseProblem("the database has no accounts tables yet: run `ntm-map migrate`")


def postgis_available(conn: Connection) -> bool:
    """Whether the server could `CREATE EXTENSION postgis` (migrations do it)."""
    return bool(conn.execute(sa.text(
        "SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = :name)"), {"name": "postgis"}).scalar())


@contextmanager
def connected(settings: Settings, *, schema: bool = False, accounts: bool = False) -> Iterator[Connection]:
    """A sync connection in one transaction (committed when the block ends cleanly), after the
    checks asked for; a database that is down or not there is a DatabaseProblem, not a traceback."""
    from layers.db.cluster import ClusterError

    try:
        url = database_url(settings)
    except ClusterError as exc:
        raise DatabaseProblem(str(exc)) from None
    with ExitStack() as stack:
        try:
            conn = stack.enter_context(connection(url, connect_args={"connect_timeout": CONNECT_TIMEOUT_S}))
        except OperationalError as exc:
            where = "DATABASE_URL" if settings.database_url else "the embedded database (run `ntm-map db up`)"
            raise DatabaseProblem(f"cannot connect to {where}: {str(exc.orig).strip()}") from None
        if schema:
            require_schema(conn)
        if accounts:
            require_accounts(conn)
        yield conn


def reachable(settings: Settings) -> None:
    """Raises DatabaseProblem unless the database answers (before a command that connects later)."""
    with connected(settings):
        pass
