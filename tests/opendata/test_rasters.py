"""Public rasters in open-data releases (issue 13 item 7): the COG (a hard link to the stored file,
never a copy) and its legend JSON, listed in the manifest, datapackage.json and the DCAT catalog
with the raster's own CRS and an OGC API - Tiles distribution; versions follow the vector rules
(new raster MINOR, new pixels PATCH, no longer public MAJOR) and an old release keeps its bytes
after the raster is replaced."""
from __future__ import annotations

import hashlib
import json

import numpy as np
import psycopg
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS

from layers.db.engines import connection
from layers.jobs.opendata import catalog, store
from layers.jobs.opendata.datasets import all_datasets
from layers.jobs.opendata.release import publish
from layers.jobs.rasters.store import add_raster
from tests.layers.test_raster_import import LANDCOVER, classes, write_tif

BASE = "https://ntm.example.vn"
# Western Nghệ An in VN-2000 TM-3 104°45' (EPSG:9208), inside the demo province.
ORIGIN_9208 = (455_000.0, 2_107_000.0)


@pytest.fixture
def od(settings, tmp_path):
    return settings.model_copy(update={"opendata_dir": tmp_path / "od", "raster_dir": tmp_path / "rasters"})


def provinces_only():
    return tuple(d for d in all_datasets() if d.id == "provinces")


def add(url, od, data, **kw):
    src = write_tif(od.raster_dir.parent / f"in{data.sum()}.tif", data, crs="EPSG:9208", origin=ORIGIN_9208)
    with connection(url) as conn:
        return add_raster(conn, od, "landcover", src, kind="categorical", title_vi="Hiện trạng sử dụng đất",
                          title_en="Land cover", legend=LANDCOVER, licence="CC-BY-4.0", synthetic=True, **kw)


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_raster_release_catalog_and_versions(demo_db, od):
    od.raster_dir.mkdir(parents=True)
    row = add(demo_db, od, classes())
    stored = od.raster_dir / row["file"]
    first = publish(od, demo_db, datasets=provinces_only(), rasters=True)
    assert first.version == "1.0.0" and first.changes["landcover"].new_dataset
    cog, legend = first.path / "landcover.tif", first.path / "landcover.legend.json"
    assert cog.stat().st_ino == stored.stat().st_ino  # the stored COG, linked, not copied
    man = json.loads((first.path / "release.json").read_text())
    entry = man["datasets"]["landcover"]
    dists = {d["format"]: d for d in entry["distributions"]}
    assert dists["cog"]["sha256"] == sha(cog) == row["sha256"] and dists["cog"]["bytes"] == cog.stat().st_size
    assert dists["legend"]["sha256"] == sha(legend)
    doc = json.loads(legend.read_text())
    assert doc["legend"] == LANDCOVER and doc["crs"] == "EPSG:9208" and doc["synthetic"] is True
    assert entry["bbox"] == pytest.approx(row["bbox"]) and 104.0 < entry["bbox"][0] < 105.5
    package = json.loads((first.path / "datapackage.json").read_text())
    assert {"landcover-cog", "landcover-legend"} <= {r["name"] for r in package["resources"]}

    g = Graph().parse(data=catalog.turtle(man, BASE, od), format="turtle")
    ds = URIRef(f"{BASE}/opendata/datasets/landcover")
    assert (ds, DCTERMS.conformsTo, URIRef("http://www.opengis.net/def/crs/EPSG/0/9208")) in g
    downloads = {str(o) for d in g.objects(ds, DCAT.distribution) for o in g.objects(d, DCAT.downloadURL)}
    assert downloads == {f"{BASE}/opendata/releases/1.0.0/landcover.tif",
                         f"{BASE}/opendata/releases/1.0.0/landcover.legend.json"}
    tiles = URIRef(f"{BASE}/opendata/datasets/landcover#ogc-api-tiles")
    assert (tiles, DCAT.accessURL, URIRef(f"{BASE}/collections/landcover/map/tiles")) in g
    for prop in catalog.API_DISTRIBUTION_PROPERTIES:
        assert g.value(tiles, prop) is not None, prop
    for prop in catalog.DATASET_PROPERTIES:
        assert g.value(ds, prop) is not None, prop
    service = URIRef(f"{catalog.catalog_iri(BASE)}#ogc-api")
    assert (service, DCAT.servesDataset, ds) in g and (tiles, DCAT.accessService, service) in g

    assert publish(od, demo_db, datasets=provinces_only(), rasters=True).version is None  # nothing changed

    add(demo_db, od, (classes() % 2 + 1).astype("uint8"), replace=True)  # new pixels
    second = publish(od, demo_db, datasets=provinces_only(), rasters=True)
    assert second.version == "1.0.1" and second.changes["landcover"].changed == ["landcover"]
    assert not stored.exists()  # the store dropped v1 on commit ...
    assert sha(cog) == row["sha256"]  # ... and release 1.0.0 still holds its bytes
    assert sha(second.path / "landcover.tif") != row["sha256"]

    with psycopg.connect(demo_db) as c:
        c.execute("UPDATE rasters SET public = false WHERE name = 'landcover'")
    third = publish(od, demo_db, datasets=provinces_only(), rasters=True)
    assert third.version == "2.0.0" and not (third.path / "landcover.tif").exists()


def test_raster_dataset_page_and_download(demo_db, od, app_client):
    od.raster_dir.mkdir(parents=True)
    row = add(demo_db, od, classes())
    assert publish(od, demo_db, datasets=provinces_only(), rasters=True).version == "1.0.0"
    client = app_client(demo_db, settings=od)
    r = client.get("/opendata/datasets/landcover.cog")
    assert r.status_code == 200 and hashlib.sha256(r.content).hexdigest() == row["sha256"]
    page = client.get("/opendata/datasets/landcover?f=html&lang=en")
    assert page.status_code == 200 and "Land cover" in page.text and "landcover.tif" in page.text
    assert "Cloud Optimized GeoTIFF (COG)" in page.text and "Legend (JSON)" in page.text
    page = client.get("/opendata/datasets/landcover?f=html&lang=vi")
    assert "GeoTIFF tối ưu cho đám mây (COG)" in page.text and "Chú giải (JSON)" in page.text
    assert np.asarray(json.loads(client.get("/opendata/datasets/landcover.legend").content)["legend"]["classes"]).size == 3


def test_a_missing_cog_fails_the_release_in_words(demo_db, od):
    od.raster_dir.mkdir(parents=True)
    row = add(demo_db, od, classes())
    (od.raster_dir / row["file"]).unlink()
    with pytest.raises(ValueError, match="raster 'landcover': its COG .* is missing"):
        publish(od, demo_db, datasets=provinces_only(), rasters=True)
    assert store.latest(od) is None  # nothing published
