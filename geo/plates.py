"""Address plates of a village as one A4 PDF (issue 16): one plate per household, eight to a page.

A plate is fixed by the door of a house and read from the lane: the address code across its top
in large bold type (the check character in the same type: people copy the whole code), under it
the QR code of the address page (`/a/{code}`, geo.qr: level Q, since plates weather) and beside
it the village, the commune, the Plus Code and the page's address in short. The words come
already in the reader's language; this module only lays them out. Vietnamese is set in DejaVu
Sans (found as geo.labels finds it) after NFC normalisation, so a name typed with combining
accents prints as the precomposed letters the font holds and extracts back as typed.

Each plate is 95 x 68 mm inside thin grey cut lines, 2 x 4 to an A4 page; a line too wide is set
smaller down to a floor, then cut with "…". Pure: no database, no web.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

from geo import qr
from geo.labels import BOLD_FONT_FILE, FONT_DIRS, MIN_MODULE_MM, PT, _clean, find_font
from geo.said import Said

MAX_PLATES = 5_000  # a village's households, with room; more is a mistake, not a print job
PAGE_W, PAGE_H = 210.0, 297.0
COLUMNS, ROWS = 2, 4
PLATE_W, PLATE_H = 95.0, 68.0
LEFT = (PAGE_W - COLUMNS * PLATE_W) / 2
TOP = (PAGE_H - ROWS * PLATE_H) / 2
PAD = 4.0
QR_SIDE = 44.0
PER_PAGE = COLUMNS * ROWS
LEADING = 1.2


class PlateProblem(ValueError):
    """The plates cannot be printed; `key`/`values` name the catalogue entry."""

    ENGLISH = {
        "addresses_public.plates.too_many": "one PDF holds at most {limit} plates; this village has {count}",
        "addresses_public.plates.none": "the village has no household with an address code to print",
        "addresses_public.plates.qr_too_small": "the QR code of {url} needs {modules} modules across: too dense for a plate",
    }

    def __init__(self, key: str, **values) -> None:
        self.key, self.values = key, values
        super().__init__(Said(self.ENGLISH[key].format(**values), key, **values))


@dataclass(frozen=True)
class Plate:
    """One house's plate: `url` goes in the QR code; the rest is printed as given."""
    url: str
    code: str
    village: str  # e.g. "Xóm 5"
    commune: str  # e.g. "Xã Diễn Kim"
    plus_code: str  # e.g. "Plus Code 7PC7MMGG+QG"
    url_text: str  # e.g. "ntm.nghean.vn/a/GP16-0001-M"


def corner(position: int) -> tuple[float, float]:
    """Top left corner (mm) of the plate at `position` on its page, along rows."""
    row, column = divmod(position, COLUMNS)
    return LEFT + column * PLATE_W, TOP + row * PLATE_H


def render(plates: Iterable[Plate], *, title: str = "", font_dirs: Iterable[Path] = FONT_DIRS) -> bytes:
    """The PDF of `plates`, in order, eight to an A4 page."""
    font_dirs = list(font_dirs)
    regular = find_font(font_dirs)
    bold = next((Path(d) / BOLD_FONT_FILE for d in font_dirs if (Path(d) / BOLD_FONT_FILE).is_file()), regular)
    pdf = FPDF(unit="mm", format="A4")
    try:
        pdf.set_auto_page_break(False)
        pdf.set_margins(0, 0, 0)
        pdf.c_margin = 0
        pdf.add_font("DejaVu", "", str(regular))
        pdf.add_font("DejaVu", "B", str(bold))
        pdf.set_title(_clean(title))
        pdf.set_creator("ntm-map")
        count = 0
        for count, plate in enumerate(plates, 1):
            if count > MAX_PLATES:
                raise PlateProblem("addresses_public.plates.too_many", limit=MAX_PLATES, count=f"{count}+")
            position = (count - 1) % PER_PAGE
            if position == 0:
                pdf.add_page()
            _draw(pdf, plate, *corner(position))
        if count == 0:
            raise PlateProblem("addresses_public.plates.none")
        return bytes(pdf.output())
    finally:  # fpdf2 opens the font files lazily and never closes them
        for font in pdf.fonts.values():
            if getattr(font, "ttfont", None) is not None:
                font.ttfont.close()


def _draw(pdf: FPDF, plate: Plate, x: float, y: float) -> None:
    pdf.set_draw_color(170)
    pdf.set_line_width(0.2)
    pdf.rect(x, y, PLATE_W, PLATE_H)  # the cut line
    inner = PLATE_W - 2 * PAD
    code, size = _fit(pdf, _clean(plate.code), "B", 28.0, 14.0, inner)
    pdf.set_font("DejaVu", "B", size)
    pdf.set_xy(x + PAD, y + PAD)
    pdf.cell(w=inner, h=size * PT * LEADING, text=code, align="C")
    rule = y + PAD + size * PT * LEADING + 1.0
    pdf.set_draw_color(60)
    pdf.set_line_width(0.4)
    pdf.line(x + PAD, rule, x + PLATE_W - PAD, rule)
    side = min(QR_SIDE, y + PLATE_H - PAD - rule - 1.5)
    _qr(pdf, plate.url, x + PAD - 1.0, rule + 1.5, side)
    left = x + PAD + side + 1.0
    width = x + PLATE_W - PAD - left
    cursor = rule + 3.0
    for text, style, big, small in ((plate.village, "B", 15.0, 8.0), (plate.commune, "", 11.0, 6.5),
                                    (plate.plus_code, "", 8.0, 5.5), (plate.url_text, "", 7.0, 5.0)):
        for line in _lines(pdf, _clean(text), style, big, small, width):
            line_text, line_size = line
            pdf.set_font("DejaVu", style, line_size)
            pdf.set_xy(left, cursor)
            pdf.cell(w=width, h=line_size * PT * LEADING, text=line_text)
            cursor += line_size * PT * LEADING
        cursor += 1.5


def _qr(pdf: FPDF, url: str, x: float, y: float, side: float) -> None:
    """The QR code as vector squares (each row's runs of dark modules one rectangle): sharp at
    any printer's resolution, and no image to encode per house. The quiet zone is left white."""
    symbol = qr.make(url)
    rows = list(symbol.matrix_iter(border=qr.QUIET_ZONE))
    module = side / len(rows)
    if module < MIN_MODULE_MM:
        raise PlateProblem("addresses_public.plates.qr_too_small", url=url, modules=len(rows))
    pdf.set_fill_color(0)
    for r, row in enumerate(rows):
        start = None
        for c, dark in enumerate((*row, False)):
            if dark and start is None:
                start = c
            elif not dark and start is not None:
                pdf.rect(x + start * module, y + r * module, (c - start) * module, module, style="F")
                start = None


def _lines(pdf: FPDF, text: str, style: str, big: float, small: float, width: float) -> list[tuple[str, float]]:
    """One line at the largest size that fits; else two lines split between words when that
    keeps the text whole at a larger size than one line would; else one line cut with "…"."""
    if not text:
        return []
    one, size = _fit(pdf, text, style, big, small, width)
    if one == text and size >= 0.8 * big or " " not in text:
        return [(one, size)]
    words = text.split(" ")
    halves = min(((" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))),
                 key=lambda h: abs(len(h[0]) - len(h[1])))
    fitted = [_fit(pdf, h, style, big, small, width) for h in halves]
    common = min(s for _, s in fitted)
    if all(t == h for (t, _), h in zip(fitted, halves)) and common > size:
        return [(h, common) for h in halves]
    return [(one, size)]


def _fit(pdf: FPDF, text: str, style: str, size: float, smallest: float, width: float) -> tuple[str, float]:
    """(text, size): the largest size down to `smallest` at which `text` fits `width`, else the
    text cut with "…" at `smallest`."""
    pdf.set_font("DejaVu", style, size)
    natural = pdf.get_string_width(text)
    if natural <= width:
        return text, size
    size = max(smallest, size * width / natural * 0.999)
    pdf.set_font("DejaVu", style, size)
    if pdf.get_string_width(text) <= width:
        return text, size
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if pdf.get_string_width(text[:mid].rstrip() + "…") <= width:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + "…", size
