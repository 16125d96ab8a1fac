"""The printable certificate of a growing-area code: one A4 page (fpdf2, DejaVu Sans).

What it says is given as plain values in the reader's language (api/ takes the words from the
catalogue, the numbers and dates from geo.formatting, the crop from geo.vocabulary): the title,
the code, the status in words, a warning when the code no longer certifies the area, the
register's lines (area, crop, commune, cooperative, validity …), a small map drawn from the
area's and the commune's coordinates (geo.pdf_map: vector paths, no tiles), and a QR code of the
area's public page, where its status today can always be checked. Nothing here reads a database;
nothing personal is asked for, so nothing personal can be printed.

The status decides the colour of the band under the code: green for a granted code, amber for a
suspended one, red for a revoked or expired one, so a photocopy of a lapsed certificate cannot
pass for a valid one at a glance.
"""
from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF

from geo import formatting, labels, pdf_map, qr

PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 18.0
STATUS_COLOURS = {"granted": (27, 122, 61), "suspended": (191, 120, 0), "revoked": (183, 28, 28),
                  "expired": (183, 28, 28)}
AREA_FILL, AREA_STROKE = "#2e7d32", "#1b5e20"
COMMUNE_STROKE = "#616161"
MAP_W, MAP_H = 110.0, 88.0
QR_SIDE = 42.0
INSET = 34.0  # mm: the enlarged area in the map's corner


@dataclass(frozen=True)
class Certificate:
    """Everything printed, already in the reader's words (see the module's docstring)."""
    lang: str  # "vi" or "en": how the scale's ratio is written
    title: str
    code: str
    status: str  # the stored status code (granted, suspended, revoked, expired): the band's colour
    status_text: str  # the status in words, printed large in the band
    warning: str  # "" for a valid code; else what the status means, printed in the band
    rows: tuple[tuple[str, str], ...]  # (label, value) in order
    qr_url: str
    qr_caption: str
    map_title: str
    map_legend: str  # what the colours are ("green: the growing area; grey line: the commune")
    scale_word: str  # "Tỷ lệ xấp xỉ" / "Approximate scale"
    footer: str
    area_shape: pdf_map.Shape = field(default_factory=tuple)
    commune_shape: pdf_map.Shape = field(default_factory=tuple)


def render(cert: Certificate, font_dirs: Iterable[Path] = labels.FONT_DIRS) -> bytes:
    """The certificate as PDF bytes (one page)."""
    font_dirs = [Path(d) for d in font_dirs]
    regular = labels.find_font(font_dirs)
    bold = next((d / labels.BOLD_FONT_FILE for d in font_dirs if (d / labels.BOLD_FONT_FILE).is_file()), regular)
    pdf = FPDF(unit="mm", format="A4")
    try:
        pdf.set_auto_page_break(False)
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.add_font("DejaVu", "", str(regular))
        pdf.add_font("DejaVu", "B", str(bold))
        pdf.set_title(_clean(f"{cert.title} {cert.code}"))
        pdf.set_creator("ntm-map")
        pdf.add_page()
        y = _heading(pdf, cert)
        y = _status(pdf, cert, y + 3)
        y = _rows(pdf, cert.rows, y + 5)
        _map_and_qr(pdf, cert, y + 6)
        _footer(pdf, cert.footer)
        return bytes(pdf.output())
    finally:  # fpdf2 opens the font files lazily and never closes them
        for font in pdf.fonts.values():
            if getattr(font, "ttfont", None) is not None:
                font.ttfont.close()


def _clean(text) -> str:
    """NFC, one line: no control characters (a name pasted from a spreadsheet)."""
    text = unicodedata.normalize("NFC", "" if text is None else str(text))
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _width() -> float:
    return PAGE_W - 2 * MARGIN


def _heading(pdf: FPDF, cert: Certificate) -> float:
    pdf.set_text_color(30)
    pdf.set_font("DejaVu", "B", 15)
    pdf.set_xy(MARGIN, MARGIN)
    pdf.multi_cell(w=_width(), h=7, text=_clean(cert.title), align="C")
    pdf.set_font("DejaVu", "B", 24)
    pdf.set_x(MARGIN)
    pdf.multi_cell(w=_width(), h=12, text=_clean(cert.code), align="C")
    return pdf.get_y()


def _status(pdf: FPDF, cert: Certificate, y: float) -> float:
    """A coloured band with the status in large white letters and, when the code is not valid,
    the warning under it."""
    colour = STATUS_COLOURS.get(cert.status, STATUS_COLOURS["revoked"])
    pdf.set_font("DejaVu", "B", 10)  # measured as it is printed
    warning = _clean(cert.warning)
    lines = pdf.multi_cell(w=_width() - 8, h=5, text=warning, dry_run=True, output="LINES") if warning else []
    height = 13 + 5 * len(lines) + (3 if lines else 0)
    pdf.set_fill_color(*colour)
    pdf.rect(MARGIN, y, _width(), height, style="F")
    pdf.set_text_color(255)
    size = 18.0
    pdf.set_font("DejaVu", "B", size)
    natural = pdf.get_string_width(_clean(cert.status_text))
    if natural > _width() - 6:  # a long status line is set smaller, never cut
        pdf.set_font("DejaVu", "B", size * (_width() - 6) / natural)
    pdf.set_xy(MARGIN, y + 3)
    pdf.cell(w=_width(), h=8, text=_clean(cert.status_text), align="C")
    if lines:
        pdf.set_font("DejaVu", "B", 10)
        pdf.set_xy(MARGIN + 4, y + 13)
        pdf.multi_cell(w=_width() - 8, h=5, text=warning, align="C")
    pdf.set_text_color(30)
    return y + height


def _rows(pdf: FPDF, rows, y: float) -> float:
    label_w = 52.0
    for label, value in rows:
        pdf.set_xy(MARGIN, y)
        pdf.set_font("DejaVu", "B", 10.5)
        pdf.multi_cell(w=label_w, h=6, text=_clean(label))
        after_label = pdf.get_y()
        pdf.set_xy(MARGIN + label_w, y)
        pdf.set_font("DejaVu", "", 10.5)
        pdf.multi_cell(w=_width() - label_w, h=6, text=_clean(value) or "—")
        y = max(after_label, pdf.get_y()) + 1.2
        pdf.set_draw_color(220)
        pdf.set_line_width(0.2)
        pdf.line(MARGIN, y - 0.6, MARGIN + _width(), y - 0.6)
    return y


def _map_and_qr(pdf: FPDF, cert: Certificate, y: float) -> None:
    pdf.set_font("DejaVu", "B", 10.5)
    pdf.set_xy(MARGIN, y)
    pdf.cell(w=MAP_W, h=6, text=_clean(cert.map_title))
    top = y + 7
    pdf.set_draw_color(150)
    pdf.set_line_width(0.3)
    pdf.rect(MARGIN, top, MAP_W, MAP_H)
    frame = pdf_map.fit([cert.commune_shape, cert.area_shape], MARGIN, top, MAP_W, MAP_H)
    pdf_map.draw(pdf, frame, cert.commune_shape, "#f2f2f2", COMMUNE_STROKE, 0.35)
    pdf_map.draw(pdf, frame, cert.area_shape, AREA_FILL, AREA_STROKE, 0.3)
    pdf_map.mark_if_small(pdf, frame, cert.area_shape, "#c62828")
    pdf.set_font("DejaVu", "", 7.5)
    pdf_map.draw_north(pdf, MARGIN + 7, top + 6)
    pdf_map.draw_scale_bar(pdf, frame, MARGIN + 4, top + MAP_H - 7.5, MAP_W * 0.3)
    ratio = formatting.number(_round_ratio(frame.ratio), cert.lang)
    pdf.set_xy(MARGIN + 4, top + MAP_H - 5)
    pdf.cell(w=MAP_W - INSET - 8, h=3.2, text=_clean(f"{cert.scale_word} 1:{ratio}"))
    _inset(pdf, cert, MARGIN + MAP_W - INSET - 1.5, top + MAP_H - INSET - 1.5)
    pdf.set_xy(MARGIN, top + MAP_H + 1.5)
    pdf.set_font("DejaVu", "", 8)
    pdf.multi_cell(w=MAP_W, h=4, text=_clean(cert.map_legend))

    qr_x = MARGIN + MAP_W + (_width() - MAP_W - QR_SIDE) / 2
    pdf.image(io.BytesIO(qr.png(cert.qr_url)), x=qr_x, y=top, w=QR_SIDE, h=QR_SIDE)
    pdf.set_xy(MARGIN + MAP_W + 4, top + QR_SIDE + 2)
    pdf.set_font("DejaVu", "", 8.5)
    pdf.multi_cell(w=_width() - MAP_W - 4, h=4.2, text=_clean(cert.qr_caption), align="C")
    pdf.set_x(MARGIN + MAP_W + 4)
    pdf.set_font("DejaVu", "", 7)
    pdf.multi_cell(w=_width() - MAP_W - 4, h=3.6, text=_clean(cert.qr_url), align="C")


def _inset(pdf: FPDF, cert: Certificate, x: float, y: float) -> None:
    """The area alone, enlarged, in the map's corner: its shape, which a commune-wide map shows
    as a dot, with its own scale bar."""
    if pdf_map.bounds([cert.area_shape]) is None:
        return
    pdf.set_fill_color(255)
    pdf.set_draw_color(120)
    pdf.set_line_width(0.3)
    pdf.rect(x, y, INSET, INSET, style="DF")
    frame = pdf_map.fit([cert.area_shape], x, y, INSET, INSET - 5, margin=0.1)
    pdf_map.draw(pdf, frame, cert.area_shape, AREA_FILL, AREA_STROKE, 0.25)
    pdf_map.draw_scale_bar(pdf, frame, x + 2, y + INSET - 2, INSET * 0.45)


def _round_ratio(ratio: float) -> float:
    """A ratio to two significant digits (1:23,000): more would claim a precision it lacks."""
    if ratio <= 0:
        return ratio
    digits = len(str(int(ratio))) - 2
    return round(ratio, -digits) if digits > 0 else round(ratio)


def _footer(pdf: FPDF, text: str) -> None:
    pdf.set_font("DejaVu", "", 8)
    pdf.set_text_color(90)
    pdf.set_xy(MARGIN, PAGE_H - MARGIN - 10)
    pdf.multi_cell(w=_width(), h=4, text=_clean(text), align="C")
    pdf.set_text_color(30)
