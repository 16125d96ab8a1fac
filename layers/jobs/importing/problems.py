"""The rows of an import that were refused or break a rule, back in the file's own format.

The source is read again (same reader, encoding and layer as the import) and only the listed
rows are kept, with their fields as they were and a `reason` column: fix them, import again.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo import vector_io
from geo.problem_files import format_of, problem_path, write_rows
from layers.jobs.importing.specs import get_spec


def write_problem_rows(path: str | Path, layer: str, options, report, out_dir: Path) -> Path | None:
    reasons: dict[int, list[str]] = {}
    for row, why in [*report.rejected, *report.broken_rules]:
        reasons.setdefault(row, []).append(why)
    if not reasons:
        return None
    src = vector_io.open_vector(path, options.source_layer, options.encoding or None, get_spec(layer).family,
                                trusted=options.trust_file)
    parts = [chunk[chunk["source_row"].isin(reasons)] for chunk in vector_io.read_chunks(src)]
    frame = pd.concat(parts) if parts else None
    if frame is None or frame.empty:
        return None
    rows = frame["source_row"].tolist()
    frame = frame.drop(columns=[c for c in ("source_row", vector_io.GEOMETRY_NOTE) if c in frame.columns])
    fmt = format_of(path)
    out = problem_path(out_dir, Path(str(path)).name.split(".")[0], fmt)
    return write_rows(frame, [f"row {r}: " + "; ".join(reasons[r]) for r in rows], out, fmt)
