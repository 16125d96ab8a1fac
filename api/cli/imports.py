"""`ntm-map import LAYER FILE`: one file into one layer, all or nothing."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from api.cli.common import Fail, connect, settings_of


def _parse_maps(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for v in values:
        if "=" not in v:
            raise Fail(f"--map {v!r}: write it as SOURCE_FIELD=COLUMN")
        src, dst = v.split("=", 1)
        out[src.strip()] = dst.strip()
    return out


@click.command("import")
@click.argument("layer")
@click.argument("file", type=click.Path())
@click.option("--layer", "source_layer", help="Layer inside the file (GeoPackage, GPX, KML folders, ...).")
@click.option("--crs", help="CRS of the file, overriding its own (e.g. EPSG:9208).")
@click.option("--encoding", help="Text encoding: utf-8, tcvn3, vni or cp1258 (detected when not given).")
@click.option("--map", "maps", multiple=True, metavar="SRC=DST", help="Map a file field to a column (repeatable).")
@click.option("--skip-invalid", is_flag=True, help="Load the valid rows and report the others.")
@click.option("--strict", is_flag=True, help=(
    "Refuse rows that break a rule of `ntm-map check` (outside the commune, overlapping, bad code, ...) "
    "like invalid rows. Without it they are loaded and listed."))
@click.option("--problems-dir", type=click.Path(file_okay=False), help=(
    "Where the refused or rule-breaking rows are written, in the file's own format with a reason "
    "column (default: the file's own folder)."))
@click.option("--parent", "parent_code", help="admin_units: parent province code for all units.")
@click.option("--trust-file", is_flag=True,
              help="Your own file: let GDAL open it however it likes (VRT, /vsi… paths, URLs). "
                   "Without it, files are checked like uploads.")
@click.pass_context
def import_cmd(ctx, layer, file, source_layer, crs, encoding, maps, skip_invalid, strict, problems_dir,
               parent_code, trust_file) -> None:
    """Import FILE into LAYER, all or nothing."""
    from layers.jobs.bulk import bulk_session
    from layers.jobs.checks import CheckParams
    from layers.jobs.importing import ImportFailed, ImportOptions, import_file

    settings = settings_of(ctx)
    options = ImportOptions(
        source_layer=source_layer, crs=crs, encoding=encoding, field_map=_parse_maps(maps),
        skip_invalid=skip_invalid, parent_code=parent_code, default_province=settings.province_code,
        progress=sys.stderr.isatty(), trust_file=trust_file, strict=strict, check_params=CheckParams.of(settings),
    )
    with connect(settings, schema=True) as conn:
        try:
            with bulk_session(conn, layer, str(Path(file).resolve())) as run:
                report = import_file(conn, layer, file, options)
                run.update(report.counts(), crs=report.crs, rejected=report.rejected[:100],
                           broken_rules=report.broken_rules[:100])
        except ImportFailed as exc:
            if exc.report is not None:  # the rows and reasons are in the error itself
                click.echo("\n".join(exc.report.header()), err=True)
                written = _problem_rows(file, layer, options, exc.report, problems_dir)
                if written:
                    click.echo(f"rows to fix, with a reason column: {written}", err=True)
            raise Fail(f"{exc}\nthe table is unchanged") from None
    report.problems_file = _problem_rows(file, layer, options, report, problems_dir)
    click.echo(report.summary())


def _problem_rows(file, layer, options, report, problems_dir) -> str | None:
    from layers.jobs.importing.problems import write_problem_rows
    out = Path(problems_dir) if problems_dir else Path(file).resolve().parent
    out.mkdir(parents=True, exist_ok=True)
    path = write_problem_rows(file, layer, options, report, out)
    return str(path) if path else None
