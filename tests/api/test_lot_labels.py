"""Label sheets over HTTP: who may print, what the QR code holds (decoded from the PDF's image with
zxing-cpp), the refusals, and 10,000 labels rendered by a printing worker under a 128 MB cap."""
from __future__ import annotations

import io
import math
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import pytest
import zxingcpp
from pypdf import PdfReader

from geo import formatting, labels as sheets
from tests.api.trace_helpers import DL_PATH, GTIN, LOT_CODE, make_lots, token

PATH = "/collections/harvest_lots/items/{}/labels.pdf"


@pytest.fixture
def printing(app_client, demo_db):
    lots = make_lots(demo_db)
    with psycopg.connect(demo_db) as conn:
        other = conn.execute("SELECT min(id) FROM cooperatives WHERE id <> %s", (lots["coop"],)).fetchone()[0]
        commune = conn.execute("SELECT min(code) FROM communes").fetchone()[0]
    who = {"htx": token(demo_db, "htx.in", "cooperative", cooperative_id=lots["coop"]),
           "other": token(demo_db, "htx.khac", "cooperative", cooperative_id=other),
           "province": token(demo_db, "tinh.in", "province_staff", ["40"]),
           "elsewhere": token(demo_db, "tinh.khac", "province_staff", ["38"]),
           "commune": token(demo_db, "xa.in", "commune_staff", [commune]),
           "admin": token(demo_db, "quantri", "admin")}
    return {**lots, "who": who, "client": app_client(demo_db, print_memory_mb=128)}


def qr_texts(pdf: bytes) -> list[str]:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    [image] = page.images  # every label of a lot shares one embedded image
    return [r.text for r in zxingcpp.read_barcodes(image.image.convert("L"))
            if r.format == zxingcpp.BarcodeFormat.QRCode]


def leftovers() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("ntm-labels-*.pdf")}


def test_the_qr_code_in_the_pdf_is_the_lots_digital_link_and_the_words_are_in_the_language(printing):
    c, who = printing["client"], printing["who"]
    r = c.get(PATH.format(printing["gs1"]), params={"count": 3, "lang": "vi", "outline": "true"}, headers=who["htx"])
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf" and r.headers["cache-control"] == "no-store"
    assert qr_texts(r.content) == [f"http://testserver{DL_PATH}"]
    assert DL_PATH == f"/01/{GTIN}/10/CV-2026%2F11"
    text = PdfReader(io.BytesIO(r.content)).pages[0].extract_text()
    day = printing["harvest"]
    assert f"Lô: {LOT_CODE}" in text and f"Thu hoạch: {formatting.day(day, 'vi')}" in text
    assert "Cam <b>Vinh</b>" in text  # a PDF's text: markup is just letters
    assert "testserver/01/0" in text and "10/CV-2026%2F11" in text  # the URL in short, cut in its middle
    r = c.get(PATH.format(printing["gs1"]), params={"lang": "en"}, headers=who["province"])
    text = PdfReader(io.BytesIO(r.content)).pages[0].extract_text()
    assert f"Lot: {LOT_CODE}" in text and f"Harvested: {day.day} {formatting.MONTHS_EN[day.month - 1]} {day.year}" in text


def test_a_product_without_gtin_gets_the_short_url(printing):
    r = printing["client"].get(PATH.format(printing["short"]), headers=printing["who"]["admin"])
    assert r.status_code == 200, r.text
    assert qr_texts(r.content) == [f"http://testserver/l/{printing['short']}"]


def test_ten_thousand_labels_stream_from_a_worker_capped_at_128_mb(printing):
    """The printing worker's watcher ends any job whose address space reaches the cap (a 503):
    a 200 with every page means the whole job stayed under 128 MB of address space beyond the loaded worker."""
    before = leftovers()
    r = printing["client"].get(PATH.format(printing["gs1"]), params={"count": 10_000, "sheet": "a4-3x8-70x37"},
                               headers=printing["who"]["htx"])
    assert r.status_code == 200, r.text
    pdf = PdfReader(io.BytesIO(r.content))
    assert len(pdf.pages) == math.ceil(10_000 / 24) == 417
    assert qr_texts(r.content) == [f"http://testserver{DL_PATH}"]
    assert leftovers() <= before  # the temporary file is gone once sent


def test_other_requests_are_answered_while_a_big_sheet_is_drawn(printing):
    """The sheet is drawn in a worker process: the event loop answers a request sent while the
    job runs (its temporary file exists), before the job ends."""
    c, before, answer, done = printing["client"], leftovers(), {}, threading.Event()

    def print_big():
        answer["labels"] = c.get(PATH.format(printing["gs1"]), params={"count": 10_000},
                                 headers=printing["who"]["htx"])
        done.set()

    job = threading.Thread(target=print_big)
    job.start()
    for _ in range(6000):  # until the worker has the job (at most a minute on a loaded machine)
        if leftovers() - before or done.is_set():
            break
        time.sleep(0.01)
    other = c.get("/conformance")
    assert other.status_code == 200 and not done.is_set()
    job.join()
    assert answer["labels"].status_code == 200


def test_skip_starts_after_used_labels_and_the_pages_follow(printing):
    r = printing["client"].get(PATH.format(printing["gs1"]), params={"count": 40, "skip": 30, "sheet": "a4-4x10-48x25"},
                               headers=printing["who"]["htx"])
    assert r.status_code == 200, r.text
    assert len(PdfReader(io.BytesIO(r.content)).pages) == 2  # 10 on the used sheet, 30 on the next


@pytest.mark.parametrize("who, status", [(None, 401), ("other", 403), ("commune", 403), ("elsewhere", 403)])
def test_only_the_cooperative_province_staff_or_admins_print(printing, who, status):
    headers = printing["who"][who] if who else {}
    r = printing["client"].get(PATH.format(printing["gs1"]), headers=headers)
    assert r.status_code == status, r.text
    assert r.json()["status"] == status


def test_an_unknown_lot_is_a_404_and_a_recalled_lot_a_409(printing):
    c, admin = printing["client"], printing["who"]["admin"]
    r = c.get(PATH.format(999_999), headers=admin)
    assert r.status_code == 404 and "999999" in r.json()["description"]
    with psycopg.connect(printing["url"]) as conn:
        conn.execute("UPDATE harvest_lots SET status = 'recalled', recall_reason = 'dư lượng', recalled_at = now() "
                     "WHERE id = %s", (printing["gs1"],))
    r = c.get(PATH.format(printing["gs1"]), headers=printing["who"]["htx"])
    assert r.status_code == 409 and LOT_CODE in r.json()["description"] and "recalled" in r.json()["description"]
    r = c.get(PATH.format(printing["gs1"]) + "?lang=vi", headers=printing["who"]["htx"])
    assert r.status_code == 409 and "thu hồi" in r.json()["description"]


@pytest.mark.parametrize("params, words", [
    ({"count": 10_001}, ["10001", "10000"]), ({"count": 0}, ["between 1 and 10000"]),
    ({"sheet": "a5-lol"}, ["a5-lol", *sheets.SHEETS]), ({"skip": 24}, ["24", "23"]),
    ({"count": "many"}, ["count"]),
])
def test_bad_print_jobs_are_400s_saying_what_is_wrong(printing, params, words):
    r = printing["client"].get(PATH.format(printing["gs1"]), params=params, headers=printing["who"]["htx"])
    assert r.status_code == 400, r.text
    for word in words:
        assert word in r.json()["description"]
