"""A register file as a stream of rows of text cells, whatever it was saved as.

CSV: the encoding is detected from the first 256 KB (UTF-8, or TCVN3/VNI/Windows-1258 by how
Vietnamese their reading looks, geo.vn_encodings; `encoding` overrides), the delimiter sniffed
among , ; and tab, and the file decoded line by line, so 200,000 rows never sit in memory at once.
XLSX: the first sheet, read-only (openpyxl streams its XML); formulas are read as the text typed,
never evaluated. The total is known beforehand for the progress bar: the lines of a CSV (a
quoted field over two lines makes it an estimate), the sheet's dimension for an .xlsx.
"""
from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from geo import registers
from geo.vn_encodings import decode, detect_encoding

SAMPLE = 256 * 1024


@dataclass
class Register:
    path: Path
    format: str
    encoding: str | None
    header: list[str]
    total: int  # data rows expected (for progress)
    delimiter: str = ","
    _rows: Iterator[list[str]] | None = field(default=None, repr=False)
    _close: object = field(default=None, repr=False)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(row number as a spreadsheet shows it: the header is 1, cells as text); blank rows skipped."""
        number = 1
        try:
            for cells in self._rows:
                number += 1
                cells = [registers.cell_text(c) for c in cells]
                if any(cells):
                    yield number, cells
        finally:
            self.close()

    def close(self) -> None:
        if self._close is not None:
            self._close()
            self._close = None


def _lines(handle, encoding: str) -> Iterator[str]:
    for raw in handle:
        yield decode(raw, encoding) if encoding in ("tcvn3", "vni", "cp1258") else raw.decode("utf-8", "replace")


def open_csv(path: Path, encoding: str | None = None) -> Register:
    with open(path, "rb") as f:
        sample = f.read(SAMPLE)
    if sample.startswith(b"\xef\xbb\xbf"):
        encoding = encoding or "utf-8"
    if encoding is None:
        found = detect_encoding([line for line in sample.splitlines() if line])
        encoding = "utf-8" if found == "ascii" else found
    text = decode(sample, encoding) if encoding in ("tcvn3", "vni", "cp1258") else sample.decode("utf-8", "replace")
    try:
        delimiter = csv.Sniffer().sniff(text[:8192].lstrip("\ufeff"), delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    with open(path, "rb") as f:
        total = max(0, sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b"")) - 1
                    + (0 if sample.endswith(b"\n") or not sample else 0))
    handle = open(path, "rb")
    lines = _lines(handle, encoding)
    reader = csv.reader((line.lstrip("\ufeff") if i == 0 else line for i, line in enumerate(lines)),
                        delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        handle.close()
        raise registers.RegisterProblem("addresses_public.registers.empty", name=path.name)
    return Register(path, "csv", encoding, [registers.cell_text(h) for h in header], total, delimiter,
                    reader, handle.close)


def open_xlsx(path: Path) -> Register:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=False)
    ws = book.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        book.close()
        raise registers.RegisterProblem("addresses_public.registers.empty", name=path.name)
    total = max(0, (ws.max_row or 1) - 1)
    return Register(path, "xlsx", None, [registers.cell_text(h) for h in header], total, ",", rows, book.close)


def open_register(path: str | Path, encoding: str | None = None) -> Register:
    path = Path(path)
    fmt = registers.file_format(path)
    return open_xlsx(path) if fmt == "xlsx" else open_csv(path, encoding)
