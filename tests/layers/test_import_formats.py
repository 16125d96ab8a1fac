"""Every file format the importer promises, and the legacy Vietnamese encodings of old shapefiles.

Each fixture is written here with the library people would use to make it (pyogrio, fiona,
pandas, zipfile), then imported into the demo province; rows must land with their values and
with the commune they lie in.
"""
from __future__ import annotations

import fiona
import pandas as pd
import pytest
import shapely

from geo import vn_encodings
from tests.layers.import_files import (
    QUE_PHONG, VINH_LOC, frame, inside, metres_between, refused, run, shapefile_parts, square, to_crs, write,
    zip_files,
)
from tests.support import scalar

AREAS = [{"ten": "Vùng cam Vinh Lộc", "cay_trong": "Cam"}, {"ten": "Vùng chè Quế Phong", "cay_trong": "Chè"}]
PLACES = [{"name": "Làng nghề nón lá", "kind": "craft_village"}, {"name": "Bản Na homestay", "kind": "homestay"}]


def _two_areas(conn):
    return [square(conn, VINH_LOC), square(conn, QUE_PHONG)]


def _two_places(conn):
    return [inside(conn, VINH_LOC), inside(conn, QUE_PHONG)]


def _loaded_areas(conn):
    return conn.execute("SELECT name, crop, commune_code FROM growing_areas ORDER BY id DESC LIMIT 2").fetchall()[::-1]


def _loaded_places(conn):
    return conn.execute("SELECT name_vi, kind, commune_code FROM tourism_places ORDER BY id DESC LIMIT 2").fetchall()[::-1]


EXPECTED_AREAS = [("Vùng cam Vinh Lộc", "orange", VINH_LOC), ("Vùng chè Quế Phong", "tea", QUE_PHONG)]
EXPECTED_PLACES = [("Làng nghề nón lá", "craft_village", VINH_LOC), ("Bản Na homestay", "homestay", QUE_PHONG)]


# --- Shapefile: a folder, the .shp itself, or a zip -------------------------------------------

@pytest.mark.parametrize("given", ["folder", "shp", "zip"])
def test_shapefile(db, tmp_path, given):
    shp = write(frame(AREAS, _two_areas(db)), tmp_path / "ban_do" / "vung_trong.shp")
    path = {"folder": shp.parent, "shp": shp,
            "zip": zip_files(tmp_path / "vung_trong.zip", shapefile_parts(shp))}[given]
    report = run(db, "growing_areas", path)
    assert report.rows_loaded == 2 and "WGS 84" in report.crs
    assert _loaded_areas(db) == EXPECTED_AREAS


def test_shapefile_written_with_fiona(db, tmp_path):
    path = tmp_path / "diem.shp"
    schema = {"geometry": "Point", "properties": {"name": "str:80", "kind": "str:20"}}
    with fiona.open(path, "w", driver="ESRI Shapefile", schema=schema, crs="EPSG:4326", encoding="utf-8") as out:
        for props, p in zip(PLACES, _two_places(db)):
            out.write(fiona.Feature(geometry=fiona.Geometry.from_dict(shapely.geometry.mapping(p)),
                                    properties=props))
    assert run(db, "tourism_places", path).rows_loaded == 2
    assert _loaded_places(db) == EXPECTED_PLACES


# --- GeoPackage (written with fiona), GeoJSON, FlatGeobuf -----------------------------------

def _fiona_gpkg(path, layers: dict[str, tuple[str, list[dict], list]]):
    for name, (geometry_type, rows, geoms) in layers.items():
        props = {k: "str" for k in rows[0]}
        with fiona.open(path, "w", driver="GPKG", layer=name, crs="EPSG:4326",
                        schema={"geometry": geometry_type, "properties": props}) as out:
            for row, g in zip(rows, geoms):
                out.write(fiona.Feature(geometry=fiona.Geometry.from_dict(shapely.geometry.mapping(g)), properties=row))
    return path


def test_geopackage_picks_the_layer_that_fits(db, tmp_path):
    path = _fiona_gpkg(tmp_path / "du_lieu.gpkg", {
        "vung_trong": ("Polygon", AREAS, _two_areas(db)), "diem_du_lich": ("Point", PLACES, _two_places(db))})
    assert run(db, "growing_areas", path).rows_loaded == 2
    assert _loaded_areas(db) == EXPECTED_AREAS
    assert run(db, "tourism_places", path).rows_loaded == 2
    assert _loaded_places(db) == EXPECTED_PLACES


def test_geopackage_with_two_fitting_layers_asks_which(db, tmp_path):
    path = _fiona_gpkg(tmp_path / "du_lieu.gpkg", {
        "vung_2023": ("Polygon", AREAS[:1], _two_areas(db)[:1]), "vung_2024": ("Polygon", AREAS, _two_areas(db))})
    msg = str(refused(db, "growing_areas", path))
    assert "has several layers (vung_2023 (Polygon, 1 feature), vung_2024 (Polygon, 2 features)); choose one with --layer" in msg
    assert run(db, "growing_areas", path, source_layer="vung_2024").rows_loaded == 2
    assert "has no layer 'vung_2025'; layers: vung_2023, vung_2024" in str(
        refused(db, "growing_areas", path, source_layer="vung_2025"))


@pytest.mark.parametrize("suffix, driver", [(".geojson", "GeoJSON"), (".fgb", "FlatGeobuf"), (".json", "GeoJSON")])
def test_geojson_and_flatgeobuf(db, tmp_path, suffix, driver):
    path = write(frame(AREAS, _two_areas(db)), tmp_path / f"vung{suffix}", driver=driver)
    assert run(db, "growing_areas", path).rows_loaded == 2
    assert sorted(_loaded_areas(db)) == EXPECTED_AREAS  # FlatGeobuf's spatial index may reorder


# --- KML and KMZ --------------------------------------------------------------------------

def _kml(db, tmp_path, driver="KML"):
    rows = [{**r, "description": f"Mô tả {i}"} for i, r in enumerate(PLACES)]
    return write(frame(rows, _two_places(db)), tmp_path / "diem.kml", driver=driver)


@pytest.mark.parametrize("driver", ["KML", "LIBKML"])
def test_kml(db, tmp_path, driver):
    assert run(db, "tourism_places", _kml(db, tmp_path, driver)).rows_loaded == 2
    assert _loaded_places(db) == EXPECTED_PLACES
    assert scalar(db, "SELECT description_vi FROM tourism_places ORDER BY id DESC LIMIT 1") == "Mô tả 1"


@pytest.mark.parametrize("driver", ["KML", "LIBKML"])
def test_kmz(db, tmp_path, driver):
    path = zip_files(tmp_path / "diem.kmz", [_kml(db, tmp_path, driver)], ["doc.kml"])
    assert run(db, "tourism_places", path).rows_loaded == 2
    assert _loaded_places(db) == EXPECTED_PLACES


# --- CSV ----------------------------------------------------------------------------------

@pytest.mark.parametrize("x, y", [("lon", "lat"), ("longitude", "latitude"), ("kinh_do", "vi_do")])
def test_csv_with_coordinate_columns(db, tmp_path, x, y):
    points = _two_places(db)
    path = tmp_path / "diem.csv"
    pd.DataFrame([{**r, x: p.x, y: p.y} for r, p in zip(PLACES, points)]).to_csv(path, index=False)
    report = run(db, "tourism_places", path)
    assert report.rows_loaded == 2 and report.ignored_fields == []
    assert _loaded_places(db) == EXPECTED_PLACES


def test_csv_with_a_wkt_column(db, tmp_path):
    path = tmp_path / "vung.csv"
    pd.DataFrame([{**r, "wkt": g.wkt} for r, g in zip(AREAS, _two_areas(db))]).to_csv(path, index=False)
    assert run(db, "growing_areas", path).rows_loaded == 2
    assert _loaded_areas(db) == EXPECTED_AREAS


def test_csv_in_vn2000_metres_is_matched_to_the_province_zone(db, tmp_path):
    p = inside(db, VINH_LOC)
    x, y = to_crs(p, 9208)
    path = tmp_path / "diem.csv"
    pd.DataFrame([{**PLACES[0], "x": x, "y": y}]).to_csv(path, index=False)
    report = run(db, "tourism_places", path)
    assert "EPSG:9208" in report.crs
    stored = shapely.from_wkt(scalar(db, "SELECT ST_AsText(geom) FROM tourism_places ORDER BY id DESC LIMIT 1"))
    assert metres_between(db, stored, p) < 1.0


# --- GPX: waypoints are places, tracks are routes ----------------------------------------------

def test_gpx_waypoints_into_places(db, tmp_path):
    rows = [{"name": r["name"], "desc": "Điểm dừng", "type": r["kind"]} for r in PLACES]
    path = write(frame(rows, _two_places(db)), tmp_path / "diem.gpx", driver="GPX")
    report = run(db, "tourism_places", path, field_map={"type": "kind"})
    assert report.rows_loaded == 2
    assert _loaded_places(db) == EXPECTED_PLACES
    assert scalar(db, "SELECT description_vi FROM tourism_places ORDER BY id DESC LIMIT 1") == "Điểm dừng"


def test_gpx_tracks_into_routes(db, tmp_path):
    a, b = _two_places(db)
    track = shapely.MultiLineString([[(a.x, a.y), ((a.x + b.x) / 2, (a.y + b.y) / 2 + 0.01), (b.x, b.y)]])
    rows = [{"name": "Vinh - Quế Phong", "desc": "Hai ngày"}]
    path = write(frame(rows, [track]), tmp_path / "tuyen.gpx", driver="GPX", layer="tracks")
    report = run(db, "tourism_routes", path)
    assert report.rows_loaded == 1
    name, desc, km = db.execute("SELECT name_vi, description_vi, length_km FROM tourism_routes ORDER BY id DESC LIMIT 1").fetchone()
    assert (name, desc) == ("Vinh - Quế Phong", "Hai ngày") and 100 < km < 250
    # Its track points are a GPS log, never guessed into a point layer.
    msg = str(refused(db, "tourism_places", path))
    assert "track_points (Point, 3 features)" in msg and "choose one with --layer" in msg


# --- legacy encodings in shapefiles without .cpg --------------------------------------------

NAMES = ["Nhà văn hóa xóm Đồng", "Bến thuyền làng chài", "Chợ quê ngày rằm"]  # no toned capitals: TCVN3 has none


def _legacy_shapefile(db, tmp_path, encode) -> tuple:
    """DBF bytes in a legacy encoding, written as Latin-1 so they pass through untouched."""
    rows = [{"ten": encode(n).decode("latin-1"), "kind": "community_tourism"} for n in NAMES]
    points = [shapely.Point(p.x + 0.0001 * i, p.y) for i, p in enumerate([inside(db, VINH_LOC)] * 3)]
    path = write(frame(rows, points), tmp_path / "cu.shp", encoding="latin1")
    path.with_suffix(".cpg").unlink()
    return path


def _loaded_names(db):
    return [r[0] for r in db.execute("SELECT name_vi FROM tourism_places ORDER BY id DESC LIMIT 3")][::-1]


@pytest.mark.parametrize("name, encode", [("tcvn3", vn_encodings.encode_tcvn3), ("vni", vn_encodings.encode_vni)])
def test_legacy_encoding_is_detected(db, tmp_path, name, encode):
    path = _legacy_shapefile(db, tmp_path, encode)
    assert not path.with_suffix(".cpg").exists()
    report = run(db, "tourism_places", path)
    assert f"text encoding detected: {name} (override with --encoding)" in report.notes
    assert _loaded_names(db) == NAMES


def test_encoding_option_overrides_detection(db, tmp_path):
    path = _legacy_shapefile(db, tmp_path, vn_encodings.encode_tcvn3)
    report = run(db, "tourism_places", path, encoding="vni")
    assert report.notes == ["text read as vni (--encoding)"]
    assert _loaded_names(db) != NAMES
    run(db, "tourism_places", path, encoding="TCVN3")
    assert _loaded_names(db) == NAMES


def test_legacy_csv_with_vietnamese_column_names(db, tmp_path):
    p = inside(db, VINH_LOC)
    lines = ["tên,loại,kinh_do,vi_do", *(f"{n},community_tourism,{p.x},{p.y}" for n in NAMES)]
    path = tmp_path / "diem.csv"
    path.write_bytes(b"\r\n".join(vn_encodings.encode_vni(line) for line in lines) + b"\r\n")
    report = run(db, "tourism_places", path, field_map={"loại": "kind"})
    assert report.mapping == {"loại": "kind", "tên": "name_vi"} and "text encoding detected: vni" in report.notes[0]
    assert _loaded_names(db) == NAMES


def test_a_cpg_that_lies_is_caught_and_encoding_fixes_it(db, tmp_path):
    path = _legacy_shapefile(db, tmp_path, vn_encodings.encode_tcvn3)
    path.with_suffix(".cpg").write_text("UTF-8")  # some tools write it whatever the bytes are
    msg = str(refused(db, "tourism_places", path))
    assert "text that is not utf-8" in msg and "pass it with --encoding (tcvn3, vni, cp1258)" in msg
    run(db, "tourism_places", path, encoding="tcvn3")
    assert _loaded_names(db) == NAMES
