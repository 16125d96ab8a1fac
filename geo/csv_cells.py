"""CSV cells a spreadsheet opens as data, never as a formula (OWASP "CSV injection").

Excel, LibreOffice and Google Sheets run a cell that starts with `=`, `+`, `-` or `@` (and tab or
carriage return, which they strip first) as a formula, so a place named `=HYPERLINK(…)` in a
public CSV becomes a link or worse on whoever opens it. OWASP's convention: prefix such a text
cell with a single quote, which the spreadsheet shows as text. Numbers are left alone, whether a
numeric column (never touched) or a text cell that is only a number (`-12.5` cannot be a
formula), so negative values stay what they are.
"""
from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
TRIGGER_RE = r"^[=+\-@\t\r]"
NUMBER_RE = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_NUMBER = re.compile(NUMBER_RE)


def safe_text(value: str) -> str:
    """`value` as a CSV cell: quoted with a leading ' if a spreadsheet would run it."""
    if value.startswith(TRIGGERS) and not _NUMBER.match(value):
        return "'" + value
    return value


def safe_column(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """safe_text over an Arrow string column, vectorised; nulls stay null."""
    risky = pc.and_(pc.match_substring_regex(column, TRIGGER_RE),
                    pc.invert(pc.match_substring_regex(column, NUMBER_RE)))
    quoted = pc.binary_join_element_wise(pa.scalar("'"), column, "")
    return pc.if_else(pc.fill_null(risky, False), quoted, column)


def safe_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Every text column of `batch` made safe; numbers, booleans, dates and binary untouched."""
    columns = [safe_column(c) if pa.types.is_string(c.type) or pa.types.is_large_string(c.type) else c
               for c in batch.columns]
    return pa.RecordBatch.from_arrays(columns, schema=batch.schema)
