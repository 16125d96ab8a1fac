"""QR label sheets (geo.qr, geo.labels), read back as a printer and a phone would: the PDF with
pypdf (page size, labels, text with its accents, where each line sits), the QR codes with zxing-cpp."""
from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pytest
import zxingcpp
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf import PdfReader

from geo import gs1, labels, qr
from geo.labels import Label, LabelProblem
from geo.said import said_of

MM = 72 / 25.4  # PDF points in a millimetre
BASE = "https://trace.nghean.example.vn"
LOT_URL = gs1.build(BASE, "9506000134352", lot="CV-2026/11").uri
LONG_NAME = "Cam Vinh hữu cơ Nghi Lộc — loại đặc biệt xuất khẩu, hộp quà Tết"


def lot_label(url: str = LOT_URL, product: str = "Cam Vinh", lot: str = "Lô / Lot CV-2026/11") -> Label:
    return Label(url=url, product=product, lot=lot, harvest="Thu hoạch 28/11/2026",
                 url_text=url.removeprefix("https://"))


def decode(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


def runs(page) -> list[tuple[str, float, float, float, str]]:
    """(text, x, baseline y, size, font) of every text run on a page, in points from the bottom left."""
    out = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            out.append((text, tm[4], tm[5], size, font["/BaseFont"] if font else ""))
    page.extract_text(visitor_text=visit)
    return out


@pytest.mark.parametrize("url", [
    LOT_URL,
    gs1.build(BASE, "96385074", lot="!\"%&'()*+,-./:;<=>?_").uri,
    gs1.build(BASE, "05412345000013", lot="L1", serial="0001").uri + "?17=290331",
    "https://trace.nghean.example.vn/l/7Q2X",
])
def test_the_qr_code_decodes_to_the_exact_url(url):
    assert decode(Image.open(io.BytesIO(qr.png(url)))) == [url]
    code = qr.make(url)
    assert code.error in ("Q", "H")  # level Q at least, for labels that get scuffed
    assert qr.modules(url) == code.symbol_size(border=0)[0] + 2 * qr.QUIET_ZONE


def test_qr_refusals():
    for url, key in (("", "errors.labels.qr_empty"), ("https://t.vn/" + "a" * 600, "errors.labels.qr_too_long")):
        with pytest.raises(qr.QRProblem) as caught:
            qr.make(url)
        assert caught.value.key == key


@pytest.mark.parametrize("name", list(labels.SHEETS))
def test_each_sheet_prints_its_grid_on_a4_and_continues_on_the_next_page(name):
    sheet = labels.SHEETS[name]
    count = sheet.per_page + 3
    pdf = PdfReader(io.BytesIO(labels.render([lot_label()] * count, name)))
    assert len(pdf.pages) == 2
    for page in pdf.pages:
        assert (round(float(page.mediabox.width) / MM), round(float(page.mediabox.height) / MM)) == (210, 297)
    per_page = [sum(1 for r in runs(page) if r[0] == "Lô / Lot CV-2026/11") for page in pdf.pages]
    assert per_page == [sheet.per_page, 3]
    # One image for the whole file: every label of the lot carries the same code.
    assert len(pdf.pages[0].images) == 1 and len(pdf.pages[1].images) == 1


def test_skip_starts_after_the_labels_already_used():
    sheet = labels.SHEETS["a4-3x8-70x37"]
    pdf = PdfReader(io.BytesIO(labels.render([lot_label()] * 24, sheet, skip=5)))
    per_page = [sum(1 for r in runs(page) if r[0] == "Cam Vinh") for page in pdf.pages]
    assert per_page == [19, 5]
    first = min(runs(pdf.pages[0]), key=lambda r: (-r[2], r[1]))  # the top line of the first label
    x, y = sheet.corner(5)
    assert x * MM < first[1] < (x + sheet.label_w) * MM
    assert (297 - y - sheet.label_h) * MM < first[2] < (297 - y) * MM


def test_the_text_is_vietnamese_in_dejavu_and_nfc_even_when_typed_decomposed():
    decomposed = unicodedata.normalize("NFD", "Bưởi Phúc Trạch")
    label = Label(LOT_URL, decomposed, "Lô: B-1", "Thu hoạch: 01/11/2026", "trace.nghean.example.vn/l/7Q2Y")
    page = PdfReader(io.BytesIO(labels.render([label], "a4-3x8-70x37"))).pages[0]
    text = page.extract_text()
    for words in ("Bưởi Phúc Trạch", "Lô: B-1", "Thu hoạch: 01/11/2026", "trace.nghean.example.vn/l/7Q2Y"):
        assert words in text
    assert decomposed not in text
    assert all("DejaVuSans" in font for *_, font in runs(page))


def test_the_qr_code_in_the_pdf_decodes_to_the_lot_url():
    for name in labels.SHEETS:
        page = PdfReader(io.BytesIO(labels.render([lot_label()], name))).pages[0]
        [image] = page.images
        assert decode(image.image.convert("L")) == [LOT_URL], name


def _widths(path) -> tuple[dict, dict, int]:
    """The font file's own character map, advance widths and units per em (not fpdf2's measure)."""
    with TTFont(path) as font:
        return dict(font.getBestCmap()), dict(font["hmtx"].metrics), font["head"].unitsPerEm


def _advance(font: tuple[dict, dict, int], text: str, size: float) -> float:
    cmap, metrics, em = font
    return sum(metrics[cmap[ord(c)]][0] for c in text) * size / em


@pytest.mark.parametrize("name", list(labels.SHEETS))
def test_no_line_leaves_its_label_or_runs_into_the_qr_code(name):
    sheet = labels.SHEETS[name]
    long_url = gs1.build("https://truyxuat.nongthonmoi.nghean.example.vn", "9506000134352",
                         lot="ABCDEFGHIJ0123456789").uri
    batch = [lot_label(), lot_label(product=LONG_NAME), lot_label(url=long_url, product="Chè",
                                                                   lot="Lô / Lot ABCDEFGHIJ0123456789"),
             lot_label(product="Bưởi" * 30)]
    page = PdfReader(io.BytesIO(labels.render(batch, sheet))).pages[0]
    fonts = {"Bold": _widths(labels.find_font(name=labels.BOLD_FONT_FILE)), "": _widths(labels.find_font())}
    found = runs(page)
    assert len(found) >= 4 * 4
    for text, x, baseline, size, font in found:
        position = next((i for i in range(4) if sheet.corner(i)[0] * MM <= x < (sheet.corner(i)[0] + sheet.label_w) * MM
                         and (297 - sheet.corner(i)[1] - sheet.label_h) * MM < baseline < (297 - sheet.corner(i)[1]) * MM),
                        None)
        assert position is not None, (text, x, baseline)
        left, top = sheet.corner(position)
        qr_right = left + labels._padding(sheet) + min(sheet.label_h - 2 * labels._padding(sheet), sheet.label_w * 0.45)
        width = _advance(fonts["Bold" if "Bold" in font else ""], text, size)
        assert x >= qr_right * MM, (text, name)
        assert x + width <= (left + sheet.label_w) * MM + 0.01, (text, name)
        assert (297 - top - sheet.label_h) * MM < baseline - 0.25 * size and baseline + size < (297 - top) * MM, text
        assert size >= 4.5, (text, size)
    texts = [r[0] for r in found]
    assert "Cam Vinh" in texts and "Chè" in texts
    assert any(t.endswith("…") and t.startswith("Bưởi") for t in texts)  # cut, not overflowing
    # A URL too long is cut in its middle: its host and its end (the lot) stay readable.
    assert any(t.startswith("truyxuat.") and "…" in t and t.endswith("6789") for t in texts)


def test_a_long_product_name_goes_on_two_lines_on_a_wide_label():
    page = PdfReader(io.BytesIO(labels.render([lot_label(product=LONG_NAME)], "a4-2x7-99x38"))).pages[0]
    bold = [r for r in runs(page) if "Bold" in r[4]]
    assert len(bold) == 2 and " ".join(r[0] for r in bold) == LONG_NAME


def test_a_url_too_dense_for_the_label_is_refused_not_printed_unreadable():
    url = BASE + "/01/09506000134352/10/A?" + "&".join(f"k{i}=v{i}" for i in range(40))
    with pytest.raises(LabelProblem) as caught:
        labels.render([lot_label(url=url)], "a4-4x10-48x25")
    assert caught.value.key == "errors.labels.qr_too_small"
    assert caught.value.values["module"] < labels.MIN_MODULE_MM
    # The same URL fits a larger label, and still decodes.
    page = PdfReader(io.BytesIO(labels.render([lot_label(url=url)], "a4-2x7-99x38"))).pages[0]
    assert decode(page.images[0].image.convert("L")) == [url]


def test_refusals(tmp_path):
    with pytest.raises(LabelProblem) as caught:
        labels.find_font([tmp_path])
    assert caught.value.key == "errors.labels.font_missing"
    assert "fonts-dejavu-core" in str(caught.value) and str(tmp_path) in str(caught.value)
    assert said_of(caught.value).key == "errors.labels.font_missing"  # api/ says it in the reader's language
    with pytest.raises(LabelProblem) as caught:
        labels.render([lot_label()], "a4-3x8-70x37", font_dirs=[tmp_path])
    assert caught.value.key == "errors.labels.font_missing"
    with pytest.raises(LabelProblem) as caught:
        labels.render([lot_label()], "letter-1x1")
    assert caught.value.key == "errors.labels.unknown_sheet" and "a4-3x8-70x37" in str(caught.value)
    for skip in (-1, 24):
        with pytest.raises(LabelProblem) as caught:
            labels.render([lot_label()], "a4-3x8-70x37", skip=skip)
        assert (caught.value.key, caught.value.values) == ("errors.labels.bad_skip", {"value": skip, "limit": 23})
    with pytest.raises(LabelProblem) as caught:
        labels.render([lot_label()] * (labels.MAX_LABELS + 1), "a4-3x8-70x37")
    assert caught.value.key == "errors.labels.too_many"
    with pytest.raises(LabelProblem) as caught:
        labels.Sheet("a4-3x9-70x37", "none", 3, 9, 70.0, 37.0, 0.0, 0.5, 70.0, 37.0)
    assert caught.value.key == "errors.labels.sheet_overflow"


def test_every_label_refusal_is_exercised_here():
    source = Path(__file__).read_text("utf-8")
    for key in (*labels.LabelProblem.ENGLISH, *qr.QRProblem.ENGLISH):
        assert f'"{key}"' in source, key


def test_an_empty_print_job_is_one_blank_page():
    pdf = PdfReader(io.BytesIO(labels.render([], "a4-3x8-70x37")))
    assert len(pdf.pages) == 1 and not pdf.pages[0].extract_text().strip()

