"""`ntm-map check [LAYER…]`: the rules of writes, run over what is stored, for staff to fix."""
from __future__ import annotations

import json
from pathlib import Path

import click

from api.cli.common import Fail, connect, settings_of


@click.command("check")
@click.argument("layers", nargs=-1)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help=(
    "Write the report here: report.json (every problem, with its geometry as GeoJSON) and, per "
    "layer, the offending rows with a `reason` column (LAYER.problems.gpkg, or --format)."))
@click.option("--format", "fmt", type=click.Choice(["gpkg", "geojson", "shp", "csv"]), default="gpkg",
              show_default=True, help="File format of the offending rows.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), help="Also write the report as a web page with a map.")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True,
              help="Language of the messages in the files and the page.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON instead of text.")
@click.pass_context
def check(ctx, layers, out_dir, fmt, html_path, lang, as_json) -> None:
    """Check LAYERs (all when none) against every rule; exit 1 when a problem is found."""
    from layers.jobs.checks import CheckParams, rules_for, run
    from layers.jobs.checks.files import write_problem_rows

    settings = settings_of(ctx)
    try:
        rules_for(list(layers))
    except ValueError as exc:
        raise Fail(str(exc)) from None
    with connect(settings, schema=True) as conn:
        report = run(conn, CheckParams.of(settings), list(layers) or None)
        written = []
        if out_dir:
            out = Path(out_dir)
            out.mkdir(parents=True, exist_ok=True)
            (out / "report.json").write_text(json.dumps(report.as_dict(lang), ensure_ascii=False, indent=1), "utf-8")
            written = [out / "report.json", *write_problem_rows(conn, report, out, fmt, lang)]
        if html_path:
            from api.pages.check_report import write_html
            from api.pages.folium_map import LeafletMissing
            from api.pages.static_files import vendor_dir
            try:
                written.append(write_html(conn, report, Path(html_path), lang, vendor_dir(settings)))
            except LeafletMissing as exc:
                raise Fail(str(exc)) from None
    click.echo(json.dumps(report.as_dict(lang), ensure_ascii=False) if as_json else report.summary(lang))
    for path in written:
        click.echo(f"wrote {path}", err=True)
    if not report.ok:
        ctx.exit(1)
