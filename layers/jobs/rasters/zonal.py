"""Zonal statistics of one raster over many polygons, with partial-pixel accuracy (issue 13).

Why exactextract: it computes, for every pixel a polygon touches, the exact fraction of the pixel
the polygon covers (a planar intersection of the polygon's edges with the pixel grid), so a
1-hectare growing area over 10 m pixels is neither rounded to whole pixels (rasterio's
`rasterize` counts the boundary ring, ~40 % of the pixels touched, as all in or all out) nor
slow (no shapely per pixel).
We ask it for each touched pixel's value, coverage fraction and row centre, and weigh them here:

- weight of a pixel = coverage fraction × the pixel's ground area in m²;
- projected raster (VN-2000, UTM, metres): the ground area is |det(transform)| × unit², the same
  for every pixel;
- geographic raster (degrees): a pixel's area depends on its row; we use the exact area of a
  latitude/longitude quadrangle on the WGS84 ellipsoid (Snyder, *Map Projections: A Working
  Manual*, eq. 3-12 via the authalic function q(φ)), per row, not a spherical approximation.

Categorical → share and hectares of each class (shares of the measured area, nodata excluded);
continuous → area-weighted mean, min and max over the pixels the polygon touches.

Polygons come in WGS84 and are reprojected to the raster's CRS (pyproj, vectorised by shapely),
never the raster to the polygons: values and classes are not resampled. Memory is bounded: the
polygons go to exactextract in batches (`BATCH`), it reads the pixels feature by feature with at
most `MAX_CELLS` in memory, and GDAL's block cache is capped by `raster_gdal_cache_mb`.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
import shapely
from exactextract import exact_extract
from exactextract.raster import RasterioRasterSource
from pyproj import Transformer
from shapely.geometry import mapping

BATCH = 500  # polygons per exactextract call: their results are held until the batch is written
MAX_CELLS = 4_000_000  # pixels exactextract may hold at once (a large commune is read in parts)

# WGS84
_A = 6378137.0
_F = 1 / 298.257223563
_E2 = _F * (2 - _F)
_E = math.sqrt(_E2)


@dataclass(frozen=True)
class Grid:
    """What the weights need to know about a raster's pixels."""

    crs: object  # rasterio CRS
    geographic: bool
    cell_m2: float | None  # projected: one pixel's ground area; geographic: None (per row)
    dx_deg: float  # geographic: a pixel's width in degrees
    dy_deg: float  # geographic: a pixel's height in degrees


def grid_of(src) -> Grid:
    t = src.transform
    if src.crs.is_geographic:
        return Grid(src.crs, True, None, abs(t.a), abs(t.e))
    unit = src.crs.linear_units_factor[1]  # metres per CRS unit
    return Grid(src.crs, False, abs(t.a * t.e - t.b * t.d) * unit * unit, 0.0, 0.0)


def _q(phi: np.ndarray) -> np.ndarray:
    """Snyder's q(φ): the authalic function of the WGS84 ellipsoid."""
    s = np.sin(phi)
    return (1 - _E2) * (s / (1 - _E2 * s * s) - np.log((1 - _E * s) / (1 + _E * s)) / (2 * _E))


def quadrangle_m2(lat_south: np.ndarray, lat_north: np.ndarray, dlon_deg: float) -> np.ndarray:
    """Exact area on the WGS84 ellipsoid of the cells between two parallels, `dlon_deg` wide."""
    s, n = np.radians(lat_south), np.radians(lat_north)
    return _A * _A * math.radians(dlon_deg) * np.abs(_q(n) - _q(s)) / 2


def _weights(grid: Grid, coverage: np.ndarray, center_y: np.ndarray | None) -> np.ndarray:
    cov = np.asarray(coverage, dtype=np.float64)
    if not grid.geographic:
        return cov * grid.cell_m2
    y = np.asarray(center_y, dtype=np.float64)
    return cov * quadrangle_m2(y - grid.dy_deg / 2, y + grid.dy_deg / 2, grid.dx_deg)


def categorical_stats(values: np.ndarray, weights: np.ndarray) -> dict:
    """Hectares and share of each class, largest first; shares are of the measured area."""
    total = float(weights.sum())
    classes = []
    if total > 0:
        for value in np.unique(values):
            m2 = float(weights[values == value].sum())
            if m2 > 0:
                classes.append({"value": int(value) if float(value).is_integer() else float(value),
                                "ha": round(m2 / 1e4, 4), "share": round(m2 / total, 6)})
        classes.sort(key=lambda c: -c["ha"])
    return {"area_ha": round(total / 1e4, 4), "classes": classes}


def continuous_stats(values: np.ndarray, weights: np.ndarray) -> dict:
    """Area-weighted mean; min and max over every pixel the polygon touches."""
    total = float(weights.sum())
    if total <= 0:
        return {"area_ha": 0.0, "mean": None, "min": None, "max": None}
    v = values.astype(np.float64)
    touched = v[weights > 0]
    return {"area_ha": round(total / 1e4, 4), "mean": float((v * weights).sum() / total),
            "min": float(touched.min()), "max": float(touched.max())}


def _from_operations(kind: str, p: dict, cell_m2: float) -> dict:
    """The same summaries from exactextract's operations (projected rasters): `count` is the sum
    of the valid pixels' coverage fractions, `frac` each class's share of it, `mean` weighted by
    coverage, min/max over the pixels touched."""
    m2 = float(p["count"] or 0.0) * cell_m2
    if kind == "categorical":
        if m2 <= 0:
            return {"area_ha": 0.0, "classes": []}
        pairs = zip(np.asarray(p["unique"]).tolist(), np.asarray(p["frac"]).tolist())
        classes = [{"value": int(v) if float(v).is_integer() else float(v), "ha": round(f * m2 / 1e4, 4),
                    "share": round(float(f), 6)} for v, f in pairs if f > 0]
        classes.sort(key=lambda c: -c["ha"])
        return {"area_ha": round(m2 / 1e4, 4), "classes": classes}
    if m2 <= 0:
        return {"area_ha": 0.0, "mean": None, "min": None, "max": None}
    return {"area_ha": round(m2 / 1e4, 4), "mean": float(p["mean"]), "min": float(p["min"]), "max": float(p["max"])}


def _reprojected(geoms: list, grid: Grid) -> list:
    """WGS84 shapely geometries → GeoJSON dicts in the raster's CRS."""
    transformer = Transformer.from_crs("EPSG:4326", grid.crs.to_wkt(), always_xy=True)
    moved = shapely.transform(np.asarray(geoms, dtype=object),
                              lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))
    return [mapping(g) for g in moved]


def zonal_stats(path: Path | str, kind: str, features: Iterable[tuple[str, object]], *,
                gdal_cache_mb: int = 256, band: int = 1) -> Iterator[tuple[str, dict]]:
    """(key, statistics) for each (key, WGS84 shapely polygon) of `features`, in order.

    `kind` is the raster's ('categorical' or 'continuous'). A polygon outside the raster, or over
    nodata only, gets area 0 and no classes / no mean: a result, so it is not computed again."""
    if kind not in ("categorical", "continuous"):
        raise ValueError(f"zonal statistics need a categorical or continuous raster, not {kind!r}")
    summarise = categorical_stats if kind == "categorical" else continuous_stats
    with rasterio.Env(GDAL_CACHEMAX=int(gdal_cache_mb)), rasterio.open(path) as src:
        grid = grid_of(src)
        # Projected: every pixel has the same ground area, so exactextract's own coverage-weighted
        # operations (C++, no per-pixel arrays in Python: 2.3× faster over large communes) are the
        # exact answer; geographic: each pixel's row decides its area, weighed here.
        if grid.geographic:
            ops = ["values", "coverage", "center_y"]
        else:
            ops = ["unique", "frac", "count"] if kind == "categorical" else ["mean", "min", "max", "count"]
        batch: list[tuple[str, object]] = []

        source = RasterioRasterSource(src, band_idx=band)  # one band, whatever the file holds

        def run(batch):
            keys = [k for k, _ in batch]
            geojson = [{"type": "Feature", "properties": {"i": i}, "geometry": g}
                       for i, g in enumerate(_reprojected([g for _, g in batch], grid))]
            results = exact_extract(source, geojson, ops, include_cols=["i"], max_cells_in_memory=MAX_CELLS)
            for row in results:
                p = row["properties"]
                if grid.geographic:
                    weights = _weights(grid, p["coverage"], p.get("center_y"))
                    yield keys[p["i"]], summarise(np.asarray(p["values"]), weights)
                else:
                    yield keys[p["i"]], _from_operations(kind, p, grid.cell_m2)

        for item in features:
            batch.append(item)
            if len(batch) >= BATCH:
                yield from run(batch)
                batch = []
        if batch:
            yield from run(batch)

