"""Real OGC clients read the service over HTTP: GDAL (ogrinfo, ogr2ogr), OWSLib, geopandas."""
from __future__ import annotations

import json
import shutil
import subprocess

import geopandas as gpd
import psycopg
import pyogrio
import pytest

from layers.read.registry import LAYERS



@pytest.fixture(scope="module", autouse=True)
def gdal_tools():
    assert shutil.which("ogr2ogr"), "GDAL command-line tools missing: make test installs them (apt-get install gdal-bin)"


def count(url, table, where="TRUE"):
    with psycopg.connect(url) as conn:
        return conn.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]


def test_ogrinfo_lists_every_layer(live_url):
    out = subprocess.run(["ogrinfo", "-ro", "-q", f"OAPIF:{live_url}"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    for layer in LAYERS:
        assert f": {layer.id} (" in out.stdout, out.stdout


def test_ogr2ogr_copies_a_layer_with_the_api_count(live_url, shared_demo, tmp_path):
    gpkg = tmp_path / "villages.gpkg"
    out = subprocess.run(["ogr2ogr", "-f", "GPKG", str(gpkg), f"OAPIF:{live_url}", "villages"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    info = pyogrio.read_info(gpkg, layer="villages")
    api_count = next(c["itemCount"] for c in json.loads(
        subprocess.run(["curl", "-s", f"{live_url}/collections"], capture_output=True, text=True).stdout
    )["collections"] if c["id"] == "villages")
    assert info["features"] == api_count == count(shared_demo, "villages")
    assert "name" in info["fields"] and "commune_code" in info["fields"]


def test_owslib_lists_and_reads_collections(live_url):
    from owslib.ogcapi.features import Features

    api = Features(live_url)
    ids = [c["id"] for c in api.collections()["collections"]]
    assert ids == [layer.id for layer in LAYERS]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in api.conformance()["conformsTo"]
    items = api.collection_items("tourism_places", limit=7)
    assert len(items["features"]) == 7 and items["numberReturned"] == 7
    one = api.collection_item("tourism_places", items["features"][0]["id"])
    assert one["properties"] == items["features"][0]["properties"]


def test_geopandas_reads_an_items_url(live_url, shared_demo):
    frame = gpd.read_file(f"{live_url}/collections/growing_areas/items?limit=1000")
    public = count(shared_demo, "growing_areas", "status IN ('granted','suspended','revoked','expired')")
    assert len(frame) == public and frame.crs.to_epsg() == 4326
    assert set(frame["status"]) <= {"granted", "suspended", "revoked", "expired"}
    assert frame.geometry.is_valid.all() and (frame.to_crs(9210).area > 0).all()
