"""`ntm-map registers import FILE --commune CODE` and `ntm-map registers template OUT` (issue 16).

A commune's household register (CSV or .xlsx, TCVN3/VNI detected) is read as a stream with a
progress bar, matched to the commune's villages and paired with household points, and stored in
the `private` schema (layers.jobs.registers); the report says what matched, what did not and
why, and the rows to place are written beside the file (FILE.unplaced.<ext>, the file's own
format, with a `reason` column).
"""
from __future__ import annotations

import getpass
import json
from pathlib import Path

import click

from api.cli.common import Fail, connect, settings_of

SUMMARY = (
    ("rows", "rows read"), ("village_matched", "matched to a village"), ("village_exact", "  same name"),
    ("village_fuzzy", "  close spelling"), ("village_ambiguous", "could be several villages"),
    ("village_none", "no village of that name"), ("village_empty", "no village written"),
    ("point_matched", "paired with a household point"), ("no_point", "in a village, no point yet: to place"),
    ("duplicates", "repeating an earlier row"))


@click.group("registers")
def registers() -> None:
    """Household registers of communes: import, template."""


@registers.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--commune", required=True, help="The commune's 5-digit code.")
@click.option("--encoding", type=click.Choice(["utf-8", "tcvn3", "vni", "cp1258"]),
              help="A CSV's text encoding (detected when not given).")
@click.option("--problems-dir", type=click.Path(file_okay=False), help="Where to write FILE.unplaced.<ext> "
              "(default: beside FILE).")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True,
              help="Language of the reasons in the file of rows to place.")
@click.option("--as", "actor", help="Who imports, for the access record (default: cli:<login>).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
def import_register_cmd(ctx, file, commune, encoding, problems_dir, lang, actor, as_json, quiet) -> None:
    """Import a commune's household register FILE (.csv or .xlsx)."""
    from geo.registers import RegisterProblem
    from layers.jobs.registers.importing import RegisterRefused, import_register
    from layers.jobs.registers.unplaced import unplaced

    actor = actor or f"cli:{getpass.getuser()}"
    with connect(settings_of(ctx), schema=True) as conn:
        try:
            report = import_register(conn, file, commune, actor, encoding=encoding, progress=not quiet)
        except (RegisterProblem, RegisterRefused) as exc:
            raise Fail(str(exc)) from None
        data, name, _ = unplaced(conn, report["register_id"], actor, lang)
    out = Path(problems_dir) if problems_dir else Path(file).parent
    out.mkdir(parents=True, exist_ok=True)
    written = out / name
    written.write_bytes(data)
    report["unplaced_file"] = str(written)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
    else:
        click.echo(f"register {report['register_id']} of commune {commune}: {file} ({report['format']}"
                   + (f", {report['encoding']}" if report["encoding"] else "") + ")")
        for key, words in SUMMARY:
            click.echo(f"  {report[key]:>8,}  {words}")
        click.echo(f"wrote {written}", err=True)


@registers.command("template")
@click.argument("out", type=click.Path(dir_okay=False))
def template_cmd(out) -> None:
    """Write the register template OUT (.xlsx or .csv): Thôn/xóm, Chủ hộ, Số nhân khẩu, Số điện
    thoại, Địa chỉ, Số CCCD."""
    from geo import registers as files

    fmt = "xlsx" if out.lower().endswith(".xlsx") else "csv"
    Path(out).write_bytes(files.template(fmt))
    click.echo(f"wrote {out}", err=True)
