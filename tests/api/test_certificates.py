"""Growing-area certificates over HTTP: public, the facts and the status in the reader's words, a
map drawn as vector paths, a QR code of the area's public page, no owner name or phone, and a new
PDF (new ETag, new text) after the area changes."""
from __future__ import annotations

import io

import psycopg
import pytest
import zxingcpp
from pypdf import PdfReader

from geo import formatting
from tests.api.trace_helpers import COOPERATIVE, make_lots, private_values

PATH = "/collections/growing_areas/items/{}/certificate.pdf"


@pytest.fixture
def area(app_client, demo_db):
    lots = make_lots(demo_db)  # its areas have owners on record, which the certificate must not name
    area_id = lots["areas"][0]
    with psycopg.connect(demo_db) as conn:
        row = conn.execute("SELECT g.code, g.area_ha, c.full_name_vi, c.full_name_en FROM growing_areas g "
                           "JOIN communes c ON c.code = g.commune_code WHERE g.id = %s", (area_id,)).fetchone()
        draft = conn.execute("SELECT min(id) FROM growing_areas WHERE status = 'draft'").fetchone()[0]
    return {"id": area_id, "code": row[0], "ha": row[1], "commune_vi": row[2], "commune_en": row[3], "draft": draft,
            "url": demo_db, "client": app_client(demo_db), "private": private_values(demo_db, [area_id])}


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def test_a_granted_code_prints_its_facts_map_and_qr_and_nothing_personal(area):
    r = area["client"].get(PATH.format(area["id"]), params={"lang": "vi"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf" and r.headers["etag"].startswith(f'"cert-{area["id"]}-')
    text = text_of(r.content)
    for words in ("GIẤY CHỨNG NHẬN MÃ SỐ VÙNG TRỒNG", area["code"], "Đã cấp mã", area["commune_vi"],
                  formatting.area_ha(area["ha"], "vi"), "Tỷ lệ xấp xỉ 1:"):
        assert words in text, words
    assert COOPERATIVE in text  # the cooperative's name, markup and all, as letters on paper
    assert area["private"] and not [v for v in area["private"] if v in text]
    assert "0238 3861 234" not in text  # the cooperative's phone is public elsewhere, not printed here
    page = PdfReader(io.BytesIO(r.content)).pages[0]
    [image] = page.images
    decoded = [x.text for x in zxingcpp.read_barcodes(image.image.convert("L"))]
    assert decoded == [f"http://testserver/collections/growing_areas/items/{area['id']}"]
    assert b" B*" in page.get_contents().get_data()  # polygons filled even-odd: the map is vector paths


def test_english_words_when_asked(area):
    r = area["client"].get(PATH.format(area["id"]), params={"lang": "en"})
    text = text_of(r.content)
    assert "GROWING-AREA CODE CERTIFICATE" in text and "Granted" in text and "Approximate scale" in text
    assert formatting.area_ha(area["ha"], "en") in text and (area["commune_en"] or area["commune_vi"]) in text


def test_a_change_to_the_area_gives_a_new_pdf_on_the_next_request(area):
    c, path = area["client"], PATH.format(area["id"])
    first = c.get(path)
    tag = first.headers["etag"]
    assert c.get(path, headers={"If-None-Match": tag}).status_code == 304
    with psycopg.connect(area["url"]) as conn:
        conn.execute("UPDATE growing_areas SET name = 'Vùng cam đổi tên' WHERE id = %s", (area["id"],))
    renamed = c.get(path, headers={"If-None-Match": tag})
    assert renamed.status_code == 200 and renamed.headers["etag"] != tag
    assert "Vùng cam đổi tên" in text_of(renamed.content) and "Vùng cam đổi tên" not in text_of(first.content)
    with psycopg.connect(area["url"]) as conn:
        conn.execute("UPDATE growing_areas SET status = 'revoked' WHERE id = %s", (area["id"],))
    revoked = text_of(c.get(path, params={"lang": "vi"}).content)
    assert "Đã thu hồi" in revoked and "không còn giá trị" in revoked and "Đã cấp mã" not in revoked
    revoked_en = text_of(c.get(path, params={"lang": "en"}).content)
    assert "Revoked" in revoked_en and "no longer certifies" in revoked_en


def test_an_area_past_its_date_prints_as_expired(area):
    with psycopg.connect(area["url"]) as conn:
        conn.execute("SET ntm.bulk_load = 'on'")  # as if the expiry loop had not run yet
        conn.execute("UPDATE growing_areas SET valid_from = DATE '2020-01-01', valid_to = DATE '2021-01-01' "
                     "WHERE id = %s", (area["id"],))
    text = text_of(area["client"].get(PATH.format(area["id"]), params={"lang": "en"}).content)
    assert "Expired" in text and "has expired" in text and "31 Dec" not in text and "1 Jan 2021" in text


def test_no_certificate_without_a_code(area):
    for area_id in (area["draft"], 999_999):
        r = area["client"].get(PATH.format(area_id))
        assert r.status_code == 404, r.text
        assert "holds no code" in r.json()["description"]
    r = area["client"].get(PATH.format(area["draft"]), params={"lang": "vi"})
    assert r.status_code == 404 and "không có mã số" in r.json()["description"]
