"""`ntm-map raster add|list|remove`: the administrator's rasters (issue 13), stored as COGs.

The work is layers.jobs.rasters.store's; this module parses the options, reads the legend file
and turns every refusal (a damaged file, a raster too large or outside Vietnam, a bad colour)
into one line on stderr with exit status 1.
"""
from __future__ import annotations

import sys
from datetime import date

import click

from api.cli.common import Fail, connect, settings_of

KINDS = ("imagery", "categorical", "continuous")


@click.group("raster")
def raster() -> None:
    """Raster layers: imagery, land cover, elevation… stored as Cloud Optimized GeoTIFFs."""


def _acquired(_ctx, _param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r}: write the date as YYYY-MM-DD") from None


@raster.command("add")
@click.argument("name")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--kind", type=click.Choice(KINDS), required=True,
              help="imagery (photographs), categorical (classes: land cover) or continuous (measurements: elevation).")
@click.option("--crs", help="CRS of the file, overriding its own (e.g. EPSG:9210); guessed like `import` when it has none.")
@click.option("--nodata", type=float, help="Pixel value meaning 'no data' (transparent), overriding the file's.")
@click.option("--legend", "legend_file", type=click.Path(dir_okay=False),
              help="Legend: JSON, or CSV value,colour,label_vi,label_en (categorical) / value,colour (continuous).")
@click.option("--title-vi", required=True, help="Title in Vietnamese (shown on the map).")
@click.option("--title-en", help="Title in English.")
@click.option("--description-vi", help="Description in Vietnamese.")
@click.option("--description-en", help="Description in English.")
@click.option("--units", help="Units of the values (continuous), e.g. m or °.")
@click.option("--source", help="Who made the raster and how.")
@click.option("--licence", help="Licence of the raster (published with it in open data).")
@click.option("--acquired", callback=_acquired, help="Capture date (imagery) or edition date, YYYY-MM-DD.")
@click.option("--private", is_flag=True, help="Keep it off the public map and open data.")
@click.option("--replace", is_flag=True, help="Store a new version of an existing raster.")
@click.pass_context
def add(ctx, name, file, kind, crs, nodata, legend_file, title_vi, title_en, description_vi, description_en,
        units, source, licence, acquired, private, replace) -> None:
    """Convert FILE (GeoTIFF, JPEG2000 or VRT) to a COG and register it as raster NAME."""
    from geo.raster_checks import RasterProblem
    from geo.raster_legend import LegendProblem, read_legend
    from layers.jobs.rasters.store import add_raster

    settings = settings_of(ctx)
    try:
        legend = read_legend(legend_file, kind) if legend_file else None
        with connect(settings, schema=True) as conn:
            row = add_raster(conn, settings, name, file, kind=kind, title_vi=title_vi, title_en=title_en,
                             description_vi=description_vi, description_en=description_en, legend=legend,
                             units=units, nodata=nodata, crs=crs, source=source, licence=licence,
                             acquired=acquired, public=not private, replace=replace,
                             progress=sys.stderr.isatty())
    except (RasterProblem, LegendProblem) as exc:
        raise Fail(f"{exc}; nothing was stored") from None
    for note in row.get("notes", ()):
        click.echo(f"note: {note}", err=True)
    click.echo(f"{row['name']} v{row['version']}: {row['kind']}, {row['width']:,} × {row['height']:,} px, "
               f"{row['resolution_m']:.2f} m/px, {row['crs']}, {row['bytes'] / 1e6:.1f} MB → {row['file']}")


@raster.command("list")
@click.pass_context
def list_cmd(ctx) -> None:
    """List the registered rasters."""
    from layers.jobs.rasters.store import list_rasters

    with connect(settings_of(ctx), schema=True) as conn:
        rows = list_rasters(conn)
    if not rows:
        click.echo("no rasters (add one with `ntm-map raster add NAME FILE --kind … --title-vi …`)")
    for r in rows:
        flags = ", ".join(f for f, on in (("synthetic", r["synthetic"]), ("private", not r["public"])) if on)
        click.echo(f"{r['name']:<24} v{r['version']:<3} {r['kind']:<12} {r['width']:>7,} × {r['height']:<7,} "
                   f"{r['resolution_m']:>8.2f} m/px  {r['crs']:<11} {r['title_vi']}" + (f" ({flags})" if flags else ""))


@raster.command("remove")
@click.argument("name")
@click.pass_context
def remove(ctx, name) -> None:
    """Remove raster NAME: its registry row and its files."""
    from geo.raster_checks import RasterProblem
    from layers.jobs.rasters.store import remove_raster

    settings = settings_of(ctx)
    try:
        with connect(settings, schema=True) as conn:
            row = remove_raster(conn, settings, name)
    except RasterProblem as exc:
        raise Fail(str(exc)) from None
    click.echo(f"removed {row['name']} (v{row['version']}, {row['file']})")
