"""Zonal statistics read a band whole when the polygons would decode most of its blocks anyway
(layers.jobs.rasters.zonal): the figures must be exactly those of a window per polygon, and a
few small polygons must still be read in windows (the web app's refresher after one edit)."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio
import shapely
from pyproj import Transformer
from rasterio.transform import from_origin

from layers.jobs.rasters import zonal

TO_WGS = {crs: Transformer.from_crs(crs, "EPSG:4326", always_xy=True) for crs in ("EPSG:32648",)}


def _raster(path, array, crs, transform, nodata):
    with rasterio.open(path, "w", driver="GTiff", width=array.shape[1], height=array.shape[0], count=1,
                       dtype=array.dtype, crs=crs, transform=transform, nodata=nodata, tiled=True,
                       blockxsize=128, blockysize=128, compress="deflate") as dst:
        dst.write(array, 1)
    return path


def _polygons(bounds, n, seed, crs):
    """`n` irregular polygons scattered over `bounds` (in `crs`), in WGS84, some over the edge."""
    rng = np.random.default_rng(seed)
    xmin, ymin, xmax, ymax = bounds
    out = []
    for i in range(n):
        cx, cy = rng.uniform(xmin, xmax), rng.uniform(ymin, ymax)
        r = rng.uniform(0.02, 0.12) * (xmax - xmin)
        angles = np.sort(rng.uniform(0, 2 * np.pi, 7))
        ring = [(cx + r * rng.uniform(0.5, 1) * np.cos(a), cy + r * rng.uniform(0.5, 1) * np.sin(a)) for a in angles]
        poly = shapely.Polygon(ring)
        if crs != "EPSG:4326":
            poly = shapely.transform(poly, lambda xy: np.column_stack(TO_WGS[crs].transform(xy[:, 0], xy[:, 1])))
        out.append((f"p{i}", poly))
    return out


@pytest.fixture
def spy(monkeypatch):
    calls = []
    real = zonal._whole_band

    def whole_band(src, band, *name):
        calls.append(src.name)
        return real(src, band, *name)
    monkeypatch.setattr(zonal, "_whole_band", whole_band)
    return calls


@pytest.mark.parametrize("kind, crs", [("continuous", "EPSG:32648"), ("categorical", "EPSG:32648"),
                                       ("categorical", "EPSG:4326")])
def test_whole_band_gives_the_figures_of_a_window_per_polygon(tmp_path, monkeypatch, spy, kind, crs):
    rng = np.random.default_rng(7)
    if kind == "continuous":
        array = (rng.normal(300, 80, (600, 700))).astype("float32")
        nodata = -9999.0
    else:
        array = rng.integers(1, 7, (600, 700)).astype("uint8")
        nodata = 0
    array[100:180, 200:260] = nodata  # a hole of nodata some polygons cross
    if crs == "EPSG:4326":
        transform, res = from_origin(105.0, 21.0, 0.0002, 0.0002), 0.0002
    else:
        transform, res = from_origin(580000, 2330000, 30, 30), 30
    path = _raster(tmp_path / "r.tif", array, crs, transform, nodata)
    left, top = transform.c, transform.f
    bounds = (left, top - 600 * res, left + 700 * res, top)
    features = _polygons(bounds, 80, 3, crs)

    whole = list(zonal.zonal_stats(path, kind, features))
    assert spy == [str(path)]  # 80 polygons over 30 blocks: the band was read whole
    monkeypatch.setattr(zonal, "WHOLE_BAND_BYTES", 0)
    windows = list(zonal.zonal_stats(path, kind, features))
    assert spy == [str(path)]  # and not the second time
    assert whole == windows
    assert len({s["area_ha"] for _, s in whole}) > 60  # 80 different answers, not one repeated


def test_a_few_small_polygons_are_read_in_windows(tmp_path, spy):
    array = np.arange(600 * 700, dtype="float32").reshape(600, 700)
    transform = from_origin(580000, 2330000, 30, 30)
    path = _raster(tmp_path / "r.tif", array, "EPSG:32648", transform, -9999.0)
    one = [("a", shapely.transform(shapely.box(581000, 2325000, 581200, 2325300),
                                   lambda xy: np.column_stack(TO_WGS["EPSG:32648"].transform(xy[:, 0], xy[:, 1]))))]
    [(_, stats)] = list(zonal.zonal_stats(path, "continuous", one))
    assert spy == [] and stats["area_ha"] == pytest.approx(6.0, rel=1e-6)


@pytest.mark.parametrize("kind, crs", [("continuous", "EPSG:32648"), ("categorical", "EPSG:32648"),
                                       ("categorical", "EPSG:4326")])
def test_rasters_of_one_grid_computed_together_give_each_its_own_figures(tmp_path, kind, crs, monkeypatch):
    """zonal_stats_many (each polygon's pixel coverage found once for several rasters) gives every
    raster exactly what zonal_stats gives it alone, whole bands or windows; rasters of two grids
    are refused."""
    rng = np.random.default_rng(11)
    transform, res = ((from_origin(105.0, 21.0, 0.0002, 0.0002), 0.0002) if crs == "EPSG:4326"
                      else (from_origin(580000, 2330000, 30, 30), 30))
    paths = []
    for i in range(3):
        if kind == "continuous":
            array, nodata = rng.normal(300, 80 * (i + 1), (300, 400)).astype("float32"), -9999.0
        else:
            array, nodata = rng.integers(1, 4 + 2 * i, (300, 400)).astype("uint8"), 0
        array[50 * i: 50 * i + 40, 100:160] = nodata  # each its own hole
        paths.append(_raster(tmp_path / f"r{i}.tif", array, crs, transform, nodata))
    features = _polygons((transform.c, transform.f - 300 * res, transform.c + 400 * res, transform.f), 40, 5, crs)
    for whole_bytes in (zonal.WHOLE_BAND_BYTES, 0):
        monkeypatch.setattr(zonal, "WHOLE_BAND_BYTES", whole_bytes)
        together = list(zonal.zonal_stats_many(paths, kind, features))
        assert [k for k, _ in together] == [k for k, _ in features]
        for i, path in enumerate(paths):
            alone = list(zonal.zonal_stats(path, kind, features))
            assert [(k, stats[i]) for k, stats in together] == alone
        assert sum(stats[0] != stats[1] for _, stats in together) > 30  # the rasters differ, so do their figures
    other = _raster(tmp_path / "other.tif", np.ones((300, 401), dtype="uint8"), crs, transform, 0)
    assert zonal.same_grid(paths) and not zonal.same_grid([paths[0], other])
    with pytest.raises(ValueError, match="not on one grid"):
        list(zonal.zonal_stats_many([paths[0], other], kind, features))
