"""`ntm-map raster demo`: (re)generate the demo province's rasters only (issue 13 item 6), e.g.
for a database loaded before they existed; `--if-missing` makes it cheap enough for `make run`
to call every time (one query when they are all there).

The work is layers.jobs.demo.rasters'; this module turns a refusal into one line on stderr.
"""
from __future__ import annotations

import time

import click

from api.cli.common import Fail, connect, settings_of


@click.command("demo")
@click.option("--seed", default=40, show_default=True, help="Random seed: the demo's (`load demo --seed`).")
@click.option("--if-missing", is_flag=True, help="Do nothing when every demo raster is registered, or when "
                                                   "the database holds no demo province.")
@click.pass_context
def demo(ctx, seed: int, if_missing: bool) -> None:
    """Generate the demo rasters (land cover, elevation, slope, imagery) from the demo's villages
    and growing areas, replacing those already stored, then suitability and zonal statistics."""
    from geo.raster_checks import RasterProblem
    from layers.jobs.demo import is_empty
    from layers.jobs.demo.rasters import make_demo_rasters, missing
    from layers.jobs.rasters.cache import Cache
    from layers.jobs.rasters.settings import raster_cache_dir
    from layers.jobs.rasters.suitability import after_demo

    settings = settings_of(ctx)
    started = time.monotonic()
    log = lambda m: click.echo(f"  {m}")  # noqa: E731
    try:
        with connect(settings, schema=True) as conn:
            if is_empty(conn):
                if if_missing:
                    return
                raise Fail("the database holds no demo province: run `ntm-map load demo` first")
            if if_missing and not missing(conn):
                click.echo("demo rasters present; nothing to do")
                return
            cache = Cache(raster_cache_dir(settings))  # made before from the same vectors: linked, not made
            # suitability and statistics run while the sharp imagery is painted (they do not need it)
            rows = make_demo_rasters(conn, settings, seed=seed, log=log, cache=cache,
                                     then=lambda: after_demo(conn, settings, log=log, cache=cache))
    except (RasterProblem, ValueError, OSError) as exc:
        raise Fail(f"{exc}; nothing was stored") from None
    click.echo(f"{len(rows)} demo rasters stored in {time.monotonic() - started:.1f} s")
