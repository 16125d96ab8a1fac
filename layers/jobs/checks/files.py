"""The offending stored rows of a check, as files staff open in QGIS or a spreadsheet."""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import sqlalchemy as sa

from geo.problem_files import problem_path, write_rows
from layers.jobs.checks.rules import RULES_BY_ID
from layers.jobs.checks.run import CheckReport

# Bookkeeping columns that mean nothing to whoever fixes the rows.
_HIDDEN = {"row_version", "search", "search_text", "tsv"}


def write_problem_rows(conn, report: CheckReport, out: Path, fmt: str, lang: str) -> list[Path]:
    """One file per layer with problems: its public columns, as stored, and a `reason` column."""
    written = []
    layers = sorted({f.layer for f in report.findings})
    for layer in layers:
        found = report.ids(layer)
        table = sa.Table(layer, sa.MetaData(), autoload_with=conn)
        cols = [c for c in table.c if c.name not in _HIDDEN and c.name != "geom"]
        query = sa.select(*cols, table.c.geom).where(table.c.id.in_(list(found))).order_by(table.c.id)
        frame = gpd.read_postgis(query, conn, geom_col="geom")
        reasons = ["; ".join(f"{f.rule}: {f.message(RULES_BY_ID[f.rule], lang)}" for f in found[int(i)])
                   for i in frame["id"]]
        written.append(write_rows(frame, reasons, problem_path(out, layer, fmt), fmt))
    return written
