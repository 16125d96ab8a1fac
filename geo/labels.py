"""Printable PDF sheets of QR labels for harvest lots, laid out for common sticker sheets.

Each label: the QR code of the lot's URL on the left, and on the right the product name, the
lot, the harvest date and the URL in short, as words the caller has already put in the reader's
language (api/ takes them from the catalogue and the formatter). Text never leaves its label: a
line too wide is set smaller down to a floor, then cut with "…". Vietnamese is set in DejaVu Sans
(Debian's fonts-dejavu-core, found at run time), after NFC normalisation so that a name typed
with combining accents prints as precomposed letters the font holds.

The sheets are data (`SHEETS`): page, grid, label size, margins and pitch, with the commercial
sheets they match. Identical QR codes (every label of one lot) are embedded once.
"""
from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable, Sized
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF

from geo import qr
from geo.said import Said

FONT_FILE = "DejaVuSans.ttf"
BOLD_FONT_FILE = "DejaVuSans-Bold.ttf"
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
             Path("/usr/share/fonts/TTF"), Path("/usr/local/share/fonts"))
MAX_LABELS = 10_000  # one PDF; more is several print jobs
MIN_MODULE_MM = 0.33  # below this a phone camera at arm's length stops reading the code
PT = 25.4 / 72  # mm in a typographic point


class LabelProblem(ValueError):
    """The sheet cannot be printed; `key`/`values` name the catalogue entry."""

    ENGLISH = {
        "errors.labels.font_missing": "the font {font} was not found in {dirs}: install the package "
                                      "fonts-dejavu-core (Debian, Ubuntu) or give its folder",
        "errors.labels.unknown_sheet": "unknown label sheet {value}; known sheets: {known}",
        "errors.labels.too_many": "a sheet file holds at most {limit} labels; split the print job",
        "errors.labels.bad_skip": "skip {value} must be between 0 and {limit}, the labels on one page",
        "errors.labels.qr_too_small": "the QR code of {url} needs {modules} modules across, which on a "
                                      "{side} mm square of sheet {sheet} is {module} mm a module, under "
                                      "the {minimum} mm a phone reads: choose larger labels or a shorter URL",
        "errors.labels.sheet_overflow": "sheet {sheet}: its labels reach past the page",
    }

    def __init__(self, key: str, **values) -> None:
        self.key, self.values = key, values
        super().__init__(Said(self.ENGLISH[key].format(**values), key, **values))


@dataclass(frozen=True)
class Sheet:
    """A sticker sheet: `columns` × `rows` labels of `label_w` × `label_h` mm, the first one's top
    left corner at (`left`, `top`), the next ones `pitch_x` / `pitch_y` further (mm)."""
    name: str
    matches: str  # commercial sheets of this layout, to help people pick
    columns: int
    rows: int
    label_w: float
    label_h: float
    left: float
    top: float
    pitch_x: float
    pitch_y: float
    page_w: float = 210.0  # A4
    page_h: float = 297.0

    def __post_init__(self) -> None:
        right = self.left + (self.columns - 1) * self.pitch_x + self.label_w
        bottom = self.top + (self.rows - 1) * self.pitch_y + self.label_h
        if right > self.page_w + 1e-6 or bottom > self.page_h + 1e-6 or self.pitch_x < self.label_w \
                or self.pitch_y < self.label_h:
            raise LabelProblem("errors.labels.sheet_overflow", sheet=self.name)

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def corner(self, position: int) -> tuple[float, float]:
        """Top left corner (mm from the page's top left) of the label at `position` on a page,
        counted along rows as people peel them."""
        row, column = divmod(position, self.columns)
        return self.left + column * self.pitch_x, self.top + row * self.pitch_y


SHEETS: dict[str, Sheet] = {s.name: s for s in (
    Sheet("a4-3x8-70x37", "Avery 3474 and other 24-up A4 sheets", 3, 8, 70.0, 37.0, 0.0, 0.5, 70.0, 37.0),
    Sheet("a4-2x7-99x38", "Avery L7163 / J8163, A4 14 labels", 2, 7, 99.1, 38.1, 4.65, 15.15, 101.6, 38.1),
    Sheet("a4-3x7-63x38", "Avery L7160 / J8160, A4 21 labels", 3, 7, 63.5, 38.1, 7.25, 15.15, 66.0, 38.1),
    Sheet("a4-4x10-48x25", "Avery 3657, A4 40 labels", 4, 10, 48.5, 25.4, 8.0, 21.5, 48.5, 25.4),
)}


@dataclass(frozen=True)
class Label:
    """What one label says: `url` goes in the QR code; the rest is printed as given."""
    url: str
    product: str
    lot: str  # e.g. "Lô / Lot A-2026-01"
    harvest: str  # e.g. "Thu hoạch 05/12/2026"
    url_text: str  # e.g. "ntm.nghean.vn/01/…/10/A-2026-01"


def find_font(dirs: Iterable[Path] = FONT_DIRS, name: str = FONT_FILE) -> Path:
    """The font file in the first folder that holds it, or a LabelProblem saying what to install."""
    dirs = [Path(d) for d in dirs]
    for folder in dirs:
        if (folder / name).is_file():
            return folder / name
    raise LabelProblem("errors.labels.font_missing", font=name, dirs=", ".join(map(str, dirs)) or "(none)")


def sheet_named(name: str) -> Sheet:
    if name not in SHEETS:
        raise LabelProblem("errors.labels.unknown_sheet", value=name, known=", ".join(SHEETS))
    return SHEETS[name]


# (style, largest size, smallest size in pt, where a line too long is cut) of each line, top to bottom.
_LINES = (("B", 11.0, 5.0, "end"), ("", 8.5, 4.5, "end"), ("", 8.5, 4.5, "end"), ("", 7.0, 5.0, "middle"))
_LEADING = 1.2


def render(labels: Iterable[Label], sheet: Sheet | str, *, skip: int = 0,
           font_dirs: Iterable[Path] = FONT_DIRS, outline: bool = False, title: str = "") -> bytes:
    """The PDF of `labels` on `sheet`, starting after `skip` labels already peeled off the first
    page; `outline` draws each label's edge (for a test print on plain paper)."""
    sheet = sheet_named(sheet) if isinstance(sheet, str) else sheet
    if isinstance(labels, Sized) and len(labels) > MAX_LABELS:  # an iterator is counted as it goes
        raise LabelProblem("errors.labels.too_many", limit=MAX_LABELS)
    if not 0 <= skip < sheet.per_page:
        raise LabelProblem("errors.labels.bad_skip", value=skip, limit=sheet.per_page - 1)
    font_dirs = list(font_dirs)
    regular = find_font(font_dirs)
    bold = next((d / BOLD_FONT_FILE for d in map(Path, font_dirs) if (d / BOLD_FONT_FILE).is_file()), regular)
    pdf = FPDF(unit="mm", format=(sheet.page_w, sheet.page_h))
    try:
        pdf.set_auto_page_break(False)
        pdf.set_margins(0, 0, 0)
        pdf.c_margin = 0
        pdf.add_font("DejaVu", "", str(regular))
        pdf.add_font("DejaVu", "B", str(bold))
        pdf.set_title(_clean(title))
        pdf.set_creator("ntm-map")
        _pages(pdf, labels, sheet, skip, outline)
        return bytes(pdf.output())
    finally:  # fpdf2 opens the font files lazily and never closes them
        for font in pdf.fonts.values():
            if getattr(font, "ttfont", None) is not None:
                font.ttfont.close()


def _pages(pdf: FPDF, labels: Iterable[Label], sheet: Sheet, skip: int, outline: bool) -> None:
    position = skip
    count = 0
    for label in labels:
        count += 1
        if count > MAX_LABELS:
            raise LabelProblem("errors.labels.too_many", limit=MAX_LABELS)
        if count == 1 or position == sheet.per_page:
            pdf.add_page()
            position = 0 if count > 1 else skip
        x, y = sheet.corner(position)
        _draw(pdf, sheet, label, x, y, outline)
        position += 1
    if count == 0:
        pdf.add_page()


def _padding(sheet: Sheet) -> float:
    return 1.5 if sheet.label_h < 30 else 2.0


def _draw(pdf: FPDF, sheet: Sheet, label: Label, x: float, y: float, outline: bool) -> None:
    pad = _padding(sheet)
    side = min(sheet.label_h - 2 * pad, sheet.label_w * 0.45)
    if outline:
        pdf.set_draw_color(180)
        pdf.rect(x, y, sheet.label_w, sheet.label_h)
    image, modules = _qr_image(label.url)
    if side / modules < MIN_MODULE_MM:
        raise LabelProblem("errors.labels.qr_too_small", url=label.url, modules=modules, side=round(side, 1),
                           sheet=sheet.name, module=round(side / modules, 2), minimum=MIN_MODULE_MM)
    pdf.image(io.BytesIO(image), x=x + pad, y=y + (sheet.label_h - side) / 2, w=side, h=side)
    left = x + pad + side + pad
    width = sheet.label_w - (side + 3 * pad)
    texts = [_clean(t) for t in (label.product, label.lot, label.harvest, label.url_text)]
    height = sheet.label_h - 2 * pad
    fitted = _layout(pdf, texts, width, height)
    used = sum(size * PT * _LEADING for _, _, size in fitted)
    cursor = y + pad + max(0.0, (height - used) / 2)
    for text, style, size in fitted:
        pdf.set_font("DejaVu", style, size)
        pdf.set_xy(left, cursor)
        pdf.cell(w=width, h=size * PT * _LEADING, text=text)  # no border, no padding (c_margin 0)
        cursor += size * PT * _LEADING


def _layout(pdf: FPDF, texts: list[str], width: float, height: float) -> list[tuple[str, str, float]]:
    """(text, style, size) of each printed line. A product name that would be cut or set much
    smaller on one line is tried on two, kept when both lines print whole at a larger size."""
    lines = [(t, *spec) for t, spec in zip(texts, _LINES) if t]
    one = _fit_all(pdf, lines, width, height)
    product = texts[0]
    if not product or " " not in product:
        return one
    first, size = one[0][0], one[0][2]
    if first == product and size >= 0.8 * _scale(lines, height) * _LINES[0][1]:
        return one
    words = product.split(" ")
    halves = min(((" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))),
                 key=lambda h: abs(len(h[0]) - len(h[1])))
    spec = _LINES[0]
    two = _fit_all(pdf, [(halves[0], *spec), (halves[1], *spec), *lines[1:]], width, height)
    common = min(two[0][2], two[1][2])
    whole = (two[0][0], two[1][0]) == halves
    if whole and common > size and sum(s * PT * _LEADING for *_, s in two) <= height:
        return [(halves[0], spec[0], common), (halves[1], spec[0], common), *two[2:]]
    return one


def _scale(lines, height: float) -> float:
    return min(1.0, height / sum(big * PT * _LEADING for _, _, big, _, _ in lines)) if lines else 1.0


def _fit_all(pdf: FPDF, lines, width: float, height: float) -> list[tuple[str, str, float]]:
    scale = _scale(lines, height)
    return [_fit(pdf, t, style, max(big * scale, small), small, width, cut) for t, style, big, small, cut in lines]


def _fit(pdf: FPDF, text: str, style: str, size: float, smallest: float, width: float, cut: str = "end"):
    """(text, style, size): the largest size down to `smallest` at which `text` fits `width`,
    else `text` cut with an ellipsis at `smallest`, at its end or (a URL) in its middle."""
    pdf.set_font("DejaVu", style, size)
    natural = pdf.get_string_width(text)
    if natural <= width:
        return text, style, size
    size = max(smallest, size * width / natural * 0.999)
    pdf.set_font("DejaVu", style, size)
    if pdf.get_string_width(text) <= width:
        return text, style, size

    def shortened(n: int) -> str:
        if cut == "middle":
            front = (n + 1) // 2
            return text[:front] + "…" + (text[len(text) - (n - front):] if n > front else "")
        return text[:n].rstrip() + "…"

    low, high = 0, len(text)  # the most characters kept that fit with "…"
    while low < high:
        mid = (low + high + 1) // 2
        if pdf.get_string_width(shortened(mid)) <= width:
            low = mid
        else:
            high = mid - 1
    return shortened(low), style, size


def _clean(text) -> str:
    """NFC, and no control characters or line breaks (a name pasted from a spreadsheet)."""
    text = unicodedata.normalize("NFC", "" if text is None else str(text))
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


@lru_cache(maxsize=64)
def _qr_image(url: str) -> tuple[bytes, int]:
    """PNG and width in modules; cached since a lot's labels all carry the same code."""
    return qr.png(url), qr.modules(url)
