"""`ntm-map`: the one command users type (db, migrate, load, import, serve)."""
from __future__ import annotations

import os
import socket
import sys
import time
from pathlib import Path

import click
import psycopg

from layers.db.settings import Settings


class Fail(click.ClickException):
    """Printed as 'Error: …' with exit status 1, no traceback: the message says what to do."""


def _settings(ctx: click.Context) -> Settings:
    return ctx.obj


def _connect(settings: Settings) -> psycopg.Connection:
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """ntm-map: digital map platform for New Rural Development (nông thôn mới)."""
    ctx.obj = Settings()


# --- database ------------------------------------------------------------------------------
@main.group()
def db() -> None:
    """Start, stop and locate the database."""


@db.command("up")
@click.pass_context
def db_up(ctx) -> None:
    """Start the embedded PostgreSQL + PostGIS (or check DATABASE_URL's server)."""
    settings = _settings(ctx)
    if settings.database_url:
        with _connect(settings) as conn:
            has = conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").fetchone()
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
    settings = _settings(ctx)
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
    settings = _settings(ctx)
    if settings.database_url:
        click.echo("database: external (DATABASE_URL)")
        try:
            _connect(settings).close()
            click.echo("status: reachable")
        except Fail as exc:
            click.echo(f"status: not reachable ({exc.message})")
        click.echo(f"url: {settings.database_url}")
        return
    from layers.db.cluster import Cluster, ClusterError, find_binaries

    cluster = Cluster(settings)
    try:
        version = find_binaries().version
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


# --- schema and data -----------------------------------------------------------------------
@main.command()
@click.option("--revision", default="head", show_default=True, help="Target revision.")
@click.option("--down", "down_to", default=None, help="Downgrade to this revision instead (e.g. base).")
@click.pass_context
def migrate(ctx, revision: str, down_to: str | None) -> None:
    """Bring the schema up to date (Alembic)."""
    from layers.db import migrate as m
    from layers.db.engines import database_url, sync_engine

    settings = _settings(ctx)
    _connect(settings).close()
    engine = sync_engine(settings, database_url(settings))
    if down_to:
        m.downgrade(engine, down_to)
    else:
        m.upgrade(engine, revision)
    click.echo(f"schema at revision {m.current(engine)}")


@main.group()
def load() -> None:
    """Load bundled data sets."""


@load.command("demo")
@click.option("--seed", default=40, show_default=True, help="Random seed: the same seed gives the same province.")
@click.option("--households", default=200_000, show_default=True, help="Number of households to generate.")
@click.option("--if-empty", is_flag=True, help="Do nothing if the database already holds data.")
@click.option("--replace", is_flag=True, help="Wipe all layers first.")
@click.pass_context
def load_demo_cmd(ctx, seed: int, households: int, if_empty: bool, replace: bool) -> None:
    """Load Nghệ An's real boundaries and a generated demo province."""
    from layers.jobs.bulk import bulk_session
    from layers.jobs.demo import DemoError, is_empty, load_demo

    with _connect(_settings(ctx)) as conn:
        _require_schema(conn)
        if if_empty and not is_empty(conn):
            click.echo("the database already holds data; demo not loaded")
            return
        started = time.monotonic()
        try:
            with bulk_session(conn, "demo", f"ntm-map load demo --seed {seed} --households {households}") as report:
                counts = load_demo(conn, seed=seed, n_households=households, replace=replace,
                                   progress=sys.stderr.isatty(), log=lambda m: click.echo(f"  {m}"))
                report.update(rows_read=sum(counts.values()), rows_loaded=sum(counts.values()), counts=counts)
        except DemoError as exc:
            raise Fail(str(exc)) from None
        conn.execute("ANALYZE")
    click.echo("loaded " + ", ".join(f"{v:,} {k}" for k, v in counts.items())
               + f" in {time.monotonic() - started:.1f} s")


@load.command("criteria")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.pass_context
def load_criteria_cmd(ctx, file: str) -> None:
    """Add an NTM criteria set (JSON: code, name_vi, period_start, period_end, criteria[])."""
    from layers.jobs.criteria import CriteriaFileError, load_criteria_set, read_criteria_file

    try:
        data = read_criteria_file(file)
        with _connect(_settings(ctx)) as conn, conn.transaction():
            _, ids = load_criteria_set(conn, data)
    except CriteriaFileError as exc:
        raise Fail(str(exc)) from None
    click.echo(f"criteria set {data['code']} loaded with {len(ids)} criteria")


def _require_schema(conn: psycopg.Connection) -> None:
    ok = conn.execute("SELECT to_regclass('public.alembic_version') IS NOT NULL").fetchone()[0]
    if not ok:
        raise Fail("the database has no ntm-map schema yet: run `ntm-map migrate`")


def _parse_maps(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for v in values:
        if "=" not in v:
            raise Fail(f"--map {v!r}: write it as SOURCE_FIELD=COLUMN")
        src, dst = v.split("=", 1)
        out[src.strip()] = dst.strip()
    return out


@main.command("import")
@click.argument("layer")
@click.argument("file", type=click.Path())
@click.option("--layer", "source_layer", help="Layer inside the file (GeoPackage, GPX, KML folders, ...).")
@click.option("--crs", help="CRS of the file, overriding its own (e.g. EPSG:9208).")
@click.option("--encoding", help="Text encoding: utf-8, tcvn3, vni or cp1258 (detected when not given).")
@click.option("--map", "maps", multiple=True, metavar="SRC=DST", help="Map a file field to a column (repeatable).")
@click.option("--skip-invalid", is_flag=True, help="Load the valid rows and report the others.")
@click.option("--parent", "parent_code", help="admin_units: parent province code for all units.")
@click.option("--trust-file", is_flag=True,
              help="Your own file: let GDAL open it however it likes (VRT, /vsi… paths, URLs). "
                   "Without it, files are checked like uploads.")
@click.pass_context
def import_cmd(ctx, layer, file, source_layer, crs, encoding, maps, skip_invalid, parent_code, trust_file) -> None:
    """Import FILE into LAYER, all or nothing."""
    from layers.jobs.bulk import bulk_session
    from layers.jobs.importing import ImportFailed, ImportOptions, import_file

    settings = _settings(ctx)
    options = ImportOptions(
        source_layer=source_layer, crs=crs, encoding=encoding, field_map=_parse_maps(maps),
        skip_invalid=skip_invalid, parent_code=parent_code, default_province=settings.province_code,
        progress=sys.stderr.isatty(), trust_file=trust_file,
    )
    with _connect(settings) as conn:
        _require_schema(conn)
        try:
            with bulk_session(conn, layer, str(Path(file).resolve())) as run:
                report = import_file(conn, layer, file, options)
                run.update(report.counts(), crs=report.crs, rejected=report.rejected[:100])
        except ImportFailed as exc:
            if exc.report is not None:  # the rows and reasons are in the error itself
                click.echo("\n".join(exc.report.header()), err=True)
            raise Fail(f"{exc}\nthe table is unchanged") from None
    click.echo(report.summary())


@main.command()
@click.option("--host", default=None, help="Interface to listen on (default 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default 8000).")
@click.option("--workers", default=None, type=click.IntRange(1, 64),
              help="Server processes (default 1, or NTM_WORKERS); each keeps its own tile cache.")
@click.pass_context
def serve(ctx, host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the web API and map."""
    import uvicorn

    from api.app import create_app

    settings = _settings(ctx)
    _connect(settings).close()
    settings = settings.model_copy(
        update={k: v for k, v in {"host": host, "port": port, "workers": workers}.items() if v})
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((settings.host, settings.port))
        except OSError:
            raise Fail(f"{settings.host}:{settings.port} is already in use; choose another port with "
                       f"--port or NTM_PORT (e.g. NTM_PORT={settings.port + 1} make run)") from None
    click.echo(f"ntm-map serving on http://{settings.host}:{settings.port} ({settings.workers} "
               f"worker{'s' if settings.workers > 1 else ''})")
    if settings.workers > 1:  # each process builds its app from the environment, as this one did
        os.environ.update({"NTM_HOST": settings.host, "NTM_PORT": str(settings.port)})
        uvicorn.run("api.app:app_from_environment", factory=True, workers=settings.workers,
                    host=settings.host, port=settings.port, log_level="info", proxy_headers=False)
    else:
        # proxy_headers=False: uvicorn would trust X-Forwarded-For from 127.0.0.1; the app trusts
        # only settings.trusted_proxies (api/host_check.py).
        uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info",
                    proxy_headers=False)


@main.command("layers")
def list_layers() -> None:
    """List the published layers of the registry."""
    from layers.read.registry import LAYERS

    for layer in LAYERS:
        click.echo(f"{layer.id:16} {layer.geometry_type:11} {layer.title_vi} / {layer.title_en}")


from api.cli_users import users  # noqa: E402  (own module; imports this one only lazily)
main.add_command(users)
from api.cli_publish import publish  # noqa: E402
main.add_command(publish)
from api.cli_growing import growing_areas  # noqa: E402
main.add_command(growing_areas)
from api.cli_map import map_command  # noqa: E402
main.add_command(map_command)


if __name__ == "__main__":
    main()
