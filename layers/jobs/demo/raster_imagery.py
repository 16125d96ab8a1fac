"""Synthetic aerial imagery of the demo province (issue 13 item 6): RGB pictures painted from
the same land cover, heights and vectors as the other demo rasters, so what staff see under the
drawing map is where the data says it is.

The sharp mosaic (≤ 2.4 m per pixel, a few communes) is drawn for tracing at z16: paddy in
parcels with lighter bunds, each growing area in its crop's colour and texture inside a bare
earth path along its boundary, houses as roofs where the households are, roads between village
centres, rivers; hill shading from the elevation. The overview (province-wide, 100 m) is the
land cover's colours with the same shading. Colours are plausible, not a sensor's.
"""
from __future__ import annotations

import numpy as np
import shapely

from layers.jobs.demo import raster_terrain as t

# Base colour (RGB) per land-cover class, like a dry-season true-colour mosaic.
CLASS_RGB = {0: (0, 0, 0), t.PADDY: (104, 150, 70), t.ANNUAL: (150, 152, 92), t.PERENNIAL: (66, 112, 54),
             t.SHRUB: (128, 140, 86), t.PLANTATION: (56, 96, 50), t.FOREST: (36, 72, 40),
             t.BUILT: (158, 150, 138), t.WATER: (52, 78, 92), t.BARE: (182, 166, 138)}
# Growing areas: (colour, row spacing in metres or 0 for a canopy of trees).
CROP_LOOK = {"rice": ((118, 168, 64), 0), "tea": ((74, 132, 62), 6), "orange": ((58, 104, 48), 0),
             "pomelo": ((62, 110, 52), 0), "passion_fruit": ((92, 140, 62), 8), "pineapple": ((126, 142, 96), 5),
             "banana": ((96, 146, 72), 0), "peanut": ((132, 156, 76), 4), "sugarcane": ((104, 152, 72), 6),
             "vegetables": ((112, 156, 76), 3)}
PATH_RGB = (196, 178, 142)
ROAD_RGB = (206, 200, 188)
ROOFS = np.array([(164, 72, 52), (138, 136, 140), (96, 104, 122), (204, 202, 196), (176, 96, 64)], dtype=np.float32)
PATH_M = 3.0  # the earth path along a growing area's boundary
ROAD_M = 5.0
HOUSE_M = 9.0


def _palette(cover: np.ndarray) -> np.ndarray:
    lut = np.zeros((256, 3), dtype=np.float32)
    for k, rgb in CLASS_RGB.items():
        lut[k] = rgb
    return lut[cover]


def _hash(*ints: np.ndarray) -> np.ndarray:
    """A deterministic pseudo-random value in [0, 1) per integer tuple (parcel, house): each
    integer mixed in with MurmurHash3's finaliser, so neighbours get unrelated values. The state
    only grows to the shape of the integers mixed in so far (seed and a scalar, then a column of
    rows, then the columns): the same arithmetic per element, a quarter of it for a pixel hash."""
    h = np.zeros((), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for v in ints:
            h = h ^ (np.asarray(v).astype(np.int64).astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15))
            h ^= h >> np.uint64(33)
            h *= np.uint64(0xFF51AFD7ED558CCD)
            h ^= h >> np.uint64(33)
            h *= np.uint64(0xC4CEB9FE1A85EC53)
            h ^= h >> np.uint64(33)
    return (h >> np.uint64(40)).astype(np.float32) / np.float32(1 << 24)


def shade(elev: np.ndarray, res: float) -> np.ndarray:
    """Hill shading (sun from the north-west, 45° up), 1.0 on flat land; float32 in place."""
    gy, gx = np.gradient(elev.astype(np.float32, copy=False), np.float32(res))
    light = gx * np.float32(0.5)
    light += gy * np.float32(0.5)  # the sun's (-0.5, 0.5, 0.707) against the normal (-gx, gy, 1)
    light += np.float32(0.7071)
    np.multiply(gx, gx, out=gx)
    np.multiply(gy, gy, out=gy)
    gx += gy
    gx += np.float32(1)
    np.sqrt(gx, out=gx)
    light /= gx
    light *= np.float32(0.45 / 0.7071)
    light += np.float32(0.55)
    return light


def _parcels(grid: t.Grid, width_m: float, length_m: float, angle: float, origin=(0, 0)):
    """Parcel ids and a bund mask for a rotated grid of fields, in the whole picture's pixel
    coordinates (`origin` is this block's top-left row, column in it): a block's parcels continue
    its neighbour's."""
    x = ((origin[1] + np.arange(grid.width, dtype=np.float64)) * grid.res)[None, :]
    y = ((origin[0] + np.arange(grid.height, dtype=np.float64)) * grid.res)[:, None]
    u = (x * np.cos(angle) + y * np.sin(angle)) / width_m
    v = (-x * np.sin(angle) + y * np.cos(angle)) / length_m
    bund = (u % 1 < grid.res / width_m * 0.6) | (v % 1 < grid.res / length_m * 0.6)
    return np.floor(u).astype(np.int64), np.floor(v).astype(np.int64), bund


def _pixel_ids(grid: t.Grid, origin) -> tuple[np.ndarray, np.ndarray]:
    return ((origin[0] + np.arange(grid.height, dtype=np.int64))[:, None],
            (origin[1] + np.arange(grid.width, dtype=np.int64))[None, :])


def sharp(terrain: t.Terrain, grid: t.Grid, world, seed: int, origin=(0, 0), roads=()) -> np.ndarray:
    """The tracing mosaic on `grid` (one block of the picture whose top-left pixel is `origin`
    rows, columns away from the picture's): an (4, h, w) uint8 RGBA array, transparent off the
    province. Every random value is a hash of the seed and the picture's pixel, not a stream, so
    blocks join without a seam and the same seed gives the same bytes whatever the block size."""
    cover, elev, _ = t.land_cover(terrain, grid, world)
    rgb = _palette(cover)
    pu, pv, bund = _parcels(grid, 28.0, 70.0, 0.35, origin)
    _crop_parcels(cover, rgb, _hash(pu, pv), bund)
    canopy = 0.5 + 0.5 * np.sin(pu * 7.3 + pv * 3.1)  # cheap variety for tree crowns below
    trees = np.isin(cover, (t.FOREST, t.PLANTATION, t.PERENNIAL))
    rows, cols = _pixel_ids(grid, origin)
    speck = _hash(np.int64(seed), np.int64(1), rows, cols)
    rgb[trees] *= (0.78 + 0.3 * speck[trees] * (0.6 + 0.4 * canopy[trees]))[:, None]
    _fields(grid, world, rgb, origin)
    if roads:
        rgb[grid.burn([(g, 1) for g in roads]) > 0] = ROAD_RGB
    _houses(grid, world, rgb, origin)
    water = cover == t.WATER
    rgb[water] = np.asarray(CLASS_RGB[t.WATER], np.float32) * (0.95 + 0.1 * speck[water])[:, None]
    rgb *= shade(elev, grid.res)[..., None]
    grain = _hash(np.int64(seed), np.int64(2), rows, cols)
    grain += _hash(np.int64(seed), np.int64(3), rows, cols)
    grain -= np.float32(1)
    grain *= np.float32(9.8)  # triangular, standard deviation 4 like the former Gaussian grain
    rgb += grain[..., None]
    alpha = np.where(cover > 0, 255, 0).astype(np.uint8)
    return np.concatenate([np.clip(rgb, 0, 255).astype(np.uint8).transpose(2, 0, 1), alpha[None]])


def _crop_parcels(cover: np.ndarray, rgb: np.ndarray, tone: np.ndarray, bund: np.ndarray) -> None:
    """Paddy and other annual crops in parcels, each parcel wet or ripe by its tone, with lighter
    bunds: 35 % of the class colour plus 65 % of the parcel's, brighter as its tone grows. One
    channel at a time over the whole block (where the class is), not (n, 3) gathers and
    scatters of the class's pixels: a third of the time, the same float32 arithmetic."""
    bright = np.float32(0.8) + np.float32(0.4) * tone
    wet_half = tone < 0.5
    for cls, (wet, ripe) in {t.PADDY: ((70, 104, 84), (170, 164, 92)), t.ANNUAL: ((128, 112, 84), (160, 168, 96))}.items():
        m = cover == cls
        if not m.any():
            continue
        ridge = m & bund
        for c, ridge_value in enumerate((168, 162, 118)):
            mix = np.where(wet_half, np.float32(wet[c]), np.float32(ripe[c]))
            mix *= np.float32(0.65)
            mix *= bright
            mix += np.float32(CLASS_RGB[cls][c]) * np.float32(0.35)
            channel = rgb[..., c]
            np.copyto(channel, mix, where=m)
            channel[ridge] = ridge_value


def _fields(grid: t.Grid, world, rgb: np.ndarray, origin=(0, 0)) -> None:
    """Growing areas in their crop's look, ringed by an earth path; a canopy's crowns hash the
    picture's pixel and the area's index in the whole world, so they continue across blocks."""
    ids = world.area_ids if world.area_ids is not None else np.arange(len(world.areas_utm))
    inside = grid.burn([(g, i + 1) for i, g in enumerate(world.areas_utm)], dtype="int32")
    rows, cols = np.nonzero(inside)
    which = inside[rows, cols] - 1
    crops = np.asarray(world.area_crops)[which]
    for crop, (colour, spacing) in CROP_LOOK.items():
        sel = crops == crop
        if not sel.any():
            continue
        r, c = rows[sel], cols[sel]
        base = np.asarray(colour, np.float32)
        if spacing:
            phase = (((c + origin[1]) + (r + origin[0]) * 0.4) * grid.res / spacing) % 1
            factor = np.where(phase < 0.5, 1.08, 0.86)
        else:  # tree canopy: crowns every ~5 m
            factor = 0.82 + 0.3 * _hash(np.floor((c + origin[1]) * grid.res / 5),
                                        np.floor((r + origin[0]) * grid.res / 5), ids[which[sel]])
        rgb[r, c] = base * factor[:, None]
    width = max(PATH_M, 1.2 * grid.res) / 2
    rings = [g.boundary.buffer(width) for g in world.areas_utm]
    rgb[grid.burn([(g, 1) for g in rings]) > 0] = PATH_RGB


def road_shapes(grid: t.Grid, world) -> list:
    """Roads (UTM polygons) joining each village centre near the whole picture to its two nearest
    neighbours: chosen once for the picture, burnt block by block."""
    xy = np.column_stack([world.village_x, world.village_y])
    reach = 6_000.0
    x1, y0 = grid.x0 + grid.width * grid.res, grid.y0 - grid.height * grid.res
    near = (xy[:, 0] > grid.x0 - reach) & (xy[:, 0] < x1 + reach) & (xy[:, 1] > y0 - reach) & (xy[:, 1] < grid.y0 + reach)
    xy = xy[near]
    lines = set()
    for i in range(len(xy)):
        d = np.hypot(*(xy - xy[i]).T)
        for j in np.argsort(d)[1:3]:
            if d[j] < reach:
                lines.add((min(i, int(j)), max(i, int(j))))
    half = max(ROAD_M, 1.2 * grid.res) / 2
    return [shapely.LineString([xy[a], xy[b]]).buffer(half) for a, b in sorted(lines)]


def _houses(grid: t.Grid, world, rgb: np.ndarray, origin=(0, 0)) -> None:
    """A roof at every household: a square of HOUSE_M metres, its colour the house's own (a hash
    of its pixel in the whole picture)."""
    row, col, _ = grid.pixel(world.house_x, world.house_y)
    colour = ROOFS[(_hash(row + origin[0], col + origin[1]) * len(ROOFS)).astype(int)]
    k = max(1, int(round(HOUSE_M / grid.res)))
    for dy in range(k):
        for dx in range(k):
            rr, cc = row + dy, col + dx
            keep = (rr >= 0) & (rr < grid.height) & (cc >= 0) & (cc < grid.width)
            rgb[rr[keep], cc[keep]] = colour[keep] * (0.9 if dy == k - 1 else 1.0)


def overview(cover: np.ndarray, elev: np.ndarray, res: float, rng: np.random.Generator) -> np.ndarray:
    """The province-wide picture from land cover and heights on one grid: (4, h, w) RGBA."""
    rgb = _palette(cover) * shade(elev, res)[..., None]
    rgb += (rng.standard_normal(cover.shape, dtype=np.float32) * 5.0)[..., None]
    alpha = np.where(cover > 0, 255, 0).astype(np.uint8)
    return np.concatenate([np.clip(rgb, 0, 255).astype(np.uint8).transpose(2, 0, 1), alpha[None]])
