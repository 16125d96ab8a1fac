"""What every `ntm-map` command shares: the error it prints, the settings it was given, a
database connection that says what to do when there is none."""
from __future__ import annotations

import click
import psycopg

from layers.db.settings import Settings


class Fail(click.ClickException):
    """Printed as 'Error: …' with exit status 1, no traceback: the message says what to do."""


def settings_of(ctx: click.Context) -> Settings:
    """The settings `main` built for this run."""
    return ctx.obj


def connect(settings: Settings) -> psycopg.Connection:
    from layers.db.cluster import ClusterError
    from layers.db.engines import database_url

    try:
        url = database_url(settings)
        return psycopg.connect(url, connect_timeout=10)
    except ClusterError as exc:
        raise Fail(str(exc)) from None
    except psycopg.OperationalError as exc:
        where = "DATABASE_URL" if settings.database_url else "the embedded database (run `ntm-map db up`)"
        raise Fail(f"cannot connect to {where}: {str(exc).strip()}") from None


def require_schema(conn: psycopg.Connection) -> None:
    ok = conn.execute("SELECT to_regclass('public.alembic_version') IS NOT NULL").fetchone()[0]
    if not ok:
        raise Fail("the database has no ntm-map schema yet: run `ntm-map migrate`")
