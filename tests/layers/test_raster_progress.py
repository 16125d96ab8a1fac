"""`ntm-map raster add` shows real progress while the COG is written (issue 13): the fraction is
GDAL's own (layers.jobs.rasters.gdal_copy), and the COG is the one rasterio.shutil.copy writes
from the same input and options, byte for byte (the oracle). add_rasters writes several files on
threads with the same bytes and rows as one after the other, and leaves nothing when one fails."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest
import rasterio
import rasterio.shutil
from affine import Affine

from geo.raster_checks import RasterProblem
from layers.db.engines import connection
from layers.jobs.rasters import gdal_copy
from layers.jobs.rasters.cog import cog_options, convert, gdal_env
from layers.jobs.rasters.store import add_raster, add_rasters, list_rasters

UTM = "EPSG:32648"
ORIGIN = (560_000.0, 2_100_000.0)
STOPS = {"stops": [[0, "#00ff00"], [1000, "#ff0000"]]}


def _heights(path: Path, size: int, seed: int = 1) -> Path:
    """A `size` px square float raster of smooth hills (compresses like a real DEM)."""
    y, x = np.mgrid[0:size, 0:size].astype("float32") / size
    rng = np.random.default_rng(seed)
    data = (500 + 300 * np.sin(7 * x + rng.uniform(0, 3)) * np.cos(5 * y) + rng.normal(0, 2, (size, size)))
    with rasterio.open(path, "w", driver="GTiff", width=size, height=size, count=1, dtype="float32", crs=UTM,
                       transform=Affine(10, 0, ORIGIN[0], 0, -10, ORIGIN[1]), nodata=-9999.0, tiled=True) as dst:
        dst.write(data.astype("float32"), 1)
    return path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def home(settings, tmp_path):
    return settings.model_copy(update={"raster_dir": tmp_path / "rasters"})


def test_the_cog_reports_gdals_progress_and_is_rasterios_bytes(tmp_path):
    assert gdal_copy.has_progress()
    src = _heights(tmp_path / "dem.tif", 3000)
    seen, stages = [], []
    out = convert(src, tmp_path / "cog.tif", kind="continuous", max_pixels=10**9, cache_mb=64,
                  step=stages.append, written=seen.append)
    assert stages == ["reading the header", "writing the COG", "checking the COG", "checksum"]
    assert len(seen) > 10 and seen == sorted(seen) and seen[-1] == 1.0
    assert len({round(f, 1) for f in seen}) >= 5  # it moves through the file, not 0 then 1
    with gdal_env(64), rasterio.open(src) as dataset:
        rasterio.shutil.copy(dataset, str(tmp_path / "oracle.tif"), driver="COG",
                             **cog_options("continuous", 1, "float32", True))
    assert out.sha256 == _sha(tmp_path / "cog.tif") == _sha(tmp_path / "oracle.tif")


def test_a_failing_copy_names_gdals_reason_and_ctrl_c_stops_it(tmp_path):
    src = _heights(tmp_path / "dem.tif", 1500)
    with pytest.raises(rasterio.errors.RasterioError, match="nowhere"):
        with gdal_env(64):
            gdal_copy.copy(tmp_path / "nowhere.tif", "GTiff", tmp_path / "x.tif", "COG", {})
    calls = []

    def interrupt(fraction):
        calls.append(fraction)
        if fraction > 0.2:
            raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt), gdal_env(64):
        gdal_copy.copy(src, "GTiff", tmp_path / "y.tif", "COG", {"COMPRESS": "DEFLATE"}, interrupt)
    assert calls[-1] < 1.0  # GDAL stopped at the callback's word, it did not finish first


def test_raster_add_draws_the_share_written_on_stderr(schema_db, home, tmp_path, capfd):
    src = _heights(tmp_path / "dem.tif", 4000)
    with connection(schema_db) as conn:
        add_raster(conn, home, "dem", src, kind="continuous", title_vi="Độ cao", legend=STOPS, progress=True)
    err = capfd.readouterr().err
    shares = {int(p) for p in re.findall(r"writing the COG:\s*(\d+)%", err)}
    assert len(shares) > 1 and max(shares) > 0, err[-500:]  # the bar moved while GDAL wrote
    assert "dem.tif → dem" in err


def test_add_rasters_on_threads_stores_what_one_at_a_time_stores(schema_db, databases, schema_template, settings,
                                                                 tmp_path):
    sources = [_heights(tmp_path / f"h{i}.tif", 600 + 100 * i, seed=i) for i in range(3)]
    items = [(f"hills_{i}", p, dict(kind="continuous", title_vi=f"Đồi {i}", legend=STOPS, units="m"))
             for i, p in enumerate(sources)]
    rows = {}
    for workers, url in ((1, schema_db), (2, databases.create(template=schema_template))):
        home = settings.model_copy(update={"raster_dir": tmp_path / f"rasters{workers}"})
        with connection(url) as conn:
            add_rasters(conn, home, items, workers=workers)
            rows[workers] = {r["name"]: r for r in list_rasters(conn)}
    keep = ("version", "sha256", "bytes", "width", "height", "value_min", "value_max", "file", "units", "title_vi")
    assert {n: {k: r[k] for k in keep} for n, r in rows[1].items()} == \
           {n: {k: r[k] for k in keep} for n, r in rows[2].items()}
    assert len(rows[2]) == 3


def test_add_rasters_leaves_nothing_when_one_file_fails(schema_db, home, tmp_path):
    good = _heights(tmp_path / "good.tif", 500)
    bad = tmp_path / "bad.tif"
    bad.write_bytes(good.read_bytes()[: 20_000])  # truncated
    items = [("good_one", good, dict(kind="continuous", title_vi="Tốt", legend=STOPS)),
             ("bad_one", bad, dict(kind="continuous", title_vi="Hỏng", legend=STOPS))]
    with connection(schema_db) as conn:
        with pytest.raises(RasterProblem):
            add_rasters(conn, home, items, workers=2)
        assert list_rasters(conn) == []
    left = sorted(p.name for p in home.raster_dir.rglob("*")) if home.raster_dir.exists() else []
    assert left == []
