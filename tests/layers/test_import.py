"""`ntm-map import`: values, field mapping, repair, all-or-nothing, and every way a file can be wrong.

Formats and encodings are in test_import_formats.py, admin units, households, CRS guessing and
the command line in test_import_layers.py; the helpers in test_import_support.py.
"""
from __future__ import annotations

import zipfile
from datetime import date

import pandas as pd
import pyogrio
import pytest
import shapely

from tests.layers.import_files import (
    QUE_PHONG, VINH_LOC, frame, inside, polygon_json, refused, run, square, write, write_geojson,
)
from tests.support import scalar


def _areas(conn, tmp_path, rows: list[dict], geoms: list | None = None, name="vung.geojson"):
    geoms = geoms or [square(conn, VINH_LOC, dx=0.002 * i) for i in range(len(rows))]
    return write(frame(rows, geoms), tmp_path / name)


GOOD = {"ten": "Vùng cam Vinh Lộc", "cay_trong": "Cam", "status": "draft"}


def test_rows_land_with_mapped_values_and_their_commune(db, tmp_path):
    path = _areas(db, tmp_path, [
        {"ten": "Vùng cam Xã Đoài", "cay_trong": "Cam", "ma_so": "VN-40-16708-9001", "status": "granted",
         "certification": "VietGAP", "target_markets": "China; EU", "farming_diary": "có",
         "households": "12", "expected_output_tonnes": "150,5", "valid_from": "01/03/2024", "ghi_chu": "x"},
        {"ten": "Vùng chè Quế Phong", "cay_trong": "tea", "status": "draft", "ghi_chu": "y"},
    ], [square(db, VINH_LOC), square(db, QUE_PHONG)])
    runs = scalar(db, "SELECT count(*) FROM import_runs")

    report = run(db, "growing_areas", path)

    assert (report.rows_read, report.rows_loaded, report.rejected, report.repaired) == (2, 2, [], [])
    assert report.mapping["ten"] == "name" and report.mapping["cay_trong"] == "crop" and report.mapping["ma_so"] == "code"
    assert report.ignored_fields == ["ghi_chu"]
    assert "CRS from the file: WGS 84" in report.crs
    row = db.execute(
        "SELECT name, crop, code, status, certification, target_markets, farming_diary, households_count, "
        "expected_output_tonnes, valid_from, commune_code, area_ha FROM growing_areas WHERE name = 'Vùng cam Xã Đoài'"
    ).fetchone()
    assert row[:10] == ("Vùng cam Xã Đoài", "orange", "VN-40-16708-9001", "granted", "VietGAP", ["China", "EU"],
                        True, 12, 150.5, date(2024, 3, 1))
    assert row[10] == VINH_LOC and 0.9 < row[11] < 1.3  # a ~105 m square is ~1.1 ha
    # Blank cells take the column's default instead of breaking NOT NULL.
    assert db.execute("SELECT crop, commune_code, certification, farming_diary, target_markets FROM growing_areas "
                      "WHERE name = 'Vùng chè Quế Phong'").fetchone() == ("tea", QUE_PHONG, "none", False, [])
    assert scalar(db, "SELECT count(*) FROM import_runs") == runs + 1
    assert scalar(db, "SELECT rows_loaded FROM import_runs ORDER BY id DESC LIMIT 1") == 2


def test_map_option_beats_exact_names_and_aliases(db, tmp_path):
    path = _areas(db, tmp_path, [{"name": "tên cũ", "ten_moi": "Vùng bưởi Nam Đàn", "loai": "Bưởi"}])
    report = run(db, "growing_areas", path, field_map={"ten_moi": "name", "loai": "crop"})
    assert report.mapping == {"ten_moi": "name", "loai": "crop"} and report.ignored_fields == ["name"]
    assert db.execute("SELECT name, crop FROM growing_areas ORDER BY id DESC LIMIT 1").fetchone() == (
        "Vùng bưởi Nam Đàn", "pomelo")


def test_truncated_dbf_names_are_recognised(db, tmp_path):
    gdf = frame([{"name": "Cửa hàng HTX", "kind": "farm_experience", "opening_ho": "7h-17h", "descriptio": "Trải nghiệm"}],
                [inside(db, VINH_LOC)])
    report = run(db, "tourism_places", write(gdf, tmp_path / "places.shp"))
    assert report.ignored_fields == []
    assert db.execute("SELECT opening_hours, description_vi, commune_code FROM tourism_places ORDER BY id DESC LIMIT 1"
                      ).fetchone() == ("7h-17h", "Trải nghiệm", VINH_LOC)


@pytest.mark.parametrize("field_map, expected", [
    ({"khong_co": "name"}, "--map khong_co=name: the file has no field 'khong_co'; fields: ten, cay_trong, status"),
    ({"ten": "colour"}, "--map ten=colour: growing_areas has no column 'colour'"),
])
def test_map_errors_name_the_field_or_column(db, tmp_path, field_map, expected):
    path = _areas(db, tmp_path, [GOOD])
    assert expected in str(refused(db, "growing_areas", path, field_map=field_map))


def test_a_required_column_without_a_field_is_refused_before_reading(db, tmp_path):
    path = _areas(db, tmp_path, [{"ten": "Vùng lúa"}])
    err = refused(db, "growing_areas", path)
    assert "no field for crop, which growing_areas requires; fields: ten" in str(err)
    assert "--map FIELD=crop" in str(err)


def test_a_value_that_does_not_convert_names_row_and_field(db, tmp_path):
    path = _areas(db, tmp_path, [GOOD, {**GOOD, "cay_trong": "sầu riêng"}, {**GOOD, "status": "approved"}])
    msg = str(refused(db, "growing_areas", path))
    assert "2 of 3 rows cannot be loaded, so nothing was loaded" in msg
    assert "row 2: cay_trong: unknown crop 'sầu riêng'" in msg
    assert "row 3: status: 'approved' is not one of draft, submitted" in msg


# --- geometry repair and all-or-nothing -------------------------------------------------------

def _bow_tie(p: shapely.Point, d=0.0005):
    return [(p.x - d, p.y - d), (p.x + d, p.y + d), (p.x + d, p.y - d), (p.x - d, p.y + d), (p.x - d, p.y - d)]


def _flat(p: shapely.Point, d=0.0005):  # all on one line: no area, nothing to repair
    return [(p.x - d, p.y), (p.x, p.y), (p.x + d, p.y), (p.x - d, p.y)]


def _box(p: shapely.Point, d=0.0005, closed=True):
    ring = [(p.x - d, p.y - d), (p.x + d, p.y - d), (p.x + d, p.y + d), (p.x - d, p.y + d)]
    return ring + [ring[0]] if closed else ring


def test_a_bow_tie_is_repaired_and_reported(db, tmp_path):
    p = inside(db, VINH_LOC)
    path = write_geojson(tmp_path / "bow.geojson", [(GOOD, polygon_json(_bow_tie(p)))])
    report = run(db, "growing_areas", path)
    assert report.rows_loaded == 1 and report.rejected == []
    assert len(report.repaired) == 1 and report.repaired[0][0] == 1 and "Self-intersection" in report.repaired[0][1]
    assert "row 1: repaired: Self-intersection" in report.summary()
    valid, parts, area = db.execute("SELECT ST_IsValid(geom), ST_NumGeometries(geom), ST_Area(geom::geography) "
                                    "FROM growing_areas ORDER BY id DESC LIMIT 1").fetchone()
    assert valid and parts == 2 and area > 5000  # two triangles, half the ~1.1 ha square
    assert scalar(db, "SELECT rows_repaired FROM import_runs ORDER BY id DESC LIMIT 1") == 1


def test_an_unclosed_ring_is_closed_and_reported(db, tmp_path):
    p = inside(db, VINH_LOC)
    path = write_geojson(tmp_path / "open.geojson", [(GOOD, polygon_json(_box(p))), (GOOD, polygon_json(_box(p, closed=False)))])
    report = run(db, "growing_areas", path)
    assert report.rows_loaded == 2
    assert [r for r, _ in report.repaired] == [2] and "ring closed" in report.repaired[0][1]


def test_one_unrepairable_row_loads_nothing(db, tmp_path):
    p = inside(db, VINH_LOC)
    path = write_geojson(tmp_path / "vung.geojson", [
        (GOOD, polygon_json(_box(p))), (GOOD, polygon_json(_flat(p))), (GOOD, polygon_json(_bow_tie(p))),
        ({**GOOD, "ten": "không có hình"}, None)])
    msg = str(refused(db, "growing_areas", path))
    assert f"{path}: 2 of 4 rows cannot be loaded, so nothing was loaded (use --skip-invalid" in msg
    assert "row 2: invalid geometry that cannot be repaired (Self-intersection" in msg
    assert "row 4: no geometry" in msg


def test_skip_invalid_loads_the_good_rows_and_lists_the_others(db, tmp_path):
    p = inside(db, VINH_LOC)
    path = write_geojson(tmp_path / "vung.geojson", [
        (GOOD, polygon_json(_box(p))), (GOOD, polygon_json(_flat(p))), (GOOD, polygon_json(_bow_tie(p))),
        ({**GOOD, "ten": "ngoài tỉnh"}, polygon_json(_box(shapely.Point(105.85, 21.03))))])  # Hà Nội
    before = scalar(db, "SELECT count(*) FROM growing_areas")
    report = run(db, "growing_areas", path, skip_invalid=True)
    assert (report.rows_read, report.rows_loaded, len(report.repaired)) == (4, 2, 1)
    assert [r for r, _ in report.rejected] == [2, 4]
    assert "not inside any commune" in report.rejected[1][1]
    assert "row 2 rejected: invalid geometry" in report.summary()
    assert scalar(db, "SELECT count(*) FROM growing_areas") == before + 2
    assert db.execute("SELECT rows_read, rows_loaded, rows_repaired, rows_rejected FROM import_runs "
                      "ORDER BY id DESC LIMIT 1").fetchone() == (4, 2, 1, 2)


def test_skip_invalid_with_nothing_valid_still_fails(db, tmp_path):
    path = write_geojson(tmp_path / "vung.geojson", [(GOOD, polygon_json(_flat(inside(db, VINH_LOC))))])
    assert "none of the 1 rows can be loaded" in str(refused(db, "growing_areas", path, skip_invalid=True))


# --- bad input: a clear error, nothing lost ---------------------------------------------------

def test_a_csv_without_coordinates_is_not_spatial(db, tmp_path):
    path = tmp_path / "danh_sach.csv"
    pd.DataFrame({"ten": ["Vùng cam"], "cay_trong": ["Cam"]}).to_csv(path, index=False)
    msg = str(refused(db, "growing_areas", path))
    assert "has no geometry column, so it is not a spatial file" in msg and "lon/lat" in msg


def test_a_table_without_geometry_is_not_spatial(db, tmp_path):
    path = tmp_path / "bang.gpkg"
    pyogrio.write_dataframe(pd.DataFrame({"ten": ["Vùng cam"], "cay_trong": ["Cam"]}), path, layer="bang")
    assert "has no geometry column" in str(refused(db, "growing_areas", path))


def test_lines_cannot_go_into_a_polygon_layer(db, tmp_path):
    p = inside(db, VINH_LOC)
    path = write(frame([GOOD], [shapely.LineString([(p.x, p.y), (p.x + 0.001, p.y)])]), tmp_path / "duong.gpkg")
    msg = str(refused(db, "growing_areas", path))
    assert "holds LineString geometries, but growing_areas takes polygons" in msg


def test_a_file_mixing_lines_and_polygons_names_the_lines(db, tmp_path):
    p = inside(db, VINH_LOC)
    path = write(frame([GOOD, GOOD], [square(db, VINH_LOC), shapely.LineString([(p.x, p.y), (p.x + 0.001, p.y)])]),
                 tmp_path / "tron.geojson")
    assert "row 2: a LineString cannot go in a Polygon layer" in str(refused(db, "growing_areas", path))


def test_metres_far_from_vietnam_without_a_prj_ask_for_crs(db, tmp_path):
    gdf = frame([GOOD], [shapely.box(3_500_000, 6_000_000, 3_500_100, 6_000_100)], crs=None)
    msg = str(refused(db, "growing_areas", write(gdf, tmp_path / "xa.shp")))
    assert "has no CRS" in msg and "neither longitude/latitude nor VN-2000 metres; pass --crs EPSG:xxxx" in msg


def test_an_unknown_crs_option_is_refused(db, tmp_path):
    msg = str(refused(db, "growing_areas", _areas(db, tmp_path, [GOOD]), crs="EPSG:999999"))
    assert "unknown CRS 'EPSG:999999'" in msg


@pytest.mark.parametrize("name, content, expected", [
    ("ghi_chu.txt", b"x,y\n1,2\n", "unsupported file type .txt"),
    ("vung.zip", b"PK\x03\x04 this download was cut short", "is not a readable ZIP archive"),
    ("vung.geojson", b'{"type": "FeatureCollection", "features": [', "cannot be opened as a vector file"),
    ("vung.kmz", b"not a zip", "is not a readable KMZ archive"),
])
def test_unreadable_files_say_so(db, tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    assert expected in str(refused(db, "growing_areas", path))


def test_a_zip_without_a_vector_file_lists_what_it_holds(db, tmp_path):
    path = tmp_path / "tai_lieu.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("bao_cao.docx", b"...")
    assert "holds no vector file (it contains: bao_cao.docx)" in str(refused(db, "growing_areas", path))


def test_a_missing_file_and_an_unknown_layer(db, tmp_path):
    assert "no such file or folder" in str(refused(db, "growing_areas", tmp_path / "khong_co.shp"))
    with pytest.raises(Exception, match="cannot import into 'roads'; importable layers: admin_units"):
        run(db, "roads", _areas(db, tmp_path, [GOOD]))


def test_a_wrong_encoding_name_is_refused(db, tmp_path):
    msg = str(refused(db, "growing_areas", _areas(db, tmp_path, [GOOD]), encoding="klingon"))
    assert "unknown --encoding 'klingon'; use one of utf-8, tcvn3, vni, cp1258" in msg


def test_duplicate_codes_in_the_file(db, tmp_path):
    rows = [{**GOOD, "ma_so": "VN-40-16708-9001", "status": "granted"}, {**GOOD, "ma_so": "VN-40-16708-9002", "status": "granted"},
            {**GOOD, "ma_so": "VN-40-16708-9001", "status": "granted"}]
    msg = str(refused(db, "growing_areas", _areas(db, tmp_path, rows)))
    assert "row 3: code 'VN-40-16708-9001' appears more than once in the file (first on row 1)" in msg


def test_codes_already_in_the_table(db, tmp_path):
    taken = scalar(db, "SELECT min(code) FROM growing_areas")
    msg = str(refused(db, "growing_areas", _areas(db, tmp_path, [GOOD, {**GOOD, "ma_so": taken, "status": "granted"}])))
    assert f"row 2: code {taken!r} already exists in growing_areas" in msg


def test_a_row_outside_every_commune(db, tmp_path):
    gdf = frame([{"ten": "Nhà cổ", "kind": "historic_site"}] * 2, [inside(db, VINH_LOC), shapely.Point(105.85, 21.03)])
    msg = str(refused(db, "tourism_places", write(gdf, tmp_path / "diem.geojson")))
    assert "row 2: not inside any commune in the database (load admin_units first, or check the CRS)" in msg


def test_a_commune_code_given_in_the_file_must_exist(db, tmp_path):
    gdf = frame([{"ten": "Nhà cổ", "kind": "historic_site", "ma_xa": code} for code in (VINH_LOC, "99999")],
                [inside(db, VINH_LOC)] * 2)
    msg = str(refused(db, "tourism_places", write(gdf, tmp_path / "diem.geojson")))
    assert "row 2: commune_code '99999' is not a commune in the database" in msg and "row 1" not in msg


def test_an_empty_file_is_refused(db, tmp_path):
    gdf = frame([], [], crs="EPSG:4326").assign(ten=pd.Series(dtype=str))
    assert "has no features; nothing to import" in str(refused(db, "growing_areas", write(gdf, tmp_path / "rong.gpkg")))


# --- large files ------------------------------------------------------------------------------

def _thousand_places(conn, tmp_path, bad_row: int | None = None):
    wkts = [r[0] for r in conn.execute(
        "SELECT ST_AsText((ST_Dump(ST_GeneratePoints(geom, 1000, 7))).geom) FROM communes WHERE code = %s", (VINH_LOC,))]
    kinds = ["homestay"] * 1000
    if bad_row:
        kinds[bad_row - 1] = "karaoke"
    gdf = frame({"ten": [f"Điểm {i}" for i in range(1, 1001)], "kind": kinds}, shapely.from_wkt(wkts))
    return write(gdf, tmp_path / "nghin_diem.gpkg")


def test_a_large_file_loads_in_chunks(db, tmp_path):
    before = scalar(db, "SELECT count(*) FROM tourism_places")
    report = run(db, "tourism_places", _thousand_places(db, tmp_path), chunk_size=100)
    assert (report.rows_read, report.rows_loaded) == (1000, 1000)
    assert scalar(db, "SELECT count(*) FROM tourism_places") == before + 1000
    # File order is kept: ids follow the rows.
    names = [r[0] for r in db.execute("SELECT name_vi FROM tourism_places ORDER BY id DESC LIMIT 3")]
    assert names == ["Điểm 1000", "Điểm 999", "Điểm 998"]
    assert scalar(db, "SELECT count(DISTINCT commune_code) FROM tourism_places WHERE name_vi LIKE 'Điểm %%'") == 1


def test_row_numbers_in_messages_count_across_chunks(db, tmp_path):
    msg = str(refused(db, "tourism_places", _thousand_places(db, tmp_path, bad_row=537), chunk_size=100))
    assert "1 of 1000 rows cannot be loaded" in msg and "row 537: kind: 'karaoke' is not one of homestay" in msg
