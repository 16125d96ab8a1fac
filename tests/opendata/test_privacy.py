"""Privacy by construction: no personal field or value, and no household-level row outside the
public address layer, in any distribution of a release (vector files and PMTiles alike)."""
from __future__ import annotations

import gzip

import mapbox_vector_tile
import psycopg
import pyarrow.parquet as pq
import pyogrio
import pytest
from pmtiles.reader import MmapSource, all_tiles

from layers.jobs.opendata import store
from layers.jobs.opendata.privacy import PERSONAL_FIELDS, PrivacyError, check_fields
from layers.read.registry import BY_ID

HOUSEHOLD_DATASETS = {"households", "commune_indicators", "village_indicators"}


@pytest.fixture(scope="module")
def private(od_demo):
    """What must never leave: the private columns, and their values that identify a person."""
    with psycopg.connect(od_demo) as conn:
        cols = {r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'private' "
            "AND table_name = 'household_private'")}
        values = set()
        for name, phone, nid in conn.execute("SELECT head_name, phone, national_id FROM private.household_private"):
            values.update(v for v in (name, phone, nid) if v)
        codes = {r[0] for r in conn.execute("SELECT address_code FROM households")}
    assert len(values) > 1000 and "national_id" in cols
    return cols - {"household_id", "created_at", "updated_at"}, values, codes


def vector_tables(folder, ds):
    for d in ds["distributions"]:
        path = folder / d["path"]
        if d["format"] == "parquet":
            yield d["format"], pq.read_table(path).drop(["geometry"]).to_pylist()
        elif d["format"] != "pmtiles":
            src = f"/vsizip/{path}" if d["format"] == "shp" else str(path)
            df = pyogrio.read_dataframe(src, read_geometry=False)
            yield d["format"], df.to_dict("records")


def tile_features(path):
    with open(path, "rb") as f:
        for _, data in all_tiles(MmapSource(f)):
            for layer_name, layer in mapbox_vector_tile.decode(gzip.decompress(data)).items():
                for feat in layer["features"]:
                    yield layer_name, feat["properties"]


def test_every_distribution_is_free_of_personal_data(release, od_settings, private):
    cols, values, codes = private
    man = store.manifest(od_settings, release.version)
    folder = store.releases_dir(od_settings) / release.version
    scanned = 0
    for ds in man["datasets"].values():
        fields = [f["name"] for f in ds["fields"]]
        assert not set(fields) & PERSONAL_FIELDS, ds["id"]
        if ds["id"] in HOUSEHOLD_DATASETS:
            assert not set(fields) & cols, ds["id"]
        if ds["id"] != "households":
            assert not {"address_code", "plus_code"} & set(fields), ds["id"]
            assert ds["count"] < len(codes), ds["id"]  # aggregates, never a row per household
        for fmt, rows in vector_tables(folder, ds):
            strings = {v for row in rows for v in row.values() if isinstance(v, str)}
            assert not strings & values, (ds["id"], fmt)
            if ds["id"] != "households":
                assert not strings & codes, (ds["id"], fmt)
            scanned += 1
        tiles = [d for d in ds["distributions"] if d["format"] == "pmtiles"]
        for d in tiles:
            for layer_name, props in tile_features(folder / d["path"]):
                banned = PERSONAL_FIELDS | (cols if ds["id"] in HOUSEHOLD_DATASETS else set())
                assert not set(props) & banned, (ds["id"], layer_name)
                assert not {v for v in props.values() if isinstance(v, str)} & values
                if layer_name == "households_grid":
                    assert set(props) == {"count"}
            scanned += 1
    assert scanned >= 6 * len(man["datasets"])


def test_households_dataset_is_exactly_the_public_address_layer(release, od_settings):
    ds = store.manifest(od_settings, release.version)["datasets"]["households"]
    assert [f["name"] for f in ds["fields"]] == ["id", *BY_ID["households"].property_names]


def test_small_household_counts_are_suppressed(release, od_settings):
    folder = store.releases_dir(od_settings) / release.version
    threshold = od_settings.opendata_min_count
    seen_suppressed = False
    for name in ("commune_indicators", "village_indicators"):
        for row in pq.read_table(folder / f"{name}.parquet").to_pylist():
            for col in ("households", "households_with_address_code"):
                assert row[col] is None or row[col] == 0 or row[col] >= threshold, (name, row["id"])
            if row["households_suppressed"]:
                seen_suppressed = True
                assert row["households"] is None or row["households_with_address_code"] is None
                assert row["address_code_share"] is None
    assert seen_suppressed  # the small demo has villages of 1–4 households


def test_a_personal_field_name_stops_a_release():
    with pytest.raises(PrivacyError, match="national_id"):
        check_fields("x", ["id", "national_id"], household_derived=False)
    with pytest.raises(PrivacyError, match="phone"):
        check_fields("x", ["id", "phone"], household_derived=True)
    check_fields("cooperatives", ["id", "phone", "members"], household_derived=False)  # a business's
