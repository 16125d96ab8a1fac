"""The demo province's terrain and land cover on any grid (issue 13 item 6).

Everything is a function of the seed and of the province's vectors, not of the grid: smooth
noise is drawn once on coarse lattices fixed to the province's bounds and resampled onto the
30 m land-cover grid or the 2.4 m imagery grid alike, so the imagery's fields, forests and paddy
lie exactly where the land-cover map puts them. All grids are UTM zone 48N (EPSG:32648), which
covers Nghệ An, in metres: the stored COGs are not resampled at import (RASTER.md).

Shape of the land: low in the east (the coastal plain, a few metres), rising through the
midlands to the Annamite range in the west (over 1,500 m), longitude standing in for the
distance from the sea as in layers.jobs.demo.regions; two rivers (the Cả and the Hiếu, traced
roughly on their real courses) carve valleys. Nothing here is measured: it is plausible only.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from affine import Affine
from pyproj import Transformer
from rasterio.enums import Resampling
from rasterio.features import rasterize
from rasterio.warp import reproject

from layers.jobs.rasters.cog import WARNINGS_LOCK

CRS = "EPSG:32648"
_TO_UTM = Transformer.from_crs("EPSG:4326", CRS, always_xy=True)
_TO_LONLAT = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)
# rasterio wraps a numpy array in a GDAL dataset (reproject, rasterize) inside
# `warnings.catch_warnings()`, which swaps the process-wide filter list and is not thread-safe
# before Python 3.14: two blocks painted at once (demo.rasters.write_sharp) restore each other's
# filters, so a NotGeoreferencedWarning meant to be hidden escapes ("Dataset has no geotransform"
# from rasterio/warp.py, for an array whose transform is given), and the thread leaving last can
# leave an "ignore everything" filter behind for the rest of the process. One array-to-GDAL
# call at a time; each is short and already uses two GDAL threads.
ARRAY_GDAL_LOCK = WARNINGS_LOCK  # the same lock as a COG's input being opened (cog.open_input) on another thread

# Land-cover classes: the values layers/jobs/demo_data/suitability.json assumes (RASTER.md).
PADDY, ANNUAL, PERENNIAL, SHRUB, PLANTATION, FOREST, BUILT, WATER, BARE = range(1, 10)
CROP_CLASS = {"rice": PADDY, "vegetables": ANNUAL, "peanut": ANNUAL, "sugarcane": ANNUAL,
              "orange": PERENNIAL, "pomelo": PERENNIAL, "tea": PERENNIAL, "passion_fruit": PERENNIAL,
              "pineapple": PERENNIAL, "banana": PERENNIAL}
ZONE_CLASS = {"rice": PADDY, "annual_crops": ANNUAL, "perennial": PERENNIAL,
              "production_forest": PLANTATION, "aquaculture": WATER}
# Rivers (lon, lat), upstream first: approximate courses, for a plausible drainage only.
RIVERS = (
    ((103.95, 19.58), (104.15, 19.42), (104.33, 19.33), (104.47, 19.27), (104.60, 19.18), (104.75, 19.10),
     (104.88, 19.03), (104.98, 18.98), (105.10, 18.93), (105.25, 18.92), (105.35, 18.86), (105.45, 18.76),
     (105.55, 18.70), (105.65, 18.71), (105.72, 18.75), (105.78, 18.77)),
    ((104.85, 19.72), (104.98, 19.62), (105.10, 19.50), (105.25, 19.38), (105.43, 19.31), (105.45, 19.20),
     (105.38, 19.05), (105.28, 18.93)),
)
# Base height by longitude (the coast is east): (lon, metres), linear between.
_BASE = ((103.80, 1500.0), (104.20, 1250.0), (104.60, 850.0), (104.98, 330.0), (105.20, 120.0),
         (105.45, 25.0), (105.65, 4.0), (106.10, 1.0))


def to_utm(geom):
    return shapely.transform(geom, lambda xy: np.column_stack(_TO_UTM.transform(xy[:, 0], xy[:, 1])))


@dataclass(frozen=True)
class Grid:
    """A north-up grid in UTM 48N: `res` metres per pixel, top-left corner (x0, y0)."""
    x0: float
    y0: float
    width: int
    height: int
    res: float

    @classmethod
    def covering(cls, bounds, res: float, margin: float = 0.0) -> "Grid":
        minx, miny, maxx, maxy = bounds
        x0 = math.floor((minx - margin) / res) * res
        y0 = math.ceil((maxy + margin) / res) * res
        return cls(x0, y0, math.ceil((maxx + margin - x0) / res), math.ceil((y0 - miny + margin) / res), res)

    @property
    def transform(self) -> Affine:
        return Affine(self.res, 0, self.x0, 0, -self.res, self.y0)

    @property
    def shape(self) -> tuple[int, int]:
        return self.height, self.width

    def burn(self, shapes, dtype="uint8", all_touched=False) -> np.ndarray:
        """Rasterize (geometry, value) pairs (UTM); 0 where none."""
        shapes = [(g, v) for g, v in shapes if g is not None and not g.is_empty]
        if not shapes:
            return np.zeros(self.shape, dtype=dtype)
        with ARRAY_GDAL_LOCK:
            return rasterize(shapes, out_shape=self.shape, transform=self.transform, fill=0, dtype=dtype,
                             all_touched=all_touched)

    def pixel(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rows, columns of UTM points and whether they fall on the grid."""
        col = np.floor((np.asarray(x) - self.x0) / self.res).astype(np.int64)
        row = np.floor((self.y0 - np.asarray(y)) / self.res).astype(np.int64)
        inside = (col >= 0) & (col < self.width) & (row >= 0) & (row < self.height)
        return row, col, inside


class Field:
    """A smooth surface drawn on a coarse lattice, read on any finer grid by interpolation."""

    def __init__(self, data: np.ndarray, lattice: Grid):
        self.data, self.lattice = data.astype(np.float32), lattice

    def on(self, grid: Grid, resampling=Resampling.cubic_spline) -> np.ndarray:
        out = np.zeros(grid.shape, dtype=np.float32)
        with ARRAY_GDAL_LOCK:
            reproject(self.data, out, src_transform=self.lattice.transform, src_crs=CRS,
                      dst_transform=grid.transform, dst_crs=CRS, resampling=resampling, num_threads=2)
        return out


def noise(rng: np.random.Generator, frame: Grid, cell_m: float) -> Field:
    """Unit-ish Gaussian noise correlated over about `cell_m` metres, fixed to the frame."""
    lattice = Grid.covering((frame.x0, frame.y0 - frame.height * frame.res, frame.x0 + frame.width * frame.res,
                             frame.y0), cell_m, margin=3 * cell_m)
    return Field(rng.standard_normal(lattice.shape), lattice)


def _river_shapes(width_west: float = 40.0, width_east: float = 220.0):
    """Rivers as UTM polygons, widening downstream (eastward)."""
    parts = []
    for course in RIVERS:
        line = to_utm(shapely.LineString(course))
        coords = shapely.get_coordinates(line)
        for (a, b), (lon, _) in zip(zip(coords[:-1], coords[1:]), course):
            t = np.clip((lon - 104.0) / 1.7, 0, 1)
            parts.append(shapely.LineString([a, b]).buffer((width_west + t * (width_east - width_west)) / 2))
    return shapely.union_all(parts)


class Terrain:
    """The province's surfaces, built once per seed, readable on any grid."""

    LATTICE_M = 240.0

    def __init__(self, rng: np.random.Generator, province_utm):
        self.province = province_utm
        frame = Grid.covering(province_utm.bounds, self.LATTICE_M, margin=2_000)
        self.frame = frame
        self.rivers = _river_shapes()
        rows, cols = np.mgrid[0:frame.height, 0:frame.width]
        x = frame.x0 + (cols + 0.5) * frame.res
        y = frame.y0 - (rows + 0.5) * frame.res
        lon, _ = _TO_LONLAT.transform(x.ravel(), y.ravel())
        lon = np.asarray(lon).reshape(x.shape)
        base = np.interp(lon, [p[0] for p in _BASE], [p[1] for p in _BASE])
        big, mid, small = (noise(rng, frame, c).on(frame) for c in (9_000, 3_000, 1_000))
        relief = 0.55 * big + 0.3 * mid + 0.15 * small
        elev = base + (0.45 * base + 3.0) * relief + 0.25 * base * np.abs(mid)
        carve = 1 - np.exp(-(self._river_distance(frame) / 2_500.0) ** 2)
        bed = 0.3 * base
        elev = bed + (elev - bed) * carve
        patches = noise(rng, frame, 1_500).on(frame)  # which land use a hillside gets
        specks = noise(rng, frame, 400).on(frame)      # small clearings, orchards, bare ground
        self.height = Field(np.maximum(elev, 0.5), frame)
        self.noises = Field(np.stack([patches, specks]), frame)  # resampled in one pass
        self.rough = noise(rng, frame, 120)

    @staticmethod
    def _river_distance(frame: Grid, step: int = 4) -> np.ndarray:
        """Metres to the nearest river on `frame`, measured every `step` cells and interpolated."""
        coarse = Grid(frame.x0, frame.y0, frame.width // step + 2, frame.height // step + 2, frame.res * step)
        x = coarse.x0 + (np.arange(coarse.width) + 0.5) * coarse.res
        y = coarse.y0 - (np.arange(coarse.height) + 0.5) * coarse.res
        xx, yy = np.meshgrid(x, y)
        rivers = shapely.union_all([to_utm(shapely.LineString(c)) for c in RIVERS])
        d = shapely.distance(shapely.points(xx.ravel(), yy.ravel()), rivers).reshape(xx.shape)
        return Field(d, coarse).on(frame, Resampling.bilinear)

    def surfaces_on(self, grid: Grid) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Height in metres above sea level (the smooth surface plus small-scale roughness), and
        the patch and speck noise that choose land uses, on `grid`."""
        out = np.zeros((2, *grid.shape), dtype=np.float32)
        with ARRAY_GDAL_LOCK:
            reproject(self.noises.data, out, src_transform=self.frame.transform, src_crs=CRS,
                      dst_transform=grid.transform, dst_crs=CRS, resampling=Resampling.bilinear, num_threads=2)
        elev = self.height.on(grid, Resampling.cubic)
        elev += self.rough.on(grid, Resampling.bilinear) * (1.0 + 0.02 * elev)
        np.maximum(elev, 0.5, out=elev)
        return elev, out[0], out[1]


def slope_of(elev: np.ndarray, res: float) -> np.ndarray:
    """Slope in degrees from a height grid (central differences, edges one-sided)."""
    gy, gx = np.gradient(elev.astype(np.float32), res)
    return np.degrees(np.arctan(np.hypot(gx, gy))).astype(np.float32)


def natural_cover(grid: Grid, elev: np.ndarray, slope: np.ndarray, p: np.ndarray, s: np.ndarray) -> np.ndarray:
    """The land cover that height, slope and the patch (p) and speck (s) noise give, before
    people's places."""
    cover = np.full(grid.shape, SHRUB, dtype=np.uint8)
    low, mid, high = elev < 40, (elev >= 40) & (elev < 350), elev >= 350
    flat = slope < 4
    cover[low] = np.where(p[low] > 1.1, ANNUAL, PADDY)
    cover[low & (s > 1.4)] = ANNUAL
    m = mid
    cover[m] = np.select([flat[m], p[m] > 0.45, p[m] < -0.5, slope[m] > 14, s[m] > 1.1],
                         [PADDY, PERENNIAL, PLANTATION, PLANTATION, ANNUAL], SHRUB)
    h = high
    cover[h] = np.select([(elev[h] < 700) & flat[h], (elev[h] > 1800) & (s[h] > 0.9),
                          (elev[h] > 800) | (slope[h] > 22), p[h] > 0.35, p[h] < -0.4],
                         [PADDY, BARE, FOREST, PLANTATION, SHRUB], FOREST)
    cover[(cover == SHRUB) & (s > 1.7)] = BARE
    return cover


def land_cover(terrain: Terrain, grid: Grid, world) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Land-cover classes on `grid`, 0 outside the province. People's places are painted over
    nature in this order: rivers, planned zones, villages (where households are), growing areas
    (their crop's class) — so a growing area is always its crop and a village centre residential.
    Returns (cover, elevation, slope)."""
    elev, p, s = terrain.surfaces_on(grid)
    slope = slope_of(elev, grid.res)
    cover = natural_cover(grid, elev, slope, p, s)
    cover[grid.burn([(terrain.rivers, 1)]) > 0] = WATER
    zones = grid.burn([(g, ZONE_CLASS[k]) for g, k in zip(world.zones_utm, world.zone_kinds)])
    cover = np.where(zones > 0, zones, cover)
    cover[built_up(grid, world)] = BUILT
    # Every pixel a field touches: a small field on a coarse grid still shows, and its centre's
    # pixel is its crop's.
    fields = grid.burn([(g, CROP_CLASS[c]) for g, c in zip(world.areas_utm, world.area_crops)], all_touched=True)
    cover = np.where(fields > 0, fields, cover)
    cover[(grid.burn([(terrain.province, 1)], all_touched=True) == 0) & (fields == 0)] = 0
    return cover, elev, slope


def built_up(grid: Grid, world) -> np.ndarray:
    """Residential land: pixels near at least two houses (3 × 3 window), and every village's
    centre (where its households gather) with the pixels around it. Houses and centres just off
    the grid count too, so a block of a larger picture needs no margin for them."""
    count = np.zeros((grid.height + 2, grid.width + 2), dtype=np.uint16)
    row, col, _ = grid.pixel(world.house_x, world.house_y)
    ok = (row >= -1) & (row <= grid.height) & (col >= -1) & (col <= grid.width)  # on the grid or one pixel off
    flat, n = np.unique((row[ok] + 1) * (grid.width + 2) + col[ok] + 1, return_counts=True)
    count.flat[flat] = np.minimum(n, 60000).astype(np.uint16)
    window = sum(count[1 + dy: 1 + dy + grid.height, 1 + dx: 1 + dx + grid.width]
                 for dy in (-1, 0, 1) for dx in (-1, 0, 1))
    built = window >= 2
    r = max(1, int(round(45.0 / grid.res)))
    row, col, _ = grid.pixel(world.village_x, world.village_y)
    near = (row >= -r) & (row < grid.height + r) & (col >= -r) & (col < grid.width + r)
    row, col = row[near], col[near]
    for dy in range(-r, r + 1):
        for dx in range(-r, r + 1):
            rr, cc = row + dy, col + dx
            keep = (rr >= 0) & (rr < grid.height) & (cc >= 0) & (cc < grid.width)
            built[rr[keep], cc[keep]] = True
    return built
