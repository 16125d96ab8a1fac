"""`ntm-map load demo|criteria`: the bundled demo province and NTM criteria sets."""
from __future__ import annotations

import sys
import time

import click

from api.cli.common import Fail, connect, settings_of


@click.group()
def load() -> None:
    """Load bundled data sets."""


@load.command("demo")
@click.option("--seed", default=40, show_default=True, help="Random seed: the same seed gives the same province.")
@click.option("--households", default=200_000, show_default=True, help="Number of households to generate.")
@click.option("--if-empty", is_flag=True, help="Do nothing if the database already holds data.")
@click.option("--replace", is_flag=True, help="Wipe all layers first.")
@click.option("--no-rasters", is_flag=True, help="Skip the demo rasters (land cover, elevation, slope, imagery).")
@click.pass_context
def load_demo_cmd(ctx, seed: int, households: int, if_empty: bool, replace: bool, no_rasters: bool) -> None:
    """Load Nghệ An's real boundaries and a generated demo province."""
    from layers.jobs.bulk import analyze, bulk_session
    from layers.jobs.demo import DemoError, is_empty, load_demo

    with connect(settings_of(ctx), schema=True) as conn:
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
        analyze(conn)
        from layers.jobs.rasters.cache import Cache  # rasters made before from the same vectors (issue 13)
        from layers.jobs.rasters.settings import raster_cache_dir
        from layers.jobs.rasters.suitability import after_demo  # suitability and zonal statistics (issue 13)

        cache, say = Cache(raster_cache_dir(settings_of(ctx))), lambda m: click.echo(f"  {m}")
        statistics = lambda: after_demo(conn, settings_of(ctx), log=say, cache=cache)  # noqa: E731
        if not no_rasters:  # after the vectors: the rasters follow the villages and growing areas
            from layers.jobs.demo.rasters import make_demo_rasters

            make_demo_rasters(conn, settings_of(ctx), seed=seed, log=say, cache=cache, then=statistics)
        else:
            statistics()
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
        with connect(settings_of(ctx)) as conn:
            _, ids = load_criteria_set(conn, data)
    except CriteriaFileError as exc:
        raise Fail(str(exc)) from None
    click.echo(f"criteria set {data['code']} loaded with {len(ids)} criteria")
