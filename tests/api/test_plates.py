"""A village's address plates over HTTP on the demo in a real PostGIS: one plate per active
household, eight to an A4 page, the Vietnamese words extracted back from the PDF exactly (pypdf),
every QR code read back by zxing-cpp from the page drawn by PDFium; staff of the commune or
province only; a retired code gets no plate."""
from __future__ import annotations

import io
import unicodedata

import psycopg
import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from geo import plates
from tests.api.growing_helpers import make_user


@pytest.fixture(scope="module")
def village(databases, demo_template):
    """A demo village with a diacritic in its name and its commune's, one household retired."""
    url = databases.create(template=demo_template)
    with psycopg.connect(url) as conn:
        row = conn.execute("""
            SELECT v.id, v.name, v.commune_code, c.full_name_vi, c.full_name_en, c.province_code, count(*) AS n
            FROM villages v JOIN communes c ON c.code = v.commune_code JOIN households h ON h.village_id = v.id
            WHERE v.name ~ '[ốóồộ]' AND c.full_name_vi ~ '[ãễịạ]'
            GROUP BY v.id, c.code, c.full_name_vi, c.full_name_en, c.province_code HAVING count(*) >= 3 ORDER BY count(*) DESC, v.id LIMIT 1""").fetchone()
        assert row, "the demo has such a village"
        codes = [r[0] for r in conn.execute(
            "SELECT address_code FROM households WHERE village_id = %s ORDER BY address_code", (row[0],))]
        conn.execute("UPDATE households SET status = 'retired', retired_at = now() WHERE address_code = %s",
                     (codes[-1],))
        other = conn.execute("SELECT code FROM communes WHERE code <> %s ORDER BY code LIMIT 1", (row[2],)).fetchone()[0]
    vid, name, commune, commune_vi, commune_en, province, _ = row
    return {"url": url, "id": vid, "name": name, "commune": commune, "commune_vi": commune_vi,
            "commune_en": commune_en, "province": province, "codes": codes[:-1], "retired": codes[-1],
            "other": other}


@pytest.fixture(scope="module")
def client(settings, village):
    from tests.support import started_client
    with started_client(settings, village["url"]) as c:
        yield c


@pytest.fixture(scope="module")
def users(village):
    url = village["url"]
    return {"commune": make_user(url, "xa.in", "commune_staff", [village["commune"]]),
            "province": make_user(url, "tinh.in", "province_staff", [village["province"]]),
            "elsewhere": make_user(url, "xa.khac", "commune_staff", [village["other"]]),
            "viewer": make_user(url, "xem", "viewer", [])}


def path(village) -> str:
    return f"/collections/villages/items/{village['id']}/plates.pdf"


def test_one_plate_per_active_household_with_words_and_qr_codes_read_back(client, village, users):
    r = client.get(path(village), headers=users["commune"])
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf", r.text
    assert r.headers["cache-control"] == "no-store"
    reader = PdfReader(io.BytesIO(r.content))
    n = len(village["codes"])
    assert len(reader.pages) == -(-n // plates.PER_PAGE)
    text = unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in reader.pages))
    for code in village["codes"]:
        assert text.count(code) == 2  # the big code and the page's URL under it
    assert village["retired"] not in text
    assert text.count(village["name"]) == n and text.count(village["commune_vi"]) == n
    assert "Plus Code" in text
    pdf = pypdfium2.PdfDocument(r.content)
    read = [b.text for b in zxingcpp.read_barcodes(pdf[0].render(scale=2).to_pil())]
    assert sorted(read) == [f"http://testserver/a/{c}" for c in village["codes"][:plates.PER_PAGE]]


def test_english_plates_name_the_commune_in_english(client, village, users):
    r = client.get(path(village), params={"lang": "en"}, headers=users["province"])
    assert r.status_code == 200
    text = unicodedata.normalize("NFC", PdfReader(io.BytesIO(r.content)).pages[0].extract_text())
    assert village["commune_en"] in text and village["name"] in text


@pytest.mark.parametrize("who,status", [("elsewhere", 403), ("viewer", 403), (None, 401)])
def test_only_staff_of_the_commune_or_province_print(client, village, users, who, status):
    r = client.get(path(village), headers=users[who] if who else {})
    assert r.status_code == status, r.text


def test_no_village_is_a_404_in_the_language_asked(client, users):
    r = client.get("/collections/villages/items/999999/plates.pdf", params={"lang": "vi"}, headers=users["commune"])
    assert r.status_code == 404 and "không có thôn 999999" in r.json()["description"]


def test_the_plates_are_drawn_in_a_bounded_worker(client, village, users, settings):
    """A job overrunning its time is stopped and said (503), nothing half-sent."""
    from tests.support import started_client
    with started_client(settings, village["url"], print_timeout_s=0.001) as slow:
        r = slow.get(path(village), headers=users["commune"])
    assert r.status_code == 503 and r.headers["retry-after"] == "5"
