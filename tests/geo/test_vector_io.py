"""Opening vector files: which layer, which CSV columns, what encoding, and errors that say why."""
from __future__ import annotations

import json
import warnings
import zipfile

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from geo import vn_encodings
from geo.vector_io import GEOMETRY_NOTE, BadText, FileProblem, open_vector, read_chunks

P1, P2 = shapely.Point(105.70, 18.70), shapely.Point(105.71, 18.71)


def write(path, rows, geoms, crs="EPSG:4326", **kwargs):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "'crs' was not provided", UserWarning)
        pyogrio.write_dataframe(gpd.GeoDataFrame(rows, geometry=geoms, crs=crs), path, **kwargs)
    return path


@pytest.fixture
def two_layers(tmp_path):
    path = tmp_path / "du_lieu.gpkg"
    write(path, [{"ten": "điểm"}] * 2, [P1, P2], layer="diem")
    write(path, [{"ten": "vùng"}], [shapely.box(105.7, 18.7, 105.8, 18.8)], layer="vung", append=True)
    return path


def test_the_layer_that_fits_the_target_is_chosen(two_layers):
    assert open_vector(two_layers, target="Polygon").layer == "vung"
    assert open_vector(two_layers, target="Point").layer == "diem"
    assert open_vector(two_layers, layer="diem", target="Polygon").layer == "diem"  # as told


def test_several_layers_are_listed_when_none_fits(two_layers):
    with pytest.raises(FileProblem) as caught:
        open_vector(two_layers, target="LineString")
    assert str(caught.value) == (f"{two_layers}: has several layers (diem (Point, 2 features), "
                                 "vung (Polygon, 1 feature)); choose one with --layer")
    with pytest.raises(FileProblem, match="has no layer 'duong'; layers: diem, vung"):
        open_vector(two_layers, layer="duong")


def test_gpx_waypoints_for_points_and_tracks_for_lines(tmp_path):
    waypoints = write(tmp_path / "diem.gpx", [{"name": "a"}, {"name": "b"}], [P1, P2], driver="GPX")
    track = write(tmp_path / "tuyen.gpx", [{"name": "t"}], [shapely.MultiLineString([[(105.7, 18.7), (105.8, 18.8)]])],
                  driver="GPX", layer="tracks")
    src = open_vector(waypoints, target="Point")
    assert (src.layer, src.count, src.geometry_type) == ("waypoints", 2, "Point")
    assert "name" in src.fields and "desc" in src.fields
    assert open_vector(track, target="LineString").layer == "tracks"
    # A track's points are a GPS log, not places: not taken for a point layer unasked.
    with pytest.raises(FileProblem, match=r"tracks \(MultiLineString, 1 feature\).*track_points \(Point, 2 features\)"):
        open_vector(track, target="Point")
    assert open_vector(track, layer="track_points").count == 2


@pytest.mark.parametrize("header, row", [
    ("ten,lon,lat", "A,105.7,18.7"), ("ten,longitude,latitude", "A,105.7,18.7"),
    ("ten,kinh_do,vi_do", "A,105.7,18.7"), ("ten,x,y", "A,105.7,18.7"),
    ('ten,wkt', 'A,"POINT (105.7 18.7)"'), ('ten,geometry', 'A,"POINT (105.7 18.7)"'),
])
def test_csv_coordinates_from_columns_or_wkt(tmp_path, header, row):
    path = tmp_path / "diem.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    src = open_vector(path)
    assert src.fields == ["ten"] and src.count == 1  # coordinate columns are not fields
    chunk = next(read_chunks(src))
    assert chunk.geometry.iloc[0].equals(shapely.Point(105.7, 18.7)) and chunk["ten"].tolist() == ["A"]


def test_a_csv_without_coordinates_is_not_spatial(tmp_path):
    path = tmp_path / "bang.csv"
    pd.DataFrame({"ten": ["A"], "dien_tich": [1.5]}).to_csv(path, index=False)
    with pytest.raises(FileProblem, match="has no geometry column, so it is not a spatial file .for CSV, name the columns lon/lat"):
        open_vector(path)


@pytest.mark.parametrize("name, content, expected", [
    ("a.txt", b"hello", "unsupported file type .txt; use Shapefile"),
    ("a.xlsx", b"PK", "unsupported file type .xlsx"),
    ("a.zip", b"PK\x03\x04 cut", "is not a readable ZIP archive"),
    ("a.kmz", b"<kml/>", "is not a readable KMZ archive"),
    ("a.geojson", b"{", "cannot be opened as a vector file"),
])
def test_unreadable_files(tmp_path, name, content, expected):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(FileProblem, match=expected):
        open_vector(tmp_path / name)


def test_missing_paths_and_empty_zips(tmp_path):
    with pytest.raises(FileProblem, match="no such file or folder"):
        open_vector(tmp_path / "khong_co.shp")
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as z:
        z.writestr("doc/readme.txt", "x")
    with pytest.raises(FileProblem, match=r"holds no vector file \(it contains: doc/readme.txt\)"):
        open_vector(tmp_path / "a.zip")


def test_a_kmz_of_a_zipped_kml_keeps_its_fields(tmp_path):
    kml = write(tmp_path / "diem.kml", [{"name": "a", "kind": "homestay"}], [P1], driver="LIBKML")
    with zipfile.ZipFile(tmp_path / "diem.kmz", "w") as z:
        z.write(kml, "doc.kml")
    src = open_vector(tmp_path / "diem.kmz")
    assert "kind" in src.fields
    assert next(read_chunks(src))["kind"].tolist() == ["homestay"]


def test_chunks_number_rows_across_the_file(tmp_path):
    points = [shapely.Point(105 + i / 1000, 18.7) for i in range(250)]
    src = open_vector(write(tmp_path / "nhieu.gpkg", {"i": list(range(1, 251))}, points))
    chunks = list(read_chunks(src, chunk_size=100))
    assert [len(c) for c in chunks] == [100, 100, 50]
    rows = [r for c in chunks for r in c["source_row"]]
    assert rows == list(range(1, 251)) == [i for c in chunks for i in c["i"]]


def test_an_unclosed_ring_is_closed_and_noted(tmp_path):
    ring = [[105.7, 18.7], [105.8, 18.7], [105.8, 18.8], [105.7, 18.8]]
    path = tmp_path / "vung.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"n": i}, "geometry": {"type": "Polygon", "coordinates": [c]}}
        for i, c in enumerate([ring + [ring[0]], ring])]}))
    chunk = next(read_chunks(open_vector(path)))
    assert chunk.geometry.iloc[1].equals(shapely.box(105.7, 18.7, 105.8, 18.8))
    assert pd.isna(chunk[GEOMETRY_NOTE].iloc[0])
    assert "do not form a closed linestring (ring closed)" in chunk[GEOMETRY_NOTE].iloc[1]


# --- text encodings ---------------------------------------------------------------------------

NAMES = ["Xóm Đồng Bàu", "Nhà văn hóa xóm", "Bến thuyền Hưng Hòa"]


def _legacy_shapefile(tmp_path, raw: list[bytes]):
    path = write(tmp_path / "cu.shp", {"ten": [r.decode("latin-1") for r in raw]}, [P1] * len(raw), encoding="latin1")
    path.with_suffix(".cpg").unlink()
    return path


@pytest.mark.parametrize("encoding, encode", [("tcvn3", vn_encodings.encode_tcvn3), ("vni", vn_encodings.encode_vni)])
def test_legacy_shapefile_text_is_detected_and_decoded(tmp_path, encoding, encode):
    src = open_vector(_legacy_shapefile(tmp_path, [encode(n) for n in NAMES]))
    assert src.encoding == encoding and src.notes == [f"text encoding detected: {encoding} (override with --encoding)"]
    assert next(read_chunks(src))["ten"].tolist() == NAMES


def test_the_encoding_option_accepts_common_spellings(tmp_path):
    path = _legacy_shapefile(tmp_path, [vn_encodings.encode_tcvn3(n) for n in NAMES])
    src = open_vector(path, encoding="ABC")  # what Vietnamese users call TCVN3
    assert next(read_chunks(src))["ten"].tolist() == NAMES
    with pytest.raises(FileProblem, match="unknown --encoding 'latin-9'; use one of utf-8, tcvn3, vni, cp1258"):
        open_vector(path, encoding="latin-9")


def test_utf8_files_are_left_to_gdal(tmp_path):
    src = open_vector(write(tmp_path / "moi.geojson", {"ten": NAMES}, [P1] * 3))
    assert src.encoding == "gdal" and src.reencode is None and src.notes == []
    shp = open_vector(write(tmp_path / "moi.shp", {"ten": NAMES}, [P1] * 3))
    assert shp.reencode is None and next(read_chunks(shp))["ten"].tolist() == NAMES


def test_a_legacy_csv_is_detected_header_and_all(tmp_path):
    # Excel sheets typed with .VnTime fonts, saved as CSV: TCVN3 bytes, where GDAL assumes UTF-8.
    path = tmp_path / "cu.csv"
    lines = ["tên,lon,lat", *(f"{n},105.7,18.7" for n in NAMES)]
    path.write_bytes(b"\n".join(vn_encodings.encode_tcvn3(line) for line in lines) + b"\n")
    src = open_vector(path)
    assert src.encoding == "tcvn3" and src.fields == ["tên"]
    assert next(read_chunks(src))["tên"].tolist() == NAMES
    utf8 = tmp_path / "moi.csv"
    utf8.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")  # with the BOM Excel writes
    src = open_vector(utf8)
    assert src.reencode is None and src.fields == ["tên"]
    assert next(read_chunks(src))["tên"].tolist() == NAMES


def test_text_that_lies_about_its_encoding_is_a_file_problem_naming_the_file(tmp_path):
    path = write(tmp_path / "diem.shp", {"ten": ["Yên Thành"]}, [shapely.Point(105.5, 19.0)], encoding="cp1258")
    path.with_suffix(".cpg").write_text("UTF-8")  # the bytes are cp1258: invalid UTF-8
    with pytest.raises(BadText, match=r"diem\.shp: text that is not utf-8") as info:
        list(read_chunks(open_vector(path)))
    assert isinstance(info.value, FileProblem)
