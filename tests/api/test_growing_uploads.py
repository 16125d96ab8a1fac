"""Uploads: every format of the importer, all-or-nothing with a per-feature report, and limits
that hold against a zip bomb, a 200 MB body and a KML with 5,000 placemarks."""
from __future__ import annotations

import io
import json
import socket
import zipfile

import geopandas as gpd
import pytest
import shapely.geometry

from api.app import create_app
from tests.api.growing_helpers import (
    commune_with_room, counts, free_spots, live_server, make_user, settle_expiry, square,
)
from tests.support import peak_memory_kb, reset_peak_memory, send_until_answered

UPLOADS = "/collections/growing_areas/uploads"


@pytest.fixture
def ctx(demo_db):
    settle_expiry(demo_db)
    commune, province = commune_with_room(demo_db)
    return {"commune": commune, "spots": free_spots(demo_db, commune, 4),
            "lan": make_user(demo_db, "lan", "commune_staff", [commune])}


def frame(ctx, n=2, **overrides):
    rows = [{"ten_vung": f"Vùng chè {i}", "cay_trong": "Chè", "ma_xa": ctx["commune"], "status": "granted",
             "code": "VN-HACK-1", **overrides} for i in range(n)]
    geoms = [shapely.geometry.shape(square(*ctx["spots"][i], 250)) for i in range(n)]
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=4326)


def shapefile_zip(gdf, tmp_path) -> bytes:
    folder = tmp_path / "shp"
    folder.mkdir()
    gdf.to_file(folder / "vung_trong.shp", engine="pyogrio", encoding="utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for p in folder.iterdir():
            z.write(p, p.name)
    return buf.getvalue()


def test_geojson_upload_stores_drafts_and_ignores_code_and_status(writer, ctx, demo_db):
    data = frame(ctx).to_json().encode()
    r = writer.post(UPLOADS, headers=ctx["lan"], files={"file": ("vung.geojson", data, "application/geo+json")})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["stored"] == 2 and {"code", "status"} <= set(body["ignored_fields"])
    ids = [f["id"] for f in body["features"]]
    for i in ids:
        props = writer.get(f"/staff/api/growing-areas/{i}", headers=ctx["lan"]).json()["properties"]
        assert props["status"] == "draft" and props["code"] is None and props["crop"] == "tea"
        assert props["name"].startswith("Vùng chè")
    history = writer.get(f"/collections/growing_areas/items/{ids[0]}/history", headers=ctx["lan"]).json()
    assert history["entries"][0]["changed_by"] == "lan"


def test_shapefile_zip_with_one_bad_feature_stores_nothing(writer, ctx, demo_db, tmp_path):
    gdf = frame(ctx, 3)
    gdf.loc[1, "cay_trong"] = "Sầu riêng"  # not a known crop
    gdf.loc[2, "geometry"] = shapely.geometry.shape(square(*ctx["spots"][0], 250)).buffer(0.0005)  # overlaps feature 1
    before = counts(demo_db)
    r = writer.post(UPLOADS, headers=ctx["lan"], files={"file": ("vung.zip", shapefile_zip(gdf, tmp_path), "application/zip")})
    assert r.status_code == 422, r.text
    report = {f["index"]: f for f in r.json()["report"]}
    assert report[1]["ok"] and not report[2]["ok"] and not report[3]["ok"]
    assert "Sầu riêng" in report[2]["errors"][0]["message"]
    assert report[3]["errors"][0]["rule"] == "overlap" and report[3]["errors"][0]["where"]["type"] in ("Polygon", "MultiPolygon")
    assert counts(demo_db) == before


def test_kmz_and_geopackage(writer, ctx, demo_db, tmp_path):
    gdf = frame(ctx, 1)
    gdf[["ten_vung", "cay_trong", "ma_xa", "geometry"]].to_file(tmp_path / "a.gpkg", engine="pyogrio")
    r = writer.post(UPLOADS, headers=ctx["lan"], files={"file": ("a.gpkg", (tmp_path / "a.gpkg").read_bytes())})
    assert r.status_code == 201, r.text
    kml = KML.format(placemarks=placemark("Vùng dứa", "pineapple", ctx["commune"], square(*ctx["spots"][2], 300)))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("doc.kml", kml)
    r = writer.post(UPLOADS, headers=ctx["lan"], files={"file": ("b.kmz", buf.getvalue())})
    assert r.status_code == 201, r.text
    assert r.json()["stored"] == 1


KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Schema name="v" id="v"><SimpleField name="name_vn" type="string"/><SimpleField name="crop" type="string"/>
<SimpleField name="commune_code" type="string"/></Schema>
{placemarks}
</Document></kml>"""


def placemark(name, crop, commune, geom) -> str:
    ring = " ".join(f"{x},{y}" for x, y in geom["coordinates"][0])
    return (f"<Placemark><name>{name}</name><ExtendedData><SchemaData schemaUrl=\"#v\">"
            f"<SimpleData name=\"crop\">{crop}</SimpleData><SimpleData name=\"commune_code\">{commune}</SimpleData>"
            f"</SchemaData></ExtendedData><Polygon><outerBoundaryIs><LinearRing><coordinates>{ring}</coordinates>"
            "</LinearRing></outerBoundaryIs></Polygon></Placemark>")


def test_kml_with_5000_placemarks_is_refused_with_the_limit(writer, ctx, demo_db):
    x, y = ctx["spots"][0]
    marks = "\n".join(placemark(f"Vùng {i}", "tea", ctx["commune"], square(x + (i % 70) * 0.001, y + (i // 70) * 0.001, 80))
                      for i in range(5000))
    before = counts(demo_db)
    r = writer.post(UPLOADS, headers=ctx["lan"], files={"file": ("many.kml", KML.format(placemarks=marks).encode())})
    assert r.status_code == 413, r.text
    assert "5,000 features; at most 1,000" in r.json()["description"]
    assert counts(demo_db) == before


def test_zip_bomb_is_refused_without_unpacking_it(writer, ctx, demo_db):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("bomb.geojson", "w", force_zip64=True) as member:
            block = b"\0" * (1 << 20)
            for _ in range(150):  # 150 MB of zeros, about 150 KB compressed
                member.write(block)
    assert len(buf.getvalue()) < 1 << 20
    before = counts(demo_db)
    r = writer.post(UPLOADS, headers=ctx["lan"], files={"file": ("bomb.zip", buf.getvalue())})
    assert r.status_code == 413, r.text
    assert "unpacks to" in r.json()["description"]
    # Many members: refused by count.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i in range(60):
            z.writestr(f"f{i}.txt", "x")
    r = writer.post(UPLOADS, headers=ctx["lan"], files={"file": ("many.zip", buf.getvalue())})
    assert r.status_code == 413 and "60 files" in r.json()["description"]
    assert counts(demo_db) == before


def declared_only(url: str, headers: dict, length: int) -> tuple[str, str]:
    """Send only the headers of a request declaring `length` bytes, and read the answer."""
    host, port = url.removeprefix("http://").split(":")
    lines = [f"POST {UPLOADS} HTTP/1.1", f"Host: {host}", f"Content-Length: {length}",
             *(f"{k}: {v}" for k, v in headers.items()), "", ""]
    with socket.create_connection((host, int(port)), timeout=20) as s:
        s.sendall("\r\n".join(lines).encode())
        reply = b""
        while b"\r\n\r\n" not in reply or not reply.rstrip().endswith(b"}"):
            chunk = s.recv(65536)
            if not chunk:
                break
            reply += chunk
    text = reply.decode("utf-8", "replace")
    return text.split("\r\n", 1)[0], text


def test_a_200_mb_upload_is_cut_off_early_with_bounded_memory(settings, demo_db, ctx):
    """The server runs in this process: its peak memory is measured from the upload's start on."""
    boundary = "ntmboundary"
    part = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.geojson\"\r\n"
            "Content-Type: application/geo+json\r\n\r\n").encode()
    block = b" " * (1 << 20)

    def chunked(data: bytes) -> bytes:
        return b"%x\r\n%s\r\n" % (len(data), data)

    def body():
        yield chunked(part)
        for _ in range(200):
            yield chunked(block)
        yield chunked(f"\r\n--{boundary}--\r\n".encode()) + b"0\r\n\r\n"

    with live_server(create_app(settings, url=demo_db)) as url:
        headers = {**ctx["lan"], "Content-Type": f"multipart/form-data; boundary={boundary}"}
        # Declared length over the limit: refused before the body is read.
        status_line, reply = declared_only(url, headers, 200 << 20)
        assert status_line.startswith("HTTP/1.1 413") and "at most 20 MB" in reply
        # Streamed (chunked, no length): cut off at the limit, answered while the client still sends.
        head = "".join(f"{line}\r\n" for line in (
            f"POST {UPLOADS} HTTP/1.1", "Host: 127.0.0.1", "Transfer-Encoding: chunked",
            *(f"{k}: {v}" for k, v in headers.items()))) + "\r\n"
        start_kb = reset_peak_memory()
        answer, sent = send_until_answered(url, head, body(), limit_bytes=250 << 20)
        grown_mb = (peak_memory_kb() - start_kb) / 1024
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    assert "over 20 MB" in json.loads(answer.partition(b"\r\n\r\n")[2])["description"]
    assert sent < 64 << 20, f"{sent >> 20} MB went out before the answer"  # 20 MB and the socket buffers
    assert grown_mb < 100, f"peak memory grew by {grown_mb:.0f} MB"


@pytest.mark.parametrize("name,data", [
    ("broken.zip", b"PK\x03\x04 not really a zip"),
    ("broken.geojson", b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '),
    ("empty.geojson", b'{"type": "FeatureCollection", "features": []}'),
    ("points.geojson", b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
                       b'"geometry": {"type": "Point", "coordinates": [105, 19]}}]}'),
    ("notes.txt", b"hello"),
    ("nothing.zip", None),
])
def test_unreadable_or_unsuitable_files_are_4xx(writer, ctx, demo_db, name, data):
    if data is None:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("readme.txt", "no vector file here")
        data = buf.getvalue()
    before = counts(demo_db)
    r = writer.post(UPLOADS, headers=ctx["lan"], files={"file": (name, data)})
    assert r.status_code in (400, 422), r.text
    assert r.json()["description"]
    assert counts(demo_db) == before


def test_upload_needs_a_file_field_and_a_writing_role(writer, ctx, demo_db):
    assert writer.post(UPLOADS, headers=ctx["lan"], data={"other": "x"}).status_code == 400
    assert writer.post(UPLOADS, headers=ctx["lan"], json={"file": "x"}).status_code == 400
    assert writer.post(UPLOADS, files={"file": ("a.geojson", b"{}")}).status_code == 401
    viewer = make_user(demo_db, "xem", "viewer", [ctx["commune"]])
    assert writer.post(UPLOADS, headers=viewer, files={"file": ("a.geojson", b"{}")}).status_code == 403


# --- CRS traps reach the upload report in both languages (issue 20, item 4) --------------------

WGS84_NAMED_TM3_NGHE_AN = (  # the common home-made .prj: WGS 84 named around VN-2000 TM-3 104°45'
    'PROJCS["VN_2000_TM3_104_45",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",'
    'SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],'
    'PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],'
    'PARAMETER["Central_Meridian",104.75],PARAMETER["Scale_Factor",0.9999],PARAMETER["Latitude_Of_Origin",0.0],'
    'UNIT["Meter",1.0]]'
)


def _stored_where_sent(writer, ctx, body, gdf) -> float:
    """The largest distance (m) between a sent boundary and the stored one, over the upload."""
    worst = 0.0
    for feature, sent in zip(body["features"], gdf.to_crs(4326).geometry):
        got = writer.get(f"/staff/api/growing-areas/{feature['id']}", headers=ctx["lan"]).json()["geometry"]
        stored = gpd.GeoSeries([shapely.geometry.shape(got), sent], crs=4326).to_crs(9208)
        worst = max(worst, stored.iloc[0].hausdorff_distance(stored.iloc[1]))
    return worst


def test_a_wgs84_named_tm3_prj_is_read_as_vn2000_and_the_upload_says_so_in_vi_and_en(writer, ctx, demo_db, tmp_path):
    gdf = frame(ctx, 2)[["ten_vung", "cay_trong", "ma_xa", "geometry"]]
    folder = tmp_path / "shp"
    folder.mkdir()
    gdf.to_crs(9208).to_file(folder / "vung.shp", engine="pyogrio", encoding="utf-8")
    (folder / "vung.prj").write_text(WGS84_NAMED_TM3_NGHE_AN)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for p in folder.iterdir():
            z.write(p, p.name)
    r = writer.post(UPLOADS, headers=ctx["lan"], files={"file": ("vung.zip", buf.getvalue(), "application/zip")})
    assert r.status_code == 201, r.text
    notes = r.json()["crs_notes"]
    assert [n["code"] for n in notes] == ["wgs84_named_tm3"] and notes[0]["warning"]
    assert "is VN-2000 TM-3: read as EPSG:9208" in notes[0]["en"]
    assert "đã đọc theo EPSG:9208" in notes[0]["vi"] and "lệch khoảng 200 m" in notes[0]["vi"]
    assert _stored_where_sent(writer, ctx, r.json(), gdf) < 2.0


def test_latitude_first_coordinates_are_swapped_and_the_upload_says_so(writer, ctx, demo_db):
    gdf = frame(ctx, 1)[["ten_vung", "cay_trong", "ma_xa", "geometry"]]
    swapped = gdf.set_geometry(shapely.transform(gdf.geometry.values, lambda xy: xy[:, ::-1]))
    r = writer.post(UPLOADS, headers=ctx["lan"], files={"file": ("latlon.geojson", swapped.to_json().encode())})
    assert r.status_code == 201, r.text
    notes = r.json()["crs_notes"]
    assert [n["code"] for n in notes] == ["swapped_axes"]
    assert "latitude first" in notes[0]["en"] and "vĩ độ trước" in notes[0]["vi"]
    assert _stored_where_sent(writer, ctx, r.json(), gdf) < 0.01


def test_a_plain_upload_has_no_crs_notes(writer, ctx, demo_db):
    r = writer.post(UPLOADS, headers=ctx["lan"], files={"file": ("ok.geojson", frame(ctx, 1).to_json().encode())})
    assert r.status_code == 201 and r.json()["crs_notes"] == []


def test_a_wrong_zone_upload_is_refused_with_the_likely_meridian_in_vi_and_en(writer, ctx, demo_db, tmp_path):
    gdf = frame(ctx, 1)[["ten_vung", "cay_trong", "ma_xa", "geometry"]]
    folder = tmp_path / "zone"
    folder.mkdir()
    # Nghệ An's zone (104°45', EPSG:9208) labelled as Hà Tĩnh's (105°30'): read so, the area lies in the sea.
    gdf.to_crs(9208).set_crs(9209, allow_override=True).to_file(folder / "vung.shp", engine="pyogrio", encoding="utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for p in folder.iterdir():
            z.write(p, p.name)
    before = counts(demo_db)
    r = writer.post(UPLOADS, headers=ctx["lan"], files={"file": ("zone.zip", buf.getvalue(), "application/zip")})
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["code"] and body["report"] and not body["report"][0]["ok"]  # the usual error shape
    notes = body["crs_notes"]
    assert [n["code"] for n in notes] == ["wrong_meridian"]
    assert "--crs EPSG:9208" in notes[0]["en"] and "EPSG:9208" in notes[0]["vi"] and "sai múi chiếu" in notes[0]["vi"]
    assert counts(demo_db) == before
