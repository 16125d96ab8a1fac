"""`ntm-map db up|down|status` (the embedded PostgreSQL, or DATABASE_URL's server) and
`ntm-map migrate` (the schema)."""
from __future__ import annotations

import sys

import click

from api.cli.common import Fail, check_reachable, connect, settings_of
from layers.db.checks import postgis_available


@click.group()
def db() -> None:
    """Start, stop and locate the database."""


@db.command("up")
@click.pass_context
def db_up(ctx) -> None:
    """Start the embedded PostgreSQL + PostGIS (or check DATABASE_URL's server)."""
    settings = settings_of(ctx)
    if settings.database_url:
        with connect(settings) as conn:
            has = postgis_available(conn)
        if not has:
            raise Fail("the DATABASE_URL server has no PostGIS extension available; install PostGIS 3 there")
        click.echo("using the database at DATABASE_URL (reachable, PostGIS available)")
        return
    from layers.db.cluster import Cluster, ClusterError

    try:
        url = Cluster(settings).up()
    except ClusterError as exc:
        raise Fail(str(exc)) from None
    click.echo(f"database running: {url}")


@db.command("down")
@click.pass_context
def db_down(ctx) -> None:
    """Stop the embedded database."""
    settings = settings_of(ctx)
    if settings.database_url:
        click.echo("DATABASE_URL is set: that server is not managed by ntm-map")
        return
    from layers.db.cluster import Cluster, ClusterError

    try:
        stopped = Cluster(settings).down()
    except ClusterError as exc:
        raise Fail(str(exc)) from None
    click.echo("database stopped" if stopped else "database was not running")


@db.command("status")
@click.pass_context
def db_status(ctx) -> None:
    """Say where the database is, whether it runs, and print its connection URL."""
    settings = settings_of(ctx)
    if settings.database_url:
        click.echo("database: external (DATABASE_URL)")
        try:
            check_reachable(settings)
            click.echo("status: reachable")
        except Fail as exc:
            click.echo(f"status: not reachable ({exc.message})")
        click.echo(f"url: {settings.database_url}")
        return
    from layers.db.cluster import Cluster, ClusterError, find_binaries

    cluster = Cluster(settings)
    try:
        version = find_binaries(settings).version
        running = cluster.is_running()
    except ClusterError as exc:
        raise Fail(str(exc)) from None
    click.echo(f"database: embedded PostgreSQL {version} in {cluster.data_dir}")
    click.echo(f"status: {'running' if running else 'stopped'} (port {settings.db_port})")
    if cluster.credentials_file.exists():
        click.echo(f"url: {cluster.url()}")
    click.echo(f"log: {cluster.log_file}")
    if not running:
        sys.exit(3)


@click.command()
@click.option("--revision", default="head", show_default=True, help="Target revision.")
@click.option("--down", "down_to", default=None, help="Downgrade to this revision instead (e.g. base).")
@click.pass_context
def migrate(ctx, revision: str, down_to: str | None) -> None:
    """Bring the schema up to date (Alembic)."""
    from layers.db import migrate as m
    from layers.db.engines import database_url, sync_engine

    settings = settings_of(ctx)
    check_reachable(settings)
    engine = sync_engine(settings, database_url(settings))
    if down_to:
        m.downgrade(engine, down_to)
    else:
        m.upgrade(engine, revision)
    click.echo(f"schema at revision {m.current(engine)}")
