"""The demo province's rasters (issue 13 item 6): `landcover`, `elevation`, `slope`, `imagery`
and `imagery_overview`, generated from the demo's vectors already in the database and stored
through the raster registry (layers.jobs.rasters.store.add_rasters), all marked synthetic.

Deterministic: the same seed and the same vectors give byte-identical GeoTIFFs (the random
streams are the seed's, GDAL's resampling is exact arithmetic), so the COGs' checksums repeat.
Generated at `ntm-map load demo` and `ntm-map raster demo`, never committed: files this size
do not belong in git. `scale` coarsens every grid (tests use a coarse province to stay fast).
"""
from __future__ import annotations

import tempfile
from concurrent.futures import ThreadPoolExecutor
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import rasterio
import rasterio.enums
import rasterio.windows
import shapely
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from layers.jobs.demo import raster_imagery, raster_terrain as t
from layers.jobs.demo.agriculture import DEMO_TODAY
from layers.jobs.rasters.settings import raster_dir
from layers.jobs.rasters.store import add_rasters, get_raster

NAMES = ("landcover", "elevation", "slope", "imagery", "imagery_overview")
COVER_M, OVERVIEW_M, IMAGERY_M = 50.0, 50.0, 2.4
IMAGERY_COMMUNES = 3
BLOCK_PX, PAD_PX = 1024, 24  # the sharp mosaic is painted in blocks (bounded memory), each padded
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


@dataclass
class World:
    """The demo's vectors the rasters follow, in UTM 48N metres."""
    province: object
    communes: pd.DataFrame  # code, kind, geom (UTM), areas (growing areas in it)
    areas_utm: list
    area_crops: list
    area_communes: list
    zones_utm: list
    zone_kinds: list
    house_x: np.ndarray
    house_y: np.ndarray
    village_x: np.ndarray
    village_y: np.ndarray
    area_ids: np.ndarray | None = None  # each growing area's index in the whole world (a block's subset)


def read_world(conn: Connection) -> World:
    """The province, communes, growing areas, zones, households and village centres. A village's
    centre is where its households are (their median), not its cell's centroid: the generated
    houses gather round the village's first hamlet."""
    q = lambda sql: conn.execute(sa.text(sql)).all()  # noqa: E731
    geoms = lambda rows, i=0: [t.to_utm(g) for g in shapely.from_wkb([bytes(r[i]) for r in rows])] if rows else []  # noqa: E731
    prov = q("SELECT ST_AsBinary(ST_Union(geom)) FROM communes")
    com = q("SELECT c.code, c.kind, ST_AsBinary(c.geom), (SELECT count(*) FROM growing_areas g "
            "WHERE g.commune_code = c.code), c.full_name_vi, c.full_name_en FROM communes c ORDER BY c.code")
    communes = pd.DataFrame({"code": [r[0] for r in com], "kind": [r[1] for r in com],
                             "geom": geoms(com, 2), "areas": [r[3] for r in com],
                             "name_vi": [r[4] for r in com], "name_en": [r[5] for r in com]})
    areas = q("SELECT ST_AsBinary(geom), crop, commune_code FROM growing_areas WHERE geom IS NOT NULL ORDER BY id")
    zones = q("SELECT ST_AsBinary(geom), kind FROM agri_zones ORDER BY id")
    houses = q("SELECT ST_X(geom), ST_Y(geom), village_id FROM households ORDER BY id")
    hx, hy = t._TO_UTM.transform([r[0] for r in houses], [r[1] for r in houses]) if houses else ([], [])
    hx, hy = np.asarray(hx, dtype=float), np.asarray(hy, dtype=float)
    villages = q("SELECT id, ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)) FROM villages ORDER BY id")
    vx, vy = t._TO_UTM.transform([r[1] for r in villages], [r[2] for r in villages]) if villages else ([], [])
    centre = pd.DataFrame({"x": vx, "y": vy}, index=[r[0] for r in villages], dtype=float)
    if len(houses):
        med = pd.DataFrame({"x": hx, "y": hy, "v": [r[2] for r in houses]}).dropna().groupby("v")[["x", "y"]].median()
        centre.update(med)
    return World(t.to_utm(shapely.from_wkb(bytes(prov[0][0]))), communes, geoms(areas), [r[1] for r in areas], [r[2] for r in areas],
                 geoms(zones), [r[1] for r in zones], hx, hy, centre["x"].to_numpy(), centre["y"].to_numpy())


def imagery_communes(world: World, count: int = IMAGERY_COMMUNES) -> pd.DataFrame:
    """The `count` neighbouring rural communes (kind 'Xã', with growing areas) the sharp mosaic
    covers whole: grown from each such commune by adding its smallest neighbour in turn, the set
    of least total area wins (ties by codes). Small communes keep the picture within seconds;
    whole ones let staff trace every field of a commune."""
    rural = world.communes[(world.communes["kind"] == "Xã") & (world.communes["areas"] > 0)].reset_index(drop=True)
    geoms = np.asarray(rural["geom"], dtype=object)
    area = shapely.area(geoms)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="dwithin", distance=1.0)
    near = {i: set() for i in range(len(geoms))}
    for i, j in zip(left, right):
        if i != j:
            near[int(i)].add(int(j))
    best, best_key = None, None
    for start in range(len(geoms)):
        chosen = [start]
        while len(chosen) < count:
            options = sorted(set().union(*(near[i] for i in chosen)) - set(chosen),
                             key=lambda j: (area[j], rural["code"][j]))
            if not options:
                break
            chosen.append(options[0])
        if len(chosen) < count:
            continue
        key = (float(area[chosen].sum()), sorted(rural["code"][j] for j in chosen))
        if best_key is None or key < best_key:
            best, best_key = sorted(chosen, key=lambda j: rural["code"][j]), key
    if best is None:
        raise ValueError(f"no {count} neighbouring rural communes with growing areas for the sharp imagery")
    return rural.iloc[best].reset_index(drop=True)


def _near(world: World, bounds, margin: float) -> World:
    """The part of the world that can paint a block: what lies within `margin` of its bounds."""
    box = shapely.box(bounds[0] - margin, bounds[1] - margin, bounds[2] + margin, bounds[3] + margin)
    a = np.nonzero(shapely.intersects(np.asarray(world.areas_utm, dtype=object), box))[0] if world.areas_utm else []
    z = np.nonzero(shapely.intersects(np.asarray(world.zones_utm, dtype=object), box))[0] if world.zones_utm else []
    h = shapely.contains_xy(box, world.house_x, world.house_y)
    v = shapely.contains_xy(box, world.village_x, world.village_y)
    return World(world.province, world.communes, [world.areas_utm[i] for i in a], [world.area_crops[i] for i in a],
                 [world.area_communes[i] for i in a], [world.zones_utm[i] for i in z], [world.zone_kinds[i] for i in z],
                 world.house_x[h], world.house_y[h], world.village_x[v], world.village_y[v], np.asarray(a, dtype=np.int64))


def write_sharp(path: Path, terrain, grid: t.Grid, world: World, footprint, seed: int,
                block: int = BLOCK_PX, pad: int = PAD_PX) -> Path:
    """Paint the sharp mosaic block by block into a tiled GeoTIFF: each block is drawn `pad`
    pixels wider (shading, the built-up window and roofs look at neighbours) and cropped, its
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
            pic = raster_imagery.sharp(terrain, sub, _near(world, bounds, 200.0), seed, (r0 - pad, c0 - pad),
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


def generate(conn: Connection, folder: Path, *, seed: int, scale: float = 1.0, log=print):
    """Write the five GeoTIFFs into `folder`, yielding (name, path, add_raster keywords) as each
    is written; the arrays of those written are freed before the next are made."""
    world = read_world(conn)
    if world.province is None or world.province.is_empty:
        raise ValueError("no communes: load the demo's vectors first (`ntm-map load demo`)")
    stream = lambda k: np.random.default_rng([seed, 1000 + k])  # noqa: E731
    started = time.monotonic()
    terrain = t.Terrain(stream(1), world.province)
    grid = t.Grid.covering(world.province.bounds, COVER_M * scale, margin=60 * scale)
    cover, elev, slope = t.land_cover(terrain, grid, world)
    outside = cover == 0
    log(f"terrain and land cover: {grid.width:,} × {grid.height:,} px at {grid.res:g} m "
        f"in {time.monotonic() - started:.1f} s")
    common = dict(synthetic=True, source=f"Synthetic, generated by ntm-map's demo (seed {seed})",
                  licence=LICENCE, acquired=DEMO_TODAY)
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
                                   elev[::step, ::step][:coarse.height, :coarse.width], coarse.res, stream(2))
    yield "imagery_overview", _write(folder / "imagery_overview.tif", view, coarse, photometric="RGB"), dict(
        kind="imagery", title_vi="Ảnh toàn tỉnh, độ phân giải thấp (mẫu)",
        title_en="Province-wide imagery, coarse (demo)", **common)
    log(f"elevation, slope, overview: done at {time.monotonic() - started:.1f} s")
    del cover, elev, view  # the imagery paints from `terrain` and `world`
    chosen = imagery_communes(world)
    footprint = shapely.union_all(list(chosen["geom"]))
    sharp_grid = t.Grid.covering(footprint.bounds, IMAGERY_M * scale, margin=2 * IMAGERY_M * scale)
    path = write_sharp(folder / "imagery.tif", terrain, sharp_grid, world, footprint, seed)
    vi, en = ", ".join(chosen["name_vi"]), ", ".join(chosen["name_en"])
    km2 = footprint.area / 1e6
    log(f"imagery: {sharp_grid.width:,} × {sharp_grid.height:,} px at {sharp_grid.res:g} m over communes "
        f"{', '.join(chosen['code'])} ({km2:.1f} km²), done at {time.monotonic() - started:.1f} s")
    yield "imagery", path, dict(
        kind="imagery", title_vi="Ảnh chụp độ phân giải cao (mẫu)", title_en="High-resolution imagery (demo)",
        description_vi=f"Ảnh giả lập {sharp_grid.res:g} m/điểm ảnh, phủ trọn {len(chosen)} xã: {vi} "
                       f"({km2:.0f} km²); nơi khác xem ảnh toàn tỉnh độ phân giải thấp.",
        description_en=f"Synthetic {sharp_grid.res:g} m/pixel imagery covering {len(chosen)} whole communes: {en} "
                       f"({km2:.0f} km²); elsewhere the coarse province-wide imagery.", **common)


def make_demo_rasters(conn: Connection, settings, *, seed: int = 40, scale: float = 1.0, log=print) -> list[dict]:
    """Generate and register (or replace) the demo rasters inside the caller's transaction: the
    five COGs are written two at a time once all are painted (add_rasters), the rows one after
    the other. (Writing each COG while the next raster is painted was measured slower on the
    2-core machine: the imagery's two painting threads already keep both cores busy.)"""
    raster_dir(settings).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=raster_dir(settings), prefix=".demo-") as tmp:
        items = [(name, path, dict(options, replace=get_raster(conn, name) is not None))
                 for name, path, options in generate(conn, Path(tmp), seed=seed, scale=scale, log=log)]
        started = time.monotonic()
        rows = add_rasters(conn, settings, items, workers=2)
    for row in rows:
        log(f"{row['name']} v{row['version']}: {row['width']:,} × {row['height']:,} px, {row['resolution_m']:.1f} m, "
            f"{row['bytes'] / 1e6:.1f} MB")
    log(f"{len(rows)} COGs written (two at a time) and registered in {time.monotonic() - started:.1f} s")
    return rows


def missing(conn: Connection) -> list[str]:
    """The demo rasters the registry lacks (cheap: one query), for `make run`'s check."""
    have = {r[0] for r in conn.execute(sa.text("SELECT name FROM rasters WHERE name = ANY(:n)"), {"n": list(NAMES)})}
    return [n for n in NAMES if n not in have]
