"""Every distribution of a release opens and holds exactly the rows the API serves."""
from __future__ import annotations

import csv
import io
import json
import zipfile

import geopandas as gpd
import psycopg
import pyarrow.parquet as pq
import pyogrio
import pytest
from pmtiles.reader import MmapSource, Reader

from geo.vector_export import shapefile_field_names
from layers.jobs.opendata import store
from layers.jobs.opendata.datasets import all_datasets

DERIVED_COUNTS = {  # derived datasets: one row per ...
    "commune_indicators": "SELECT count(*) FROM communes",
    "village_indicators": "SELECT count(*) FROM villages",
    "ntm_assessments": "SELECT count(*) FROM ntm_assessments a JOIN communes c ON c.code = a.commune_code",
    "harvest_lots": "SELECT count(*) FROM harvest_lots",
    "harvest_lot_areas": "SELECT count(*) FROM harvest_lot_areas",
    "label_scans_by_commune": "SELECT count(DISTINCT (k.commune_code, date_trunc('month', s.day))) FROM lot_scans s "
                              "JOIN harvest_lots l ON l.id = s.lot_id JOIN cooperatives k ON k.id = l.cooperative_id "
                              "JOIN communes c ON c.code = k.commune_code",
}


def vsi(path) -> str:
    return f"/vsizip/{path}" if str(path).endswith(".zip") else str(path)


def api_count(client, layer_id: str) -> int:
    r = client.get(f"/collections/{layer_id}/items", params={"limit": 1, "numberMatched": "true"})
    assert r.status_code == 200, r.text
    return r.json()["numberMatched"]


@pytest.fixture(scope="module")
def expected(od_client, od_demo):
    out = {}
    with psycopg.connect(od_demo) as conn:
        for ds in all_datasets():
            if ds.layer_id:
                out[ds.id] = api_count(od_client, ds.layer_id)
            else:
                out[ds.id] = conn.execute(DERIVED_COUNTS[ds.id]).fetchone()[0]
    return out


def test_every_dataset_is_in_the_release_in_every_vector_format(release, od_settings):
    man = store.manifest(od_settings, release.version)
    assert set(man["datasets"]) == {d.id for d in all_datasets()}
    for ds in man["datasets"].values():
        formats = {d["format"] for d in ds["distributions"]}
        assert {"parquet", "geojson", "gpkg", "shp", "csv", "fgb"} <= formats, ds["id"]
        if ds["layer_id"]:
            assert "pmtiles" in formats, ds["id"]


def test_every_vector_distribution_opens_with_the_api_count(release, od_settings, expected):
    man = store.manifest(od_settings, release.version)
    folder = store.releases_dir(od_settings) / release.version
    checked = 0
    for ds in man["datasets"].values():
        assert ds["count"] == expected[ds["id"]], ds["id"]
        for d in ds["distributions"]:
            path = folder / d["path"]
            if d["format"] == "pmtiles":
                continue
            if d["format"] == "parquet":
                # This pyogrio's GDAL has no (Geo)Parquet driver: read it as consumers do.
                n = pq.ParquetFile(path).metadata.num_rows
                assert len(gpd.read_parquet(path)) == n
            else:
                n = pyogrio.read_info(vsi(path))["features"]
                if n == -1:  # GDAL cannot say without reading (an empty FlatGeobuf has no count): read it
                    n = len(pyogrio.read_dataframe(vsi(path)))
            assert n == expected[ds["id"]], (ds["id"], d["format"])
            checked += 1
    assert checked == 6 * len(man["datasets"])


def test_values_survive_every_format(release, od_settings):
    folder = store.releases_dir(od_settings) / release.version
    ref = gpd.read_parquet(folder / "tourism_places.parquet").set_index("id").sort_index()
    assert ref.crs.to_string() == "OGC:CRS84"  # GeoParquet default: lon/lat WGS 84
    for suffix in (".geojson", ".gpkg", ".fgb", ".csv", ".shp.zip"):
        df = pyogrio.read_dataframe(vsi(folder / f"tourism_places{suffix}"), fid_as_index=suffix == ".geojson")
        if suffix == ".geojson":
            df.index.name = "id"
        else:
            df = df.set_index("id")
        df.index = df.index.astype(int)  # CSV columns are text; datapackage.json gives their types
        df = df.sort_index()
        assert list(df.index) == list(ref.index), suffix
        name_col = "name_vi"
        assert list(df[name_col]) == list(ref["name_vi"]), suffix  # Vietnamese text intact


def test_geoparquet_metadata(release, od_settings):
    path = store.releases_dir(od_settings) / release.version / "communes.parquet"
    geo = json.loads(pq.ParquetFile(path).metadata.metadata[b"geo"])
    col = geo["columns"]["geometry"]
    assert geo["primary_column"] == "geometry" and col["encoding"] == "WKB"
    assert col["geometry_types"] in (["MultiPolygon"], ["Polygon"], ["MultiPolygon", "Polygon"])
    w, s, e, n = col["bbox"]
    assert 103 < w < e < 107 and 18 < s < n < 20.5  # Nghệ An


def test_shapefile_zip_ships_its_field_mapping(release, od_settings):
    path = store.releases_dir(od_settings) / release.version / "commune_indicators.shp.zip"
    with zipfile.ZipFile(path) as z:
        rows = list(csv.DictReader(io.StringIO(z.read("commune_indicators_fields.csv").decode())))
    mapping = {r["field"]: r["shapefile_field"] for r in rows}
    fields = [f["name"] for f in store.manifest(od_settings, release.version)["datasets"]["commune_indicators"]["fields"]]
    assert mapping == shapefile_field_names(fields)
    names = pyogrio.read_info(vsi(path))["fields"].tolist()
    assert names == [mapping[f] for f in fields]
    assert all(len(n) <= 10 for n in names) and len({n.lower() for n in names}) == len(names)


def test_pmtiles_hold_the_layer(release, od_settings):
    folder = store.releases_dir(od_settings) / release.version
    with open(folder / "communes.pmtiles", "rb") as f:
        reader = Reader(MmapSource(f))
        header, meta = reader.header(), reader.metadata()
        assert header["min_zoom"] == 0 and header["max_zoom"] == 10
        assert [layer["id"] for layer in meta["vector_layers"]] == ["communes"]
        assert reader.get(8, 203, 114) is not None  # a tile over Vinh
    with open(folder / "households.pmtiles", "rb") as f:
        meta = Reader(MmapSource(f)).metadata()
        # Below z14 households are counts per grid cell only (tiles.tilesets): no address in the file.
        assert [layer["id"] for layer in meta["vector_layers"]] == ["households_grid", "households"]
    # Every PMTiles opens with GDAL too. Its features are tiles' (clipped, repeated per zoom), so
    # counts are compared for the vector files above, not here.
    man = store.manifest(od_settings, release.version)
    for ds in man["datasets"].values():
        for d in ds["distributions"]:
            if d["format"] == "pmtiles":
                assert ds["id"] in [row[0] for row in pyogrio.list_layers(folder / d["path"])], ds["id"]
