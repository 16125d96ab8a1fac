"""Uploads cannot make the server read its own files or fetch URLs (issue 11, items 1 and 7).

Through HTTP, as the outside tester did: a GDAL VRT named .geojson, .json or .kml, alone or in a
zip or KMZ, whose source is a local secret or a URL; a GDALG pipeline; a GeoJSON whose crs is a
link. Each is a 4xx that says what is wrong, the secret is nowhere in the answer, no request
reaches the URL, and nothing is stored. A NUL or an overlong file name is a 400, not a 500, and
values quoted back in a report are cut short.
"""
from __future__ import annotations

import json

import pytest

from tests.api.growing_helpers import commune_with_room, counts, free_spots, make_user, settle_expiry, square
from tests.hostile_files import SECRET, canary, gdalg, geojson_with_crs_link, secret_file, vrt, zipped

UPLOADS = "/collections/growing_areas/uploads"


@pytest.fixture
def ctx(demo_db):
    settle_expiry(demo_db)
    commune, _ = commune_with_room(demo_db)
    return {"commune": commune, "spots": free_spots(demo_db, commune, 2),
            "lan": make_user(demo_db, "lan", "commune_staff", [commune])}


def wkt_square(ctx) -> str:
    ring = square(*ctx["spots"][0], 250)["coordinates"][0]
    return "POLYGON ((" + ", ".join(f"{x} {y}" for x, y in ring) + "))"


def hostile_upload(name: str, text: str) -> tuple[str, bytes]:
    """`vung.geojson` → the text under that name; `vung.zip/inner.kml` → a zip holding it."""
    if name.endswith(".kml"):
        text = '<?xml version="1.0" encoding="UTF-8"?>\n' + text
    if "/" in name:
        outer, inner = name.split("/")
        return outer, zipped(inner, text)
    return name, text.encode()


NAMES = ["vung.geojson", "vung.json", "vung.kml", "vung.zip/vung.geojson", "vung.zip/vung.json",
         "vung.zip/vung.kml", "vung.kmz/doc.kml"]


def test_a_disguised_vrt_is_refused_and_the_secret_never_comes_back(writer, ctx, demo_db, tmp_path):
    """Every name × source in one database (each case is one request; a database each is slow)."""
    before = counts(demo_db)
    wrong = []
    with canary() as (url, hits):
        for source in (str(secret_file(tmp_path)), f"/vsicurl/{url}/secret.csv"):
            for name in NAMES:
                filename, data = hostile_upload(name, vrt(source, wkt_square(ctx)))
                r = writer.post(UPLOADS, headers=ctx["lan"], files={"file": (filename, data)})
                description = r.json().get("description", "")
                if not (400 <= r.status_code < 500 and SECRET not in r.text
                        and ("is not GeoJSON" in description or "is not KML" in description)):
                    wrong.append((name, source, r.status_code, r.text[:300]))
    assert wrong == []
    assert hits == []
    assert counts(demo_db) == before


def test_gdalg_pipelines_and_crs_links_are_refused(writer, ctx, demo_db, tmp_path):
    before = counts(demo_db)
    wrong = []
    with canary() as (url, hits):
        for filename, text in [("vung.geojson", gdalg(str(secret_file(tmp_path)))),
                               ("vung.geojson", geojson_with_crs_link(f"{url}/crs.wkt")),
                               ("vung.json", geojson_with_crs_link(f"{url}/crs.wkt"))]:
            r = writer.post(UPLOADS, headers=ctx["lan"], files={"file": (filename, text.encode())})
            if not (r.status_code == 400 and SECRET not in r.text
                    and ("refers to other files or URLs" in r.text or "never a link to fetch" in r.text)):
                wrong.append((filename, text[:40], r.status_code, r.text[:300]))
    assert wrong == []
    assert hits == []
    assert counts(demo_db) == before


def multipart(filename: bytes, data: bytes, boundary: str = "ntmsafety") -> tuple[dict, bytes]:
    """A multipart body written by hand, so the file name's bytes reach the server unchanged."""
    body = (f"--{boundary}\r\n".encode()
            + b'Content-Disposition: form-data; name="file"; filename="' + filename + b'"\r\n'
            + b"Content-Type: application/geo+json\r\n\r\n" + data + f"\r\n--{boundary}--\r\n".encode())
    return {"Content-Type": f"multipart/form-data; boundary={boundary}"}, body


def test_odd_file_names_are_a_400_not_a_500(writer, ctx, demo_db):
    before = counts(demo_db)
    for filename, expected in [(b"vung\x00.geojson", "holds control characters"),
                               (b"vung\x01\x1f.geojson", "holds control characters"),
                               (b"v" * 300 + b".geojson", "is not usable (at most 200 bytes)")]:
        headers, body = multipart(filename, b'{"type": "FeatureCollection", "features": []}')
        r = writer.post(UPLOADS, headers={**ctx["lan"], **headers}, content=body)
        assert r.status_code == 400, (filename, r.text)
        assert expected in r.json()["description"]
        assert "\x00" not in r.text
    assert counts(demo_db) == before


def test_values_quoted_in_a_report_are_cut_short(writer, ctx, demo_db):
    crop = "Cây " + "x" * 5000 + " END-OF-VALUE"
    field = "f" * 3000 + "-END-OF-NAME"
    fc = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": square(*ctx["spots"][1], 250),
        "properties": {"ten_vung": "Vùng dài", "cay_trong": crop, "ma_xa": ctx["commune"], field: "x"}}]}
    r = writer.post(UPLOADS, headers=ctx["lan"], files={"file": ("dai.geojson", json.dumps(fc).encode())})
    assert r.status_code == 422, r.text
    assert "END-OF-VALUE" not in r.text and "END-OF-NAME" not in r.text
    messages = [e["message"] for f in r.json()["report"] for e in f["errors"]]
    assert any(m.startswith("cay_trong: unknown crop 'Cây xxx") for m in messages), messages
    assert all(len(m) < 300 for m in messages)
