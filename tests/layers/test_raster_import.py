"""`add_raster` / `ntm-map raster add`: every input becomes a valid COG in its own grid with the
row that describes it, or is refused with one line naming the problem, leaving no row and no file
(issue 13 items 1 and "bad input"). Outputs are read back with rasterio and validated by
rio-cogeo's `cog_validate`, an implementation independent of GDAL's COG writer."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import psycopg
import pytest
import rasterio
from affine import Affine
from pyproj import Transformer
from rio_cogeo.cogeo import cog_validate

from geo.raster_checks import RasterProblem
from layers.db.engines import connection
from layers.jobs.rasters.store import add_raster, list_rasters, remove_raster

# A 10 m grid in VN-2000 TM-3 105°45' (EPSG:9210) over northern Vietnam.
TM3 = "EPSG:9210"
ORIGIN = (560_000.0, 2_300_000.0)
LANDCOVER = {"classes": [{"value": 1, "colour": "#1a9641", "label_vi": "Rừng", "label_en": "Forest"},
                         {"value": 2, "colour": "#fdae61", "label_vi": "Lúa", "label_en": "Rice"},
                         {"value": 3, "colour": "#2b83ba", "label_vi": "Nước", "label_en": "Water"}]}
STOPS = {"stops": [[0, "#00ff00"], [1000, "#ff0000"]]}


def write_tif(path: Path, data: np.ndarray, *, crs=TM3, origin=ORIGIN, res=10.0, nodata=None, **kw) -> Path:
    data = data if data.ndim == 3 else data[None]
    with rasterio.open(path, "w", driver="GTiff", width=data.shape[2], height=data.shape[1], count=data.shape[0],
                       dtype=data.dtype, crs=crs, transform=Affine(res, 0, origin[0], 0, -res, origin[1]), nodata=nodata, **kw) as d:
        d.write(data)
    return path


def classes(h=300, w=400) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w]
    return (1 + (xx // 50 + yy // 70) % 3).astype("uint8")


@pytest.fixture
def home(settings, tmp_path):
    return settings.model_copy(update={"raster_dir": tmp_path / "rasters"})


@pytest.fixture
def conn(schema_db):
    with connection(schema_db) as c:
        yield c


def files(home) -> list[str]:
    d = home.raster_dir
    return sorted(str(p.relative_to(d)) for p in d.rglob("*")) if d.exists() else []


def test_categorical_geotiff_becomes_a_valid_cog_in_its_own_grid(conn, home, tmp_path):
    data = classes()
    src = write_tif(tmp_path / "lc.tif", data, nodata=0)
    row = add_raster(conn, home, "landcover", src, kind="categorical", title_vi="Hiện trạng", legend=LANDCOVER,
                     synthetic=True, source="test")
    path = home.raster_dir / row["file"]
    assert row["file"] == "landcover/v1.tif" and row["version"] == 1
    valid, errors, _ = cog_validate(str(path))
    assert valid, errors
    with rasterio.open(path) as cog:
        assert cog.crs.to_epsg() == 9210 and cog.transform == Affine(10, 0, ORIGIN[0], 0, -10, ORIGIN[1])
        assert (cog.read(1) == data).all()  # classes kept exactly: no resampling, lossless
        assert cog.block_shapes[0] == (512, 512) and cog.overviews(1) == []  # smaller than a tile
        assert cog.profile["compress"].lower() == "deflate" and cog.nodata == 0
        assert cog.tags(ns="IMAGE_STRUCTURE")["LAYOUT"] == "COG"
    assert (row["value_min"], row["value_max"]) == (1, 3)
    assert (row["width"], row["height"], row["band_count"], row["dtype"]) == (400, 300, 1, "uint8")
    assert row["crs"] == row["source_crs"] == TM3 and row["resolution_m"] == pytest.approx(10)
    assert row["bytes"] == path.stat().st_size and len(row["sha256"]) == 64
    assert row["legend"] == LANDCOVER and row["synthetic"] is True
    assert [r["name"] for r in list_rasters(conn)] == ["landcover"]


def test_vn2000_footprint_lands_where_pyproj_puts_the_corners(conn, home, tmp_path):
    src = write_tif(tmp_path / "dem.tif", np.linspace(0, 900, 300 * 400, dtype="float32").reshape(300, 400))
    row = add_raster(conn, home, "elevation", src, kind="continuous", title_vi="Độ cao", legend=STOPS, units="m")
    to_wgs = Transformer.from_crs(TM3, 4326, always_xy=True)
    west, north = to_wgs.transform(*ORIGIN)
    east, south = to_wgs.transform(ORIGIN[0] + 4000, ORIGIN[1] - 3000)
    xmin, ymin, xmax, ymax = row["bbox"]
    # the corners, through the national VN-2000 → WGS 84 shift, to ~1 m (1e-5 degree)
    assert xmin == pytest.approx(min(west, to_wgs.transform(ORIGIN[0], ORIGIN[1] - 3000)[0]), abs=1e-5)
    assert ymax == pytest.approx(max(north, to_wgs.transform(ORIGIN[0] + 4000, ORIGIN[1])[1]), abs=1e-5)
    assert 105.9 < xmin < xmax < 106.5 and 20.5 < ymin < ymax < 20.9
    assert row["value_min"] == pytest.approx(0) and row["value_max"] == pytest.approx(900)
    with rasterio.open(home.raster_dir / row["file"]) as cog:
        assert cog.profile["compress"].lower() == "deflate" and cog.tags(ns="IMAGE_STRUCTURE")["PREDICTOR"] == "3"


def test_imagery_rgb_is_jpeg_with_overviews(conn, home, tmp_path):
    rng = np.random.default_rng(1)
    rgb = (rng.integers(0, 255, (3, 1500, 1200))).astype("uint8")
    src = write_tif(tmp_path / "ortho.tif", rgb, res=0.5, photometric="RGB")
    row = add_raster(conn, home, "imagery", src, kind="imagery", title_vi="Ảnh", acquired=None)
    path = home.raster_dir / row["file"]
    assert cog_validate(str(path))[0]
    with rasterio.open(path) as cog:
        assert cog.profile["compress"].lower() == "jpeg" and cog.block_shapes[0] == (512, 512)
        assert cog.overviews(1) == [2, 4]
        # lossy, but the picture is the same picture
        assert np.abs(cog.read().astype(int) - rgb).mean() < 60
    assert row["legend"] is None and row["value_min"] is None and row["resolution_m"] == pytest.approx(0.5)


def test_replace_bumps_the_version_and_deletes_the_old_file_after_commit(schema_db, home, tmp_path):
    src = write_tif(tmp_path / "lc.tif", classes())
    with connection(schema_db) as conn:
        add_raster(conn, home, "landcover", src, kind="categorical", title_vi="A", legend=LANDCOVER)
    with connection(schema_db) as conn:
        with pytest.raises(RasterProblem, match="already exists.*--replace"):
            add_raster(conn, home, "landcover", src, kind="categorical", title_vi="A", legend=LANDCOVER)
    with connection(schema_db) as conn:
        row = add_raster(conn, home, "landcover", src, kind="categorical", title_vi="B", legend=LANDCOVER,
                         replace=True)
        assert row["version"] == 2 and files(home) == ["landcover", "landcover/v1.tif", "landcover/v2.tif"]
    assert files(home) == ["landcover", "landcover/v2.tif"]
    with connection(schema_db) as conn:
        remove_raster(conn, home, "landcover")
        assert files(home) == ["landcover", "landcover/v2.tif"]  # until the removal commits
    assert files(home) == []
    with psycopg.connect(schema_db) as c:
        assert c.execute("SELECT count(*) FROM rasters").fetchone()[0] == 0
        history = c.execute("SELECT operation, changed_by, after->>'version' FROM change_history "
                            "WHERE table_name = 'rasters' ORDER BY id").fetchall()
        assert history == [("INSERT", "cli:raster add landcover", "1"), ("UPDATE", "cli:raster add landcover", "2"),
                           ("DELETE", "cli:raster remove landcover", None)]
        assert c.execute("SELECT version FROM layer_versions WHERE table_name = 'rasters'").fetchone()[0] == 3


def test_crs_option_overrides_the_file_and_is_written_into_the_cog(conn, home, tmp_path):
    src = write_tif(tmp_path / "lc.tif", classes(), crs="EPSG:9210")  # labelled with the wrong zone
    row = add_raster(conn, home, "landcover", src, kind="categorical", title_vi="A", legend=LANDCOVER,
                     crs="EPSG:9208")
    with rasterio.open(home.raster_dir / row["file"]) as cog:
        assert cog.crs.to_epsg() == 9208 and (cog.read(1) == classes()).all()
    assert row["crs"] == row["source_crs"] == "EPSG:9208"
    assert row["bbox"][0] == pytest.approx(Transformer.from_crs(9208, 4326, always_xy=True).transform(
        ORIGIN[0], ORIGIN[1] - 3000)[0], abs=1e-5)


def test_a_rolled_back_transaction_leaves_no_file(schema_db, home, tmp_path):
    src = write_tif(tmp_path / "lc.tif", classes())
    with pytest.raises(RuntimeError):
        with connection(schema_db) as conn:
            add_raster(conn, home, "landcover", src, kind="categorical", title_vi="A", legend=LANDCOVER)
            assert files(home) == ["landcover", "landcover/v1.tif"]
            raise RuntimeError("the caller fails after the import")
    assert [f for f in files(home) if f.endswith(".tif")] == []
    with psycopg.connect(schema_db) as c:
        assert c.execute("SELECT count(*) FROM rasters").fetchone()[0] == 0


def test_a_savepoint_undoing_a_replacement_keeps_the_file_the_row_names(schema_db, home, tmp_path):
    src = write_tif(tmp_path / "lc.tif", classes())
    with connection(schema_db) as conn:
        add_raster(conn, home, "landcover", src, kind="categorical", title_vi="A", legend=LANDCOVER)
        add_raster(conn, home, "landcover_b", src, kind="categorical", title_vi="B", legend=LANDCOVER)
    with connection(schema_db) as conn:
        savepoint = conn.begin_nested()
        add_raster(conn, home, "landcover", src, kind="categorical", title_vi="A", legend=LANDCOVER, replace=True)
        savepoint.rollback()
        add_raster(conn, home, "landcover_b", src, kind="categorical", title_vi="B", legend=LANDCOVER, replace=True)
    with psycopg.connect(schema_db) as c:
        rows = dict(c.execute("SELECT name, file FROM rasters").fetchall())
    assert rows == {"landcover": "landcover/v1.tif", "landcover_b": "landcover_b/v2.tif"}
    assert all((home.raster_dir / f).is_file() for f in rows.values())


def test_every_raster_of_a_rolled_back_transaction_goes(schema_db, home, tmp_path):
    src = write_tif(tmp_path / "lc.tif", classes())
    with pytest.raises(RuntimeError):
        with connection(schema_db) as conn:
            for name in ("one", "two", "three"):
                add_raster(conn, home, name, src, kind="categorical", title_vi=name, legend=LANDCOVER)
            raise RuntimeError("the caller fails after three imports")
    assert [f for f in files(home) if f.endswith(".tif")] == []


def test_remove_then_add_again_in_one_transaction_keeps_the_new_file(schema_db, home, tmp_path):
    src = write_tif(tmp_path / "lc.tif", classes())
    with connection(schema_db) as conn:
        add_raster(conn, home, "landcover", src, kind="categorical", title_vi="A", legend=LANDCOVER)
    with connection(schema_db) as conn:
        remove_raster(conn, home, "landcover")
        row = add_raster(conn, home, "landcover", src, kind="categorical", title_vi="A", legend=LANDCOVER)
    assert row["file"] == "landcover/v2.tif" and files(home) == ["landcover", "landcover/v2.tif"]
