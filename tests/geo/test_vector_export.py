"""The streaming writers: every format from one stream, values intact, Shapefile names mapped."""
from __future__ import annotations

import datetime
import json
import zipfile

import geopandas as gpd
import pyarrow as pa
import pyarrow.parquet as pq
import pyogrio
import pytest
import shapely

from geo.vector_export import (FORMATS, VECTOR_ORDER, arrow_schema, layer_geometry_type, shapefile_field_names,
                               write_all)

FIELDS = [("id", "integer"), ("name_vi", "string"), ("households_with_address_code", "integer"),
          ("households_with_address_share", "number"), ("target_met", "boolean"), ("valid_from", "date")]


def batches(n_batches: int, size: int, schema: pa.Schema, empty_every: int = 0):
    """A generator: the writer must take batches one at a time."""
    for k in range(n_batches):
        ids = list(range(k * size, (k + 1) * size))
        geoms = shapely.points([105 + i * 1e-4 for i in ids], [18.5 + i * 1e-5 for i in ids])
        if empty_every:
            geoms = [shapely.Point() if i % empty_every == 0 else g for i, g in zip(ids, geoms)]
        yield pa.RecordBatch.from_arrays([
            pa.array(ids, pa.int64()), pa.array([f"Thôn Đông {i}" for i in ids]),
            pa.array([i % 7 for i in ids], pa.int64()), pa.array([None if i % 5 == 0 else i / 10 for i in ids]),
            pa.array([i % 2 == 0 for i in ids]), pa.array([datetime.date(2024, 1, 1 + i % 28) for i in ids]),
            pa.array(shapely.to_wkb(geoms), pa.binary()),
        ], schema=schema)


def src(path) -> str:
    return f"/vsizip/{path}" if str(path).endswith(".zip") else str(path)


def test_every_format_from_one_stream(tmp_path):
    schema = arrow_schema(FIELDS)
    seen = []
    paths = write_all(tmp_path, "villages", schema, batches(5, 1000, schema), "Point",
                      on_written=lambda key, path: seen.append(key))
    assert seen == list(VECTOR_ORDER) and set(paths) == set(FORMATS)
    ref = gpd.read_parquet(paths["parquet"])
    assert len(ref) == 5000
    for key in VECTOR_ORDER[1:]:
        info = pyogrio.read_info(src(paths[key]))
        assert info["features"] == 5000, key
        df = pyogrio.read_dataframe(src(paths[key]), max_features=3, fid_as_index=True)
        assert "Thôn Đông" in str(df.iloc[1].get("name_vi")), key
    gj = json.loads(paths["geojson"].read_text())
    first = gj["features"][1]
    assert first["id"] == 1 and first["properties"]["valid_from"] == "2024-01-02"
    assert first["properties"]["target_met"] is False and first["properties"]["households_with_address_share"] == 0.1
    assert first["geometry"]["coordinates"] == pytest.approx([105.0001, 18.50001])


def test_geoparquet_metadata_is_gathered_while_streaming(tmp_path):
    schema = arrow_schema(FIELDS)
    path = write_all(tmp_path, "x", schema, batches(3, 100, schema), "Point", formats=["parquet"])["parquet"]
    f = pq.ParquetFile(path)
    assert f.metadata.num_row_groups == 3  # one row group per batch: nothing was gathered first
    geo = json.loads(f.metadata.metadata[b"geo"])
    col = geo["columns"]["geometry"]
    assert geo["version"] == "1.1.0" and col["encoding"] == "WKB" and col["geometry_types"] == ["Point"]
    assert col["bbox"] == pytest.approx([105, 18.5, 105 + 299e-4, 18.5 + 299e-5])


def test_empty_geometries_still_give_a_flatgeobuf(tmp_path):
    schema = arrow_schema(FIELDS)
    paths = write_all(tmp_path, "z", schema, batches(2, 50, schema, empty_every=10), "Point",
                      formats=["fgb", "gpkg"])
    assert pyogrio.read_info(paths["fgb"])["features"] == 100
    assert not (tmp_path / "z.parquet").exists()  # the staging GeoParquet is removed when not asked for


def test_shapefile_zip_has_short_names_and_the_mapping(tmp_path):
    schema = arrow_schema(FIELDS)
    path = write_all(tmp_path, "v", schema, batches(1, 10, schema), "Point", formats=["shp"])["shp"]
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        mapping = z.read("v_fields.csv").decode().splitlines()
    assert {"v.shp", "v.shx", "v.dbf", "v.prj", "v.cpg", "v_fields.csv"} <= names
    assert mapping[0] == "field,shapefile_field"
    assert "households_with_address_code,households" in mapping
    assert "households_with_address_share,househol_1" in mapping
    df = pyogrio.read_dataframe(src(path))
    assert list(df.columns) == ["id", "name_vi", "households", "househol_1", "target_met", "valid_from", "geometry"]
    assert df["name_vi"][3] == "Thôn Đông 3"  # UTF-8 in the .dbf, declared in the .cpg


def test_shapefile_names_are_deterministic_and_collision_free():
    names = ["id", "tourism_homestay", "tourism_homestay_x", "tourism_ho", "TOURISM__1", "a" * 30, "a" * 31,
             *(f"criterion_{n:02d}" for n in range(1, 20))]
    m = shapefile_field_names(names)
    assert m == shapefile_field_names(list(names))
    assert all(len(v) <= 10 for v in m.values())
    assert len({v.lower() for v in m.values()}) == len(names)
    assert m["id"] == "id" and m["tourism_ho"] == "tourism_ho"  # short names are kept as they are
    assert m["tourism_homestay"] == "tourism__2"  # _1 is taken by TOURISM__1 (dBase ignores case)
    assert [m[f"criterion_{n:02d}"] for n in (1, 2, 10, 11)] == ["criterion_", "criterio_1", "criterio_9", "criteri_10"]


def test_layer_geometry_type():
    assert layer_geometry_type({"Polygon", "MultiPolygon"}, "Polygon") == "MultiPolygon"
    assert layer_geometry_type({"Point"}, "Polygon") == "Point"
    assert layer_geometry_type(set(), "Polygon") == "Polygon"
    assert layer_geometry_type({"Point", "LineString"}, "Point") == "Unknown"
    assert layer_geometry_type({"NULL", "Point"}, "Point") == "Point"
