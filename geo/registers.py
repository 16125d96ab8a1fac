"""A commune's household register as a file (issue 16): its columns, the template, reading one row,
and writing rows back with a `reason` column in the file's own format.

Registers come as CSV (often saved by old Excel in TCVN3 or VNI, detected by geo.vn_encodings)
or Excel `.xlsx`. Columns are found by their header, folded (no diacritics, any case) and compared
with the names people use ("Thôn/xóm", "Chủ hộ", "Họ tên chủ hộ", "SĐT", "Số CCCD", …); the
village column is required, the others optional. Every cell is kept as text: a formula typed in
a register (`=1+2`, `=cmd|' /C calc'!A0`) is stored as the characters typed, never evaluated,
and written back so no spreadsheet runs it (a CSV cell gets OWASP's leading quote, geo.csv_cells;
an .xlsx cell is written as a string, not a formula).

Pure: the standard library and openpyxl, no database.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from pathlib import Path

from geo.csv_cells import safe_text
from geo.said import Said
from geo.village_match import fold
from geo.vn_encodings import encode_tcvn3, encode_vni

FIELDS = ("village", "head_name", "members", "phone", "address_text", "national_id")
# The template's header (Vietnamese, as communes keep registers) and the names each field is found by.
TEMPLATE_HEADER = ("Thôn/xóm", "Chủ hộ", "Số nhân khẩu", "Số điện thoại", "Địa chỉ", "Số CCCD")
ALIASES = {
    "village": ("thon xom", "thon", "xom", "ban", "ap", "thon ban", "thon xom ban", "ten thon", "khoi", "village",
                "hamlet", "thon to dan pho"),
    "head_name": ("chu ho", "ho ten chu ho", "ten chu ho", "ho va ten chu ho", "ho ten", "head of household",
                  "head", "name"),
    "members": ("so nhan khau", "nhan khau", "so thanh vien", "so nguoi", "members", "household size"),
    "phone": ("so dien thoai", "dien thoai", "sdt", "so dt", "dt", "phone", "telephone"),
    "address_text": ("dia chi", "dia chi chi tiet", "address", "address text"),
    "national_id": ("so cccd", "cccd", "so cmnd", "cmnd", "so dinh danh", "cccd cmnd", "so cccd cmnd",
                    "id number", "national id"),
}
_BY_ALIAS = {alias: field for field, names in ALIASES.items() for alias in names}
REASON = "reason"
MAX_CELL = 500  # characters kept of one cell: a register's cells are short; more is pasted junk


class RegisterProblem(ValueError):
    """The file cannot be read as a register; `key`/`values` name the catalogue entry."""

    ENGLISH = {
        "addresses_public.registers.no_village_column": "no village column in the header ({header}); name one "
                                                        "'Thôn/xóm' as in the template",
        "addresses_public.registers.format": "{name}: a register is a .csv or .xlsx file",
        "addresses_public.registers.empty": "{name} has no header row",
    }

    def __init__(self, key: str, **values) -> None:
        self.key, self.values = key, values
        super().__init__(Said(self.ENGLISH[key].format(**values), key, **values))


def file_format(name: str | Path) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".xlsx", ".txt"):
        raise RegisterProblem("addresses_public.registers.format", name=Path(name).name)
    return "xlsx" if suffix == ".xlsx" else "csv"


def header_map(header: list[str]) -> dict[str, int]:
    """field → column index, from the header's names (first column of each field wins)."""
    found: dict[str, int] = {}
    for i, name in enumerate(header):
        field = _BY_ALIAS.get(fold(name))
        if field and field not in found:
            found[field] = i
    if "village" not in found:
        raise RegisterProblem("addresses_public.registers.no_village_column",
                              header=", ".join(h for h in header if h) or "-")
    return found


def cell_text(value) -> str:
    """A cell as text: numbers without a trailing .0, dates as ISO, strings as typed (cut)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        value = value.isoformat()
    return " ".join(str(value).split())[:MAX_CELL] if not isinstance(value, str) else value.strip()[:MAX_CELL]


def _members(text: str) -> int | None:
    found = re.fullmatch(r"\s*(\d{1,3})(?:[.,]0+)?\s*(?:người|nguoi|nk)?\s*", text or "", re.IGNORECASE)
    return int(found.group(1)) if found and 0 < int(found.group(1)) <= 99 else None


def _phone(text: str) -> str | None:
    digits = re.sub(r"[\s.\-()]", "", text or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if re.fullmatch(r"\d{9}", digits) and digits[0] in "35789":  # a number cell lost its leading 0
        digits = "0" + digits
    return digits if re.fullmatch(r"0\d{9,10}", digits) else (text or None)


def _national_id(text: str) -> str | None:
    digits = re.sub(r"\s", "", text or "")
    if re.fullmatch(r"\d{11}", digits):  # a number cell lost its leading 0 (CCCD start with 0)
        digits = "0" + digits
    return digits or None


def row_values(cells: list[str], columns: dict[str, int]) -> dict:
    """The register's fields of one row (cells as text): members a number or None, phone and ID
    number with lost leading zeros put back."""
    get = {f: (cells[i] if i < len(cells) else "") for f, i in columns.items()}
    return {"village_text": get.get("village") or None, "head_name": get.get("head_name") or None,
            "members": _members(get.get("members", "")), "phone": _phone(get.get("phone", "")),
            "address_text": get.get("address_text") or None, "national_id": _national_id(get.get("national_id", ""))}


def encode_line(text: str, encoding: str) -> bytes:
    """A line of a CSV written back in the file's own encoding (UTF-8 when that cannot hold it)."""
    if encoding == "tcvn3":
        return encode_tcvn3(text, fold_capitals=True)
    if encoding == "vni":
        return encode_vni(text)
    if encoding == "cp1258":
        return text.encode("cp1258")
    return text.encode("utf-8")


def write_csv(header: list[str], rows: Iterable[tuple[list[str], str]], encoding: str, delimiter: str = ",") -> bytes:
    """Rows (cells, reason) as CSV in `encoding` (falling back to UTF-8 with a BOM when a cell
    cannot be written in it), every text cell safe from spreadsheet formulas."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([safe_text(h) for h in [*header, REASON]])
    for cells, reason in rows:
        writer.writerow([safe_text(c) for c in [*cells, *[""] * (len(header) - len(cells)), reason]])
    value = text.getvalue()
    if encoding in ("tcvn3", "vni", "cp1258"):
        try:
            return encode_line(value, encoding)
        except (ValueError, UnicodeEncodeError):
            pass
    return "\ufeff".encode() + value.encode("utf-8") if encoding not in ("utf-8", "ascii") else value.encode("utf-8")


def write_xlsx(header: list[str], rows: Iterable[tuple[list[str], str]], sheet: str = "register") -> bytes:
    """Rows (cells, reason) as an .xlsx sheet; every cell a string, so `=…` is text, not a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)

    def text_row(values):
        out = []
        for v in values:
            cell = WriteOnlyCell(ws, value=v)
            cell.data_type = "s"  # a string starting with "=" would otherwise be written as a formula
            out.append(cell)
        return out

    ws.append(text_row([*header, REASON]))
    for cells, reason in rows:
        ws.append(text_row([*cells, *[""] * (len(header) - len(cells)), reason]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template(fmt: str) -> bytes:
    """The empty register to fill in (header and one example row), as CSV (UTF-8) or .xlsx."""
    example = ["Xóm 5", "Nguyễn Văn An", "4", "0912345678", "Xóm 5, xã Diễn Kim", "040085001234"]
    if fmt == "csv":
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerows([TEMPLATE_HEADER, example])
        return "\ufeff".encode() + text.getvalue().encode("utf-8")
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "so_ho"
    ws.append(list(TEMPLATE_HEADER))
    ws.append(example)
    for column in ws.columns:
        for cell in column:
            cell.number_format = "@"  # text: phone and ID numbers keep their leading 0
        ws.column_dimensions[column[0].column_letter].width = 22
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Why a register row is given back to staff, in the file's reason column (vi, en).
REASONS = {
    "empty": ("không ghi thôn/xóm", "no village given"),
    "none": ("không có thôn/xóm nào của xã tên là \"{village}\"", "no village of the commune is called \"{village}\""),
    "ambiguous": ("\"{village}\" có thể là nhiều thôn: {candidates}", "\"{village}\" could be several villages: {candidates}"),
    "no_point": ("đã khớp với {matched} nhưng chưa có điểm nhà (theo số CCCD, số điện thoại hoặc tên chủ hộ): "
                 "cần định vị", "matched to {matched} but no household point there has this ID number, phone or "
                 "head's name: place it"),
    "duplicate": ("trùng với dòng {row}", "repeats row {row}"),
}


def reason(kind: str, lang: str, **values) -> str:
    vi, en = REASONS[kind]
    return (vi if lang == "vi" else en).format(**values)
