"""Zonal statistics benchmark (issue 13): 20,000 growing areas over a ~1 GB raster in under a
minute with peak memory under 1 GB.

    .venv/bin/python -m bench.zonal [--dir /tmp/ntm-zonal] [--areas 20000] [--kind continuous]

The raster is generated once on disk (kept for the next run): a tiled, uncompressed GeoTIFF in
UTM 48N (the demo province's zone), 16,384 × 16,384 float32 pixels of 10 m (1.07 GB, a
164 km square: a province's elevation model) or 32,768 × 32,768 uint8 classes of 5 m (1.07 GB,
a land-cover map). Every block is written with values, so nothing is sparse. The growing areas
are irregular pentagons of 0.3–5 ha in WGS84 spread over the whole raster, as stored.

What is timed is what `ntm-map raster stats` does per raster besides SQL:
layers.jobs.rasters.zonal.zonal_stats (reprojection to the raster's CRS, exactextract's coverage
fractions, the pixel-area weights, the summaries). It runs in a child process, so its peak
resident memory (getrusage of the children, ru_maxrss) is its own, not the generator's. The
page cache is not dropped (no root): the first run after generation reads a warm file.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ORIGIN = (500_000.0, 2_200_000.0)  # UTM 48N, the demo province's latitude
SHAPES = {"continuous": (16_384, 10.0, "float32"), "categorical": (32_768, 5.0, "uint8")}


def generate_raster(path: Path, kind: str, origin: tuple[float, float] = ORIGIN) -> None:
    import rasterio
    from rasterio.transform import from_origin
    from rasterio.windows import Window

    size, pixel, dtype = SHAPES[kind]
    block = 512
    profile = dict(driver="GTiff", width=size, height=size, count=1, dtype=dtype, crs="EPSG:32648",
                   transform=from_origin(origin[0], origin[1] + size * pixel, pixel, pixel),
                   tiled=True, blockxsize=block, blockysize=block, compress="none", BIGTIFF="YES",
                   nodata=255 if kind == "categorical" else -9999)
    yy, xx = np.mgrid[0:block, 0:block].astype("float32")
    with rasterio.open(path.with_suffix(".part"), "w", **profile) as dst:
        for row in range(0, size, block):
            for col in range(0, size, block):
                y, x = yy + row, xx + col
                if kind == "continuous":  # hills: 0–1,800 m
                    a = 900 + 600 * np.sin(x / 700) * np.cos(y / 900) + 300 * np.sin((x + y) / 230)
                else:  # 8 classes in patches
                    a = ((np.sin(x / 90) + np.cos(y / 70) + 2) * 2).astype("uint8") % 8 + 1
                dst.write(a.astype(dtype), 1, window=Window(col, row, block, block))
    path.with_suffix(".part").rename(path)


def generate_areas(kind: str, n: int, seed: int = 13) -> list:
    """n pentagons (WGS84 shapely) of 0.3–5 ha over the raster, away from its edges."""
    import shapely
    from pyproj import Transformer

    size, pixel, _ = SHAPES[kind]
    extent = size * pixel
    rng = np.random.default_rng(seed)
    to_wgs = Transformer.from_crs("EPSG:32648", "EPSG:4326", always_xy=True)
    cx = ORIGIN[0] + rng.uniform(500, extent - 500, n)
    cy = ORIGIN[1] + rng.uniform(500, extent - 500, n)
    radius = np.sqrt(rng.uniform(3_000, 50_000, n) / 2.38)  # a regular pentagon's area ≈ 2.38 r²
    angles = np.sort(rng.uniform(0, 2 * math.pi, (n, 5)), axis=1)
    wobble = rng.uniform(0.8, 1.2, (n, 5))
    xs = cx[:, None] + radius[:, None] * wobble * np.cos(angles)
    ys = cy[:, None] + radius[:, None] * wobble * np.sin(angles)
    lon, lat = to_wgs.transform(xs.ravel(), ys.ravel())
    lon, lat = np.asarray(lon).reshape(n, 5), np.asarray(lat).reshape(n, 5)
    rings = [np.column_stack([np.append(lon[i], lon[i, 0]), np.append(lat[i], lat[i, 0])]) for i in range(n)]
    return [shapely.make_valid(shapely.Polygon(r)) for r in rings]


def child(raster: Path, areas: Path, kind: str, out: Path) -> None:
    """The timed part, alone in its process."""
    import shapely

    from layers.jobs.rasters.zonal import zonal_stats

    geoms = shapely.from_wkb(np.load(areas, allow_pickle=True))
    started = time.perf_counter()
    n = touched = 0
    for _key, stats in zonal_stats(raster, kind, ((str(i), g) for i, g in enumerate(geoms)), gdal_cache_mb=256):
        n += 1
        touched += stats["area_ha"] > 0
    seconds = time.perf_counter() - started
    out.write_text(json.dumps({"features": n, "with_pixels": touched, "seconds": round(seconds, 2)}))


# -- --database: the whole `ntm-map raster stats` (SQL included) on a copy you can spare -------

PLACE_AREAS = """
    INSERT INTO growing_areas (name, crop, commune_code, geom)
    SELECT 'bench ' || row_number() OVER (), 'orange', code, geom FROM (
        SELECT c.code, ST_Multi(ST_Buffer(ST_Centroid(g.geom), 0.0007, 'quad_segs=2')) AS geom
        FROM communes c, LATERAL ST_SquareGrid(0.0025, c.geom) g
        WHERE ST_Within(g.geom, c.geom)
          AND ST_Within(g.geom, ST_Transform(ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 32648), 4326))
          AND NOT EXISTS (SELECT 1 FROM growing_areas o WHERE o.geom && g.geom)
        ORDER BY md5(c.code || ST_AsText(g.geom)) LIMIT %(n)s) s
"""


def database_run(url: str, folder: Path, kind: str, n: int) -> dict:
    """Place n small areas over the raster, register the raster, time `refresh` for them, and
    roll everything back: the database is left as it was (one transaction)."""
    import psycopg
    from sqlalchemy import create_engine, text

    from layers.db.settings import Settings
    from layers.jobs.rasters.zonal_refresh import refresh

    size, pixel, dtype = SHAPES[kind]
    with psycopg.connect(url) as conn:
        cx, cy = conn.execute("SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Transform(ST_SetSRID(ST_Centroid(ST_Extent(geom)::geometry), 4326), "
                              "32648) c FROM communes) s").fetchone()
    origin = (round(cx - size * pixel / 2, -3), round(cy - size * pixel / 2, -3))
    raster = folder / f"{kind}-{int(origin[0])}-{int(origin[1])}.tif"
    if not raster.exists():
        generate_raster(raster, kind, origin)
    box = {"x0": origin[0] + 500, "y0": origin[1] + 500, "x1": origin[0] + size * pixel - 500,
           "y1": origin[1] + size * pixel - 500, "n": n}
    settings = Settings(database_url=url, raster_dir=folder)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        trans = conn.begin()
        try:
            t = time.perf_counter()
            placed = conn.exec_driver_sql(PLACE_AREAS, box).rowcount
            place_s = time.perf_counter() - t
            conn.execute(text(f"""
                INSERT INTO rasters (name, kind, title_vi, band_count, dtype, width, height, resolution_m, source_crs,
                    crs, geom, file, bytes, sha256)
                VALUES ('bench_zonal', '{kind}', 'bench', 1, '{dtype}', {size}, {size}, {pixel}, 'EPSG:32648',
                    'EPSG:32648', ST_Transform(ST_MakeEnvelope({origin[0]}, {origin[1]}, {origin[0] + size * pixel},
                    {origin[1] + size * pixel}, 32648), 4326), '{raster.name}', {raster.stat().st_size}, 'bench')"""))
            t = time.perf_counter()
            done = refresh(conn, settings, ["bench_zonal"], ["growing_areas"])
            seconds = time.perf_counter() - t
        finally:
            trans.rollback()
    engine.dispose()
    return {"placed": placed, "place_s": round(place_s, 1), "computed": done["bench_zonal/growing_areas"],
            "refresh_seconds": round(seconds, 2), "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/ntm-zonal"))
    ap.add_argument("--areas", type=int, default=20_000)
    ap.add_argument("--kind", choices=sorted(SHAPES), default="continuous")
    ap.add_argument("--child", nargs=3, metavar=("RASTER", "AREAS", "OUT"), help=argparse.SUPPRESS)
    ap.add_argument("--database", metavar="URL",
                    help="also time `ntm-map raster stats` with its SQL on this database (a demo copy: areas are "
                         "placed over the raster and everything is rolled back at the end)")
    args = ap.parse_args()
    if args.database:
        args.dir.mkdir(parents=True, exist_ok=True)
        print(json.dumps(database_run(args.database, args.dir, args.kind, args.areas)))
        return
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]), args.kind, Path(args.child[2]))
        return
    import shapely

    args.dir.mkdir(parents=True, exist_ok=True)
    raster = args.dir / f"{args.kind}.tif"
    if not raster.exists():
        t = time.perf_counter()
        generate_raster(raster, args.kind)
        print(f"generated {raster} ({raster.stat().st_size / 1e9:.2f} GB) in {time.perf_counter() - t:.0f} s")
    areas = args.dir / f"areas-{args.kind}-{args.areas}.npy"
    geoms = generate_areas(args.kind, args.areas)
    np.save(areas, np.array(shapely.to_wkb(geoms), dtype=object), allow_pickle=True)
    out = args.dir / "result.json"
    wall = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bench.zonal", "--kind", args.kind, "--child", str(raster), str(areas),
                    str(out)], check=True, cwd=Path(__file__).resolve().parents[1])
    wall = time.perf_counter() - wall
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result = json.loads(out.read_text())
    result.update(raster_gb=round(raster.stat().st_size / 1e9, 2), kind=args.kind, process_seconds=round(wall, 2),
                  peak_rss_mb=round(peak_mb), cpus=os.cpu_count(), load_avg=round(os.getloadavg()[0], 2))
    print(json.dumps(result))
    ok = result["process_seconds"] < 60 and peak_mb < 1024
    print("PASS" if ok else "FAIL", "(under 60 s and 1,024 MB)")


if __name__ == "__main__":
    main()
