"""`ntm-map raster stats` and `ntm-map raster suitability`: zonal statistics and crop
suitability (issue 13), added to the `raster` group by api.cli.

The work is layers.jobs.rasters.zonal_refresh's and .suitability's; this module parses the
options and turns a refusal (unknown raster or layer, a bad rules file) into one line on stderr
with exit status 1.
"""
from __future__ import annotations

import time

import click

from api.cli.common import Fail, connect, settings_of

LAYERS = ("communes", "growing_areas")


@click.command("stats")
@click.argument("names", nargs=-1)
@click.option("--layer", "layers", type=click.Choice(LAYERS), multiple=True,
              help="Compute for this layer only (repeatable; default both).")
@click.pass_context
def stats(ctx, names, layers) -> None:
    """Compute the zonal statistics of rasters NAMES (default: every categorical and continuous
    raster) per commune and growing area: what is missing or stale only."""
    from geo.raster_checks import RasterProblem
    from layers.jobs.rasters.zonal_refresh import refresh

    settings = settings_of(ctx)
    started = time.monotonic()
    try:
        with connect(settings, schema=True) as conn:
            done = refresh(conn, settings, list(names) or None, list(layers) or LAYERS,
                           log_line=lambda line: click.echo(line, err=True))
    except (ValueError, RasterProblem, OSError) as exc:
        raise Fail(str(exc)) from None
    total = sum(done.values())
    click.echo(f"{total:,} statistics computed over {len(done)} raster × layer pairs in "
               f"{time.monotonic() - started:.1f} s" + ("" if total else " (all were up to date)"))


@click.command("suitability")
@click.argument("crops", nargs=-1)
@click.option("--rules", "rules_file", type=click.Path(dir_okay=False, exists=True),
              help="Rules JSON (see docs/rasters.md); default: the indicative demo rules.")
@click.pass_context
def suitability(ctx, crops, rules_file) -> None:
    """Build suitability_<crop> rasters for CROPS (default: every crop of the rules) and their
    per commune suitable hectares."""
    from geo.raster_checks import RasterProblem
    from geo.raster_legend import LegendProblem
    from layers.jobs.rasters.suitability import RulesProblem, make_suitability

    settings = settings_of(ctx)
    try:
        with connect(settings, schema=True) as conn:
            make_suitability(conn, settings, list(crops) or None, rules_file, log=click.echo)
    except (RulesProblem, RasterProblem, LegendProblem) as exc:
        raise Fail(f"{exc}; nothing was stored") from None
