"""Zonal statistics (layers.jobs.rasters.zonal) against an independent computation: every pixel's
box intersected with the polygon by shapely, weighted by the pixel's ground area (constant in
UTM; on the ellipsoid by pyproj's Geod for a geographic raster)."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio
import shapely
from pyproj import Geod, Transformer
from rasterio.transform import from_origin
from shapely.geometry import Polygon, box

from layers.jobs.rasters.zonal import quadrangle_m2, zonal_stats

GEOD = Geod(ellps="WGS84")
TO_UTM = Transformer.from_crs("EPSG:4326", "EPSG:32648", always_xy=True)
TO_WGS = Transformer.from_crs("EPSG:32648", "EPSG:4326", always_xy=True)


def write(path, array, crs, transform, nodata):
    with rasterio.open(path, "w", driver="GTiff", width=array.shape[1], height=array.shape[0], count=1,
                       dtype=array.dtype, crs=crs, transform=transform, nodata=nodata) as dst:
        dst.write(array, 1)
    return path


def oracle(array, transform, polygon, nodata, area_of_box):
    """(value, m² of the polygon over that pixel) for every pixel, by shapely per pixel box."""
    out = []
    for row in range(array.shape[0]):
        for col in range(array.shape[1]):
            x0, y0 = transform @ (col, row)
            x1, y1 = transform @ (col + 1, row + 1)
            cell = box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
            frac = polygon.intersection(cell).area / cell.area
            if frac > 0 and array[row, col] != nodata:
                out.append((array[row, col], frac * area_of_box(cell)))
    return out


def class_ha(pairs):
    found = {}
    for value, m2 in pairs:
        found[int(value)] = found.get(int(value), 0.0) + m2 / 1e4
    return found


@pytest.fixture
def utm_raster(tmp_path):
    rng = np.random.default_rng(13)
    array = rng.integers(1, 4, size=(10, 10)).astype("uint8")
    array[2, 3] = array[7, 7] = 0  # nodata inside the polygon
    transform = from_origin(580000, 2330000, 30, 30)
    return write(tmp_path / "classes.tif", array, "EPSG:32648", transform, 0), array, transform


# An irregular polygon in UTM (slanted edges cut pixels at every fraction), given to the job in WGS84.
UTM_POLYGON = Polygon([(580012, 2329990), (580251, 2329961), (580287, 2329777), (580140, 2329712),
                       (580031, 2329804)])


def wgs84(polygon):
    return shapely.transform(polygon, lambda xy: np.column_stack(TO_WGS.transform(xy[:, 0], xy[:, 1])))


def test_categorical_shares_and_hectares_match_shapely_per_pixel(utm_raster):
    path, array, transform = utm_raster
    [(key, stats)] = list(zonal_stats(path, "categorical", [("a", wgs84(UTM_POLYGON))]))
    expected = class_ha(oracle(array, transform, UTM_POLYGON, 0, lambda cell: cell.area))
    assert key == "a"
    got = {c["value"]: c["ha"] for c in stats["classes"]}
    assert got.keys() == expected.keys() and len(got) == 3
    for value, ha in expected.items():
        assert got[value] == pytest.approx(ha, rel=1e-4, abs=1e-4)
    total = sum(expected.values())
    assert stats["area_ha"] == pytest.approx(total, rel=1e-4)
    for c in stats["classes"]:
        assert c["share"] == pytest.approx(expected[c["value"]] / total, rel=1e-4)
    # the case discriminates: counting whole pixels whose centre is inside is off by more than 2 %
    centres = sum(1 for r in range(10) for c in range(10) if array[r, c] != 0
                  and UTM_POLYGON.contains(shapely.Point(transform @ (c + 0.5, r + 0.5))))
    assert abs(centres * 900 / 1e4 - total) / total > 0.02


def test_continuous_mean_is_area_weighted_and_min_max_over_touched_pixels(tmp_path):
    array = np.arange(100, dtype="float32").reshape(10, 10) * 1.5 + 20
    array[4, 4] = -9999
    transform = from_origin(580000, 2330000, 30, 30)
    path = write(tmp_path / "dem.tif", array, "EPSG:32648", transform, -9999)
    [(_, stats)] = list(zonal_stats(path, "continuous", [("a", wgs84(UTM_POLYGON))]))
    pairs = oracle(array, transform, UTM_POLYGON, -9999, lambda cell: cell.area)
    weights = np.array([m2 for _, m2 in pairs])
    values = np.array([v for v, _ in pairs], dtype=float)
    assert stats["mean"] == pytest.approx((weights * values).sum() / weights.sum(), rel=1e-5)
    assert stats["min"] == values.min() and stats["max"] == values.max()
    assert stats["mean"] != pytest.approx(values.mean(), rel=1e-3)  # an unweighted mean would fail


def test_geographic_raster_weighs_each_row_by_its_ellipsoidal_area(tmp_path):
    rng = np.random.default_rng(5)
    array = rng.integers(1, 3, size=(10, 10)).astype("uint8")
    transform = from_origin(105.0, 21.01, 0.001, 0.001)
    path = write(tmp_path / "geo.tif", array, "EPSG:4326", transform, 0)
    polygon = Polygon([(105.0012, 21.0093), (105.0091, 21.0081), (105.0078, 21.0012), (105.0021, 21.0031)])
    [(_, stats)] = list(zonal_stats(path, "categorical", [("g", polygon)]))
    expected = class_ha(oracle(array, transform, polygon, 0,
                               lambda cell: abs(GEOD.geometry_area_perimeter(cell)[0])))
    got = {c["value"]: c["ha"] for c in stats["classes"]}
    for value, ha in expected.items():
        assert got[value] == pytest.approx(ha, rel=2e-4)


def test_quadrangle_area_equals_the_geodesic_area_of_a_small_cell():
    for lat in (0.0, 10.5, 23.3, 60.0):
        cell = box(105.0, lat, 105.001, lat + 0.001)
        assert quadrangle_m2(np.array([lat]), np.array([lat + 0.001]), 0.001)[0] == pytest.approx(
            abs(GEOD.geometry_area_perimeter(cell)[0]), rel=1e-6)


def test_a_polygon_outside_the_raster_has_a_result_of_nothing(utm_raster):
    path, _, _ = utm_raster
    far = wgs84(shapely.affinity.translate(UTM_POLYGON, 50_000, 0))
    [(_, stats)] = list(zonal_stats(path, "categorical", [("far", far)]))
    assert stats == {"area_ha": 0.0, "classes": []}
    [(_, stats)] = list(zonal_stats(path, "continuous", [("far", far)]))
    assert stats["mean"] is None and stats["area_ha"] == 0.0


def test_imagery_is_refused(utm_raster):
    with pytest.raises(ValueError, match="categorical or continuous"):
        list(zonal_stats(utm_raster[0], "imagery", []))


def test_geographic_continuous_mean_is_weighted_by_each_row_s_area(tmp_path):
    array = np.linspace(10, 60, 100, dtype="float32").reshape(10, 10)
    transform = from_origin(105.0, 21.01, 0.001, 0.001)
    path = write(tmp_path / "geo_dem.tif", array, "EPSG:4326", transform, -9999)
    polygon = Polygon([(105.0012, 21.0093), (105.0091, 21.0081), (105.0078, 21.0012), (105.0021, 21.0031)])
    [(_, stats)] = list(zonal_stats(path, "continuous", [("g", polygon)]))
    pairs = oracle(array, transform, polygon, -9999, lambda cell: abs(GEOD.geometry_area_perimeter(cell)[0]))
    weights = np.array([m2 for _, m2 in pairs])
    values = np.array([v for v, _ in pairs], dtype=float)
    assert stats["mean"] == pytest.approx((weights * values).sum() / weights.sum(), rel=1e-5)
    assert stats["area_ha"] == pytest.approx(weights.sum() / 1e4, rel=2e-4)
    assert stats["min"] == pytest.approx(values.min()) and stats["max"] == pytest.approx(values.max())
