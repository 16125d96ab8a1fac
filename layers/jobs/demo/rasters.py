"""The demo province's rasters (issue 13 item 6): `landcover`, `elevation`, `slope`, `imagery`
and `imagery_overview`, generated from the demo's vectors already in the database and stored
through the raster registry (layers.jobs.rasters.store.add_rasters), all marked synthetic.

Deterministic: the same seed and the same vectors give byte-identical GeoTIFFs (the random
streams are the seed's, GDAL's resampling is exact arithmetic), so the COGs' checksums repeat.
Generated at `ntm-map load demo` and `ntm-map raster demo`, never committed: files this size
do not belong in git; the commands keep what they made in the raster cache
(layers.jobs.rasters.cache), so a database loaded again gets them in seconds. `scale` coarsens
every grid (tests use a coarse province to stay fast).
"""
from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import rasterio
import rasterio.enums
import rasterio.windows
import shapely
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from layers.jobs.demo import raster_imagery, raster_terrain as t
from layers.jobs.demo.agriculture import DEMO_TODAY
from layers.jobs.demo.raster_world import IMAGERY_COMMUNES, World, imagery_communes, near_part, read_world, world_rows
from layers.jobs.rasters import cog, gdal_copy
from layers.jobs.rasters.cache import Cache, code_digest, key_of
from layers.jobs.rasters.settings import raster_dir
from layers.jobs.rasters.store import NotTheSameCog, add_rasters, get_raster

NAMES = ("landcover", "elevation", "slope", "imagery", "imagery_overview")
COVER_M, OVERVIEW_M, IMAGERY_M = 50.0, 100.0, 2.4
BLOCK_PX, PAD_PX = 1024, 2  # the sharp mosaic is painted in blocks (bounded memory), each padded
LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/), like the demo's other data"
LANDCOVER_LEGEND = {"classes": [
    {"value": t.PADDY, "colour": "#e6d85c", "label_vi": "Đất trồng lúa", "label_en": "rice paddy"},
    {"value": t.ANNUAL, "colour": "#f2a65a", "label_vi": "Cây hàng năm khác", "label_en": "other annual crops"},
    {"value": t.PERENNIAL, "colour": "#9acd32", "label_vi": "Cây lâu năm, cây ăn quả", "label_en": "perennial crops and orchards"},
    {"value": t.SHRUB, "colour": "#c7d59f", "label_vi": "Cây bụi, trảng cỏ", "label_en": "shrub and grass land"},
    {"value": t.PLANTATION, "colour": "#4f9a4a", "label_vi": "Rừng sản xuất (rừng trồng)", "label_en": "plantation forest"},
    {"value": t.FOREST, "colour": "#1b5e20", "label_vi": "Rừng tự nhiên", "label_en": "natural forest"},
    {"value": t.BUILT, "colour": "#d7301f", "label_vi": "Đất ở, xây dựng", "label_en": "residential and built-up"},
    {"value": t.WATER, "colour": "#2b83ba", "label_vi": "Mặt nước", "label_en": "water"},
    {"value": t.BARE, "colour": "#bdb6a6", "label_vi": "Đất trống, đất khác", "label_en": "bare and other land"},
]}
ELEVATION_LEGEND = {"stops": [[0, "#2e7d32"], [50, "#7cb342"], [200, "#d4e157"], [500, "#ffca28"],
                              [1000, "#a1887f"], [1500, "#6d4c41"], [2200, "#f5f5f5"]]}
SLOPE_LEGEND = {"stops": [[0, "#ffffcc"], [3, "#c2e699"], [8, "#78c679"], [15, "#fed976"], [25, "#fd8d3c"],
                          [35, "#e31a1c"], [50, "#800026"]]}
NODATA_F = -9999.0


def write_sharp(path: Path, terrain, grid: t.Grid, world: World, footprint, seed: int,
                block: int = BLOCK_PX, pad: int = PAD_PX) -> Path:
    """Paint the sharp mosaic block by block into a tiled GeoTIFF: each block is drawn `pad`
    pixels wider (the slope and the shading are gradients, one pixel either side; houses, village
    centres, fields and roads just off the block are drawn from their coordinates, so they need
    no margin: the seam test checks it) and cropped, its
    alpha cleared outside `footprint` (the chosen communes); blocks wholly outside it are skipped.
    Memory stays that of one block."""
    shapely.prepare(footprint)
    roads = raster_imagery.road_shapes(grid, world)
    profile = dict(driver="GTiff", width=grid.width, height=grid.height, count=4, dtype="uint8", crs=t.CRS,
                   transform=grid.transform, tiled=True, blockxsize=256, blockysize=256, photometric="RGB")
    with rasterio.open(path, "w", **profile) as dst:
        dst.colorinterp = [rasterio.enums.ColorInterp.red, rasterio.enums.ColorInterp.green,
                           rasterio.enums.ColorInterp.blue, rasterio.enums.ColorInterp.alpha]
        def paint(r0: int, c0: int):
            h, w = min(block, grid.height - r0), min(block, grid.width - c0)
            inside = t.Grid(grid.x0 + c0 * grid.res, grid.y0 - r0 * grid.res, w, h, grid.res)
            sub = t.Grid(grid.x0 + (c0 - pad) * grid.res, grid.y0 - (r0 - pad) * grid.res,
                         w + 2 * pad, h + 2 * pad, grid.res)
            bounds = (sub.x0, sub.y0 - sub.height * sub.res, sub.x0 + sub.width * sub.res, sub.y0)
            box = shapely.box(*bounds)
            near_roads = [g for g in roads if g.intersects(box)]
            pic = raster_imagery.sharp(terrain, sub, near_part(world, bounds, 200.0), seed, (r0 - pad, c0 - pad),
                                       near_roads)[:, pad: pad + h, pad: pad + w]
            pic[:, inside.burn([(footprint, 1)], all_touched=True) == 0] = 0  # as a skipped block
            return rasterio.windows.Window(c0, r0, w, h), pic

        def touches(r0: int, c0: int) -> bool:
            h, w = min(block, grid.height - r0), min(block, grid.width - c0)
            x0, y0 = grid.x0 + c0 * grid.res, grid.y0 - r0 * grid.res
            return footprint.intersects(shapely.box(x0 - grid.res, y0 - (h + 1) * grid.res,
                                                    x0 + (w + 1) * grid.res, y0 + grid.res))

        # Wholly transparent blocks are skipped (a GeoTIFF's unwritten tiles read as zeros); the
        # others are painted two at a time (numpy and GDAL release the GIL) and written in order.
        blocks = [(r0, c0) for r0 in range(0, grid.height, block) for c0 in range(0, grid.width, block)
                  if touches(r0, c0)]
        with ThreadPoolExecutor(max_workers=2) as pool:
            for window, pic in pool.map(lambda rc: paint(*rc), blocks):
                dst.write(pic, window=window)
    return path


def _write(path: Path, data: np.ndarray, grid: t.Grid, *, nodata=None, photometric=None) -> Path:
    data = data if data.ndim == 3 else data[None]
    profile = dict(driver="GTiff", width=grid.width, height=grid.height, count=data.shape[0], dtype=data.dtype,
                   crs=t.CRS, transform=grid.transform, nodata=nodata, tiled=True, blockxsize=256,
                   blockysize=256)  # uncompressed: a temporary file
    if photometric:
        profile["photometric"] = photometric
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data)
        if data.shape[0] == 4:
            dst.colorinterp = [rasterio.enums.ColorInterp.red, rasterio.enums.ColorInterp.green,
                               rasterio.enums.ColorInterp.blue, rasterio.enums.ColorInterp.alpha]
    return path


def build(conn: Connection, folder: Path, *, seed: int, scale: float = 1.0, log=print) -> dict[str, tuple[Path, dict]]:
    """Write the five GeoTIFFs into `folder`: {name: (path, add_raster keywords)}."""
    return {name: (path, options) for name, path, options in generate(conn, folder, seed=seed, scale=scale, log=log)}


def _stream(seed: int, k: int) -> np.random.Generator:
    return np.random.default_rng([seed, 1000 + k])


def _common(seed: int) -> dict:
    return dict(synthetic=True, source=f"Synthetic, generated by ntm-map's demo (seed {seed})", licence=LICENCE,
                acquired=DEMO_TODAY)


def generate(conn: Connection, folder: Path, *, seed: int, scale: float = 1.0, log=print, world: World | None = None):
    """Write the five GeoTIFFs into `folder`, yielding (name, path, add_raster keywords) as each
    is written; the arrays of those written are freed before the next are made."""
    world = world if world is not None else read_world(conn)
    _check(world)
    terrain = t.Terrain(_stream(seed, 1), world.province)
    yield from province_rasters(terrain, world, folder, seed=seed, scale=scale, log=log)
    yield ("imagery", *sharp_imagery(terrain, world, folder, seed=seed, scale=scale, log=log))


def _check(world: World) -> None:
    if world.province is None or world.province.is_empty:
        raise ValueError("no communes: load the demo's vectors first (`ntm-map load demo`)")


def province_rasters(terrain: t.Terrain, world: World, folder: Path, *, seed: int, scale: float, log):
    """Land cover, elevation, slope and the coarse imagery of the whole province, yielded as
    generate() does."""
    started = time.monotonic()
    grid = t.Grid.covering(world.province.bounds, COVER_M * scale, margin=60 * scale)
    cover, elev, slope = t.land_cover(terrain, grid, world)
    outside = cover == 0
    log(f"terrain and land cover: {grid.width:,} × {grid.height:,} px at {grid.res:g} m "
        f"in {time.monotonic() - started:.1f} s")
    common = _common(seed)
    yield "landcover", _write(folder / "landcover.tif", cover, grid, nodata=0), dict(
        kind="categorical", legend=LANDCOVER_LEGEND, nodata=0, title_vi="Hiện trạng lớp phủ mặt đất (mẫu)",
        title_en="Land cover (demo)", description_vi="Bản đồ lớp phủ giả lập, khớp với thôn, vùng trồng của tỉnh mẫu.",
        description_en="Synthetic land-cover map consistent with the demo's villages and growing areas.", **common)
    for name, arr, legend, units, vi, en in (
            ("elevation", elev, ELEVATION_LEGEND, "m", "Độ cao địa hình (mẫu)", "Elevation (demo)"),
            ("slope", slope, SLOPE_LEGEND, "°", "Độ dốc (mẫu)", "Slope (demo)")):
        arr = np.where(outside, NODATA_F, np.round(arr, 1)).astype(np.float32)
        yield name, _write(folder / f"{name}.tif", arr, grid, nodata=NODATA_F), dict(
            kind="continuous", legend=legend, units=units, nodata=NODATA_F, title_vi=vi, title_en=en, **common)
    del arr, slope, outside  # written: memory for the overview
    step = max(1, int(round(OVERVIEW_M / COVER_M)))
    coarse = t.Grid(grid.x0, grid.y0, grid.width // step, grid.height // step, grid.res * step)
    view = raster_imagery.overview(cover[::step, ::step][:coarse.height, :coarse.width],
                                   elev[::step, ::step][:coarse.height, :coarse.width], coarse.res, _stream(seed, 2))
    yield "imagery_overview", _write(folder / "imagery_overview.tif", view, coarse, photometric="RGB"), dict(
        kind="imagery", title_vi="Ảnh toàn tỉnh, độ phân giải thấp (mẫu)",
        title_en="Province-wide imagery, coarse (demo)", **common)
    log(f"elevation, slope, overview: done at {time.monotonic() - started:.1f} s")


def sharp_imagery(terrain: t.Terrain, world: World, folder: Path, *, seed: int, scale: float, log) -> tuple[Path, dict]:
    """The sharp mosaic over the chosen communes: its GeoTIFF and add_raster keywords."""
    started = time.monotonic()
    chosen = imagery_communes(world)
    footprint = shapely.union_all(list(chosen["geom"]))
    sharp_grid = t.Grid.covering(footprint.bounds, IMAGERY_M * scale, margin=2 * IMAGERY_M * scale)
    path = write_sharp(folder / "imagery.tif", terrain, sharp_grid, world, footprint, seed)
    vi, en = ", ".join(chosen["name_vi"]), ", ".join(chosen["name_en"])
    km2 = footprint.area / 1e6
    log(f"imagery: {sharp_grid.width:,} × {sharp_grid.height:,} px at {sharp_grid.res:g} m over communes "
        f"{', '.join(chosen['code'])} ({km2:.1f} km²) in {time.monotonic() - started:.1f} s")
    return path, dict(
        kind="imagery", title_vi="Ảnh chụp độ phân giải cao (mẫu)", title_en="High-resolution imagery (demo)",
        description_vi=f"Ảnh giả lập {sharp_grid.res:g} m/điểm ảnh, phủ trọn {len(chosen)} xã: {vi} "
                       f"({km2:.0f} km²); nơi khác xem ảnh toàn tỉnh độ phân giải thấp.",
        description_en=f"Synthetic {sharp_grid.res:g} m/pixel imagery covering {len(chosen)} whole communes: {en} "
                       f"({km2:.0f} km²); elsewhere the coarse province-wide imagery.", **_common(seed))


def _sharp_cog(terrain: t.Terrain, world: World, folder: Path, settings, *, seed: int, scale: float, log):
    """The sharp mosaic painted and written as a COG (a worker thread's share): (COG, keywords,
    Converted), registered later with `ready=` (its sha256 checked on the registered copy)."""
    path, options = sharp_imagery(terrain, world, folder, seed=seed, scale=scale, log=log)
    out = folder / "imagery.cog.tif"
    made = cog.convert(path, out, kind=options["kind"], max_pixels=settings.raster_max_pixels,
                       cache_mb=settings.raster_gdal_cache_mb)
    path.unlink()
    return out, options, made


# What the demo rasters' bytes depend on besides the vectors and the seed (the cache's key).
GENERATOR = tuple(Path(m.__file__) for m in (raster_imagery, t, cog, gdal_copy)) + (
    Path(__file__), Path(__file__).with_name("raster_world.py"))


def cache_key(world: World, seed: int, scale: float) -> str:
    """The key of the demo rasters made from these rows with this seed and scale by this code."""
    return key_of("demo rasters", code_digest(*GENERATOR), world.digest, seed, scale)


def make_demo_rasters(conn: Connection, settings, *, seed: int = 40, scale: float = 1.0, log=print,
                      cache: Cache | None = None, then: Callable[[], object] | None = None) -> list[dict]:
    """Generate and register (or replace) the demo rasters inside the caller's transaction.

    The sharp imagery is painted and written as a COG on a worker thread (its blocks on two
    more) from the start, while this thread makes the province-wide rasters, writes their COGs
    (two at a time) and registers them, then runs `then` (the suitability rasters and zonal
    statistics, which do not need the imagery: after_demo), and registers the imagery last.

    With a `cache` (layers.jobs.rasters.cache), COGs made before from the same rows, seed, scale
    and code are linked and registered instead (their sha256 checked again; a damaged copy is
    forgotten and the rasters made anew), and those made here are kept for next time."""
    raster_dir(settings).mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    world = read_world(conn, world_rows(conn))
    _check(world)
    key = cache_key(world, seed, scale)
    found = cache.cogs("demo", key) if cache is not None else None
    if found:
        items = [(name, path, dict(options, ready=made, replace=get_raster(conn, name) is not None))
                 for name, (path, made, options) in found.items()]
        try:
            rows = add_rasters(conn, settings, items, workers=2)
        except NotTheSameCog as exc:
            log(f"the cached demo rasters are damaged ({exc}): made anew")
            cache.forget("demo", key)
        else:
            log(f"{len(rows)} demo rasters made before from the same vectors and seed, registered in "
                f"{time.monotonic() - started:.1f} s")
            if then is not None:
                then()
            return rows
    terrain = t.Terrain(_stream(seed, 1), world.province)
    options = {}
    with tempfile.TemporaryDirectory(dir=raster_dir(settings), prefix=".demo-") as tmp, \
            ThreadPoolExecutor(max_workers=1) as painter:
        sharp = painter.submit(_sharp_cog, terrain, world, Path(tmp), settings, seed=seed, scale=scale, log=log)
        items = []
        for name, path, kw in province_rasters(terrain, world, Path(tmp), seed=seed, scale=scale, log=log):
            options[name] = kw
            items.append((name, path, dict(kw, replace=get_raster(conn, name) is not None)))
        rows = add_rasters(conn, settings, items, workers=2)
        log(f"{len(rows)} province-wide COGs written (two at a time) and registered at "
            f"{time.monotonic() - started:.1f} s")
        if then is not None:
            then()
        path, options["imagery"], made = sharp.result()
        rows += add_rasters(conn, settings, [("imagery", path, dict(
            options["imagery"], ready=made, replace=get_raster(conn, "imagery") is not None))])
    for row in rows:
        log(f"{row['name']} v{row['version']}: {row['width']:,} × {row['height']:,} px, {row['resolution_m']:.1f} m, "
            f"{row['bytes'] / 1e6:.1f} MB")
    log(f"{len(rows)} demo rasters in {time.monotonic() - started:.1f} s")
    if cache is not None:
        cache.keep_cogs("demo", key, {r["name"]: (raster_dir(settings) / r["file"], r["cog"], options[r["name"]])
                                      for r in rows})
    return rows


def missing(conn: Connection) -> list[str]:
    """The demo rasters the registry lacks (cheap: one query), for `make run`'s check."""
    have = {r[0] for r in conn.execute(sa.text("SELECT name FROM rasters WHERE name = ANY(:n)"), {"n": list(NAMES)})}
    return [n for n in NAMES if n not in have]
