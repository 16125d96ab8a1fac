"""Raster tiles, ntm-map against TiTiler (issue 13): the same COG, the same tile list, the same
concurrency and worker count, timed with wrk (bench/wrk/cycle.lua, as bench/run.py does).

    .venv/bin/python -m bench.rasters [--size 16384] [--duration 20] [--connections 8] [--workers 2]

What it does, each step skipped when its result is already there:
1. TiTiler's own venv (bench/.venv-titiler, bench/requirements-titiler.txt): its pins differ.
2. A database `ntm_bench_rasters` (migrated) and a synthetic RGB orthophoto of --size² pixels at
   0.5 m (16384² × 3 bands = 805 MB of pixels) in UTM 48N over the demo province, written block
   by block and imported with `layers.jobs.rasters.store.add_raster`: the COG ntm-map serves
   (JPEG, 512 px blocks, overviews). TiTiler reads that same file.
3. A fixed list of tiles (deterministic) at the native zoom and the three above it, all inside the
   image, PNG; both servers resample bilinearly (TiTiler: `resampling=bilinear&reproject=bilinear`).
4. Servers: TiTiler (`titiler.core` TilerFactory, uvicorn), ntm-map with its tile cache off
   (NTM_TILE_CACHE_MB=0) and ntm-map as deployed (cache on, filled by the warm-up); the same GDAL
   settings for all. Uncached: ntm-map (cache off) vs TiTiler. Cached: ntm-map (cache on, memory
   plus the disk tier NTM_TILE_CACHE_DIR that its worker processes share, filled by one pass over
   the list) vs TiTiler, which has no tile cache of its own.
Results: bench/results/rasters-<time>.json and a table to paste into docs/performance.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import psycopg
import rasterio
from affine import Affine
from rasterio.windows import Window
from sqlalchemy.engine import make_url

from bench.common import BENCH, NTM_MAP, ROOT, BenchError, log
from bench.cpu import CpuMeter
from bench.load import run_wrk
from bench.prepare import ensure_venv
from bench.procs import Processes, free_port, wait_http

TITILER_VENV = BENCH / ".venv-titiler"
NAME = "bench_imagery"
UTM, ORIGIN, PIXEL = "EPSG:32648", (560_000.0, 2_350_000.0), 0.5
# The same GDAL settings for every server (TiTiler's documented production settings).
GDAL_ENV = {"GDAL_CACHEMAX": "256", "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR", "GDAL_HTTP_MERGE_CONSECUTIVE_RANGES": "YES",
            "VSI_CACHE": "TRUE", "VSI_CACHE_SIZE": "5000000", "GDAL_NUM_THREADS": "1"}
TITILER_APP = '''
from fastapi import FastAPI
from titiler.core.factory import TilerFactory
app = FastAPI()
app.include_router(TilerFactory().router, prefix="/cog")
@app.get("/healthz")
def healthz():
    return {"ok": True}
'''


def ensure_titiler_venv() -> Path:
    return ensure_venv(TITILER_VENV, BENCH / "requirements-titiler.txt", "TiTiler")


def ensure_database(name: str) -> str:
    from layers.db.engines import database_url
    from layers.db.settings import Settings

    server = database_url(Settings())
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(server, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            log(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run([NTM_MAP, "migrate"], env={**os.environ, "DATABASE_URL": url}, check=True, stdout=subprocess.DEVNULL)
    return url


def write_source(path: Path, size: int) -> None:
    """A deterministic 'orthophoto': field parcels of a few tones, roads, texture; block by block."""
    rng = np.random.default_rng(13)
    tones = rng.integers(40, 220, size=(64, 3))
    profile = dict(driver="GTiff", width=size, height=size, count=3, dtype="uint8", crs=UTM, tiled=True,
                   blockxsize=512, blockysize=512, compress="DEFLATE", bigtiff="IF_SAFER",
                   transform=Affine(PIXEL, 0, ORIGIN[0], 0, -PIXEL, ORIGIN[1]))
    step = 2048
    with rasterio.open(path, "w", **profile) as dst:
        for row in range(0, size, step):
            for col in range(0, size, step):
                h, w = min(step, size - row), min(step, size - col)
                yy, xx = np.mgrid[row:row + h, col:col + w]
                parcel = ((xx // 97) * 31 + (yy // 61) * 17) % 64
                block = tones[parcel].astype(np.int16)
                block += ((np.sin(xx / 3.1) + np.cos(yy / 2.7)) * 9).astype(np.int16)[..., None]
                block[(xx % 800 < 6) | (yy % 1100 < 6)] = 200  # roads
                dst.write(np.clip(block, 0, 255).astype("uint8").transpose(2, 0, 1), window=Window(col, row, w, h))


def ensure_raster(url: str, settings, size: int, workdir: Path) -> dict:
    from layers.db.engines import connection
    from layers.jobs.rasters.store import add_raster, get_raster, raster_path

    with connection(url) as conn:
        row = get_raster(conn, NAME)
        if row and row["width"] == size and raster_path(settings, row).exists():
            return row
    src = workdir / f"ortho-{size}.tif"
    if not src.exists():
        log(f"writing a {size}×{size} RGB source image ({size * size * 3 / 1e6:.0f} MB of pixels) ...")
        write_source(src, size)
    log("importing it as a COG with add_raster ...")
    with connection(url) as conn:
        add_raster(conn, settings, NAME, src, kind="imagery", title_vi="Ảnh thử (benchmark)", title_en="Benchmark image",
                   source="synthetic (bench/rasters.py)", synthetic=True, replace=row is not None, progress=True)
        row = get_raster(conn, NAME)
    src.unlink(missing_ok=True)
    return row


def tile_list(row: dict, count: int) -> list[tuple[int, int, int]]:
    """`count` tiles wholly inside the image, at the native zoom and the three above it."""
    import morecantile

    from tiles.raster.zooms import native_zoom

    tms = morecantile.tms.get("WebMercatorQuad")
    west, south, east, north = row["bbox"]
    top = native_zoom(row["resolution_m"], tuple(row["bbox"]))
    rnd = random.Random(13)
    out = []
    for i in range(count):
        z = top - i % 4
        lon = west + (east - west) * rnd.uniform(0.1, 0.9)
        lat = south + (north - south) * rnd.uniform(0.1, 0.9)
        t = tms.tile(lon, lat, z)
        out.append((t.z, t.x, t.y))
    return out


def start(procs: Processes, args, settings, url: str, cog: Path, logdir: Path) -> tuple[dict, dict]:
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("NTM_")} | GDAL_ENV
    bases, servers = {}, {}
    port = free_port()
    (logdir / "titiler_app.py").write_text(TITILER_APP)
    servers["titiler"] = procs.start("titiler", [TITILER_VENV / "bin" / "uvicorn", "titiler_app:app", "--app-dir", logdir,
                                                 "--host", "127.0.0.1", "--port", port, "--workers", args.workers,
                                                 "--no-access-log"], base_env, logdir)
    bases["titiler"] = f"http://127.0.0.1:{port}"
    for name, cache in (("ntm-nocache", "0"), ("ntm-cache", "256")):
        port = free_port()
        env = {**base_env, "DATABASE_URL": url, "NTM_RASTER_DIR": str(settings.raster_dir), "NTM_TILE_CACHE_MB": cache,
               "NTM_HOST": "127.0.0.1", "NTM_PORT": str(port)}
        if cache != "0":  # the worker processes share the disk tier: one fill serves them all
            env["NTM_TILE_CACHE_DIR"] = str(logdir / "tile-cache")
        servers[name] = procs.start(name, [NTM_MAP, "serve", "--host", "127.0.0.1", "--port", port,
                                           "--workers", args.workers], env, ROOT)
        bases[name] = f"http://127.0.0.1:{port}"
    for name, proc in servers.items():
        wait_http(bases[name] + "/healthz", proc, logdir / f"{name}.log")
        log(f"{name} on {bases[name]} (pid {proc.pid})")
    return bases, servers


def paths_for(name: str, tiles, cog: Path) -> list[str]:
    if name == "titiler":
        q = f"url={cog}&bidx=1&bidx=2&bidx=3&resampling=bilinear&reproject=bilinear"
        return [f"/cog/tiles/WebMercatorQuad/{z}/{x}/{y}.png?{q}" for z, x, y in tiles]
    return [f"/collections/{NAME}/map/tiles/WebMercatorQuad/{z}/{x}/{y}" for z, x, y in tiles]


def check_same_tiles(bases: dict[str, str], tiles, cog: Path) -> dict:
    """Both servers answer every tile with a 256² PNG showing the same picture (mean difference)."""
    import io

    import httpx
    from PIL import Image

    diffs = []
    for (z, x, y), ours, theirs in zip(tiles[:20], paths_for("ntm", tiles[:20], cog), paths_for("titiler", tiles[:20], cog)):
        a, b = (httpx.get(bases[n] + p, timeout=60) for n, p in (("ntm-nocache", ours), ("titiler", theirs)))
        if a.status_code != 200 or b.status_code != 200:
            raise BenchError(f"tile {z}/{x}/{y}: ntm-map {a.status_code}, TiTiler {b.status_code} {b.text[:200]}")
        pa, pb = (np.asarray(Image.open(io.BytesIO(r.content)).convert("RGBA"), dtype=float) for r in (a, b))
        diffs.append(float(np.abs(pa - pb).mean()))
    return {"tiles_compared": len(diffs), "mean_abs_difference": round(float(np.mean(diffs)), 3)}


def fill_cache(base: str, paths: list[str], connections: int) -> None:
    """Every tile of the list asked once, so the cached runs time only cache hits."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    with httpx.Client(base_url=base, timeout=120) as client, ThreadPoolExecutor(connections) as pool:
        codes = list(pool.map(lambda p: client.get(p).status_code, paths))
    if any(c != 200 for c in codes):
        raise BenchError(f"filling the cache: statuses {sorted(set(codes))}")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--size", type=int, default=16384, help="image width and height in pixels (default 16384)")
    p.add_argument("--tiles", type=int, default=400, help="tiles in the list (default 400)")
    p.add_argument("--duration", type=float, default=20, help="seconds per timed run (default 20)")
    p.add_argument("--warmup", type=float, default=5, help="seconds of warm-up per run (default 5)")
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--threads", type=int, default=2, help="wrk threads")
    p.add_argument("--workers", type=int, default=2, help="server processes, the same for both")
    p.add_argument("--repeats", type=int, default=3, help="timed runs per server, median reported (default 3)")
    p.add_argument("--db", default="ntm_bench_rasters")
    args = p.parse_args(argv)
    if not shutil.which("wrk"):
        raise BenchError("wrk is not installed: `sudo apt-get install wrk` (Debian/Ubuntu), then run again")
    from layers.db.settings import Settings

    ensure_titiler_venv()
    url = ensure_database(args.db)
    workdir = BENCH / "results" / "rasters-data"
    workdir.mkdir(parents=True, exist_ok=True)
    settings = Settings().model_copy(update={"raster_dir": workdir / "cogs"})
    row = ensure_raster(url, settings, args.size, workdir)
    cog = settings.raster_dir / row["file"]
    tiles = tile_list(row, args.tiles)
    logdir = Path(tempfile.mkdtemp(prefix="bench-rasters-"))
    procs = Processes(logdir)
    results: dict = {"when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "cog_bytes": cog.stat().st_size,
                     "size": [row["width"], row["height"]], "resolution_m": row["resolution_m"],
                     "tiles": len(tiles), "zooms": sorted({t[0] for t in tiles}), "connections": args.connections,
                     "workers": args.workers, "duration_s": args.duration, "cpus": os.cpu_count(), "runs": {}}
    try:
        bases, servers = start(procs, args, settings, url, cog, logdir)
        results["agreement"] = check_same_tiles(bases, tiles, cog)
        log(f"tiles agree: {results['agreement']}")
        names = ("titiler", "ntm-nocache", "ntm-cache")
        files = {}
        for name in names:
            files[name] = logdir / f"paths-{name}.txt"
            files[name].write_text("\n".join(paths_for(name, tiles, cog)) + "\n")
            if name == "ntm-cache":
                fill_cache(bases[name], paths_for(name, tiles, cog), args.connections)
            run_wrk({"wrk": "wrk"}, bases[name], files[name], args.warmup, args)
            results["runs"][name] = []
        # Rounds, each server in turn: the machine's other load changes by the minute, and a
        # round's servers share it; ratios are taken within a round.
        for _ in range(args.repeats):
            for name in names:
                meter = CpuMeter(servers[name].pid, args.db, "wrk")
                meter.start()
                run = run_wrk({"wrk": "wrk"}, bases[name], files[name], args.duration, args)
                run["cpu"] = meter.stop(run["requests"])
                results["runs"][name].append(run)
                log(f"  {name}: {run['rps']:.0f} req/s, p50 {run['p50_ms']:.1f} ms, server CPU "
                    f"{run['cpu']['cpu_ms_per_request'].get('server', 0):.1f} ms/tile, other programs "
                    f"{run['cpu']['cores_busy'].get('other', 0):.2f} cores"
                    + (f" ERRORS {run['errors']}" if run["failed"] else ""))
    finally:
        procs.stop_all()
    med = {n: float(np.median([r["rps"] for r in runs])) for n, runs in results["runs"].items()}
    results["median_rps"] = med
    rounds = list(zip(*(results["runs"][n] for n in ("titiler", "ntm-nocache", "ntm-cache"))))
    results["round_ratios"] = [{"uncached": round(u["rps"] / t["rps"], 2), "cached": round(c["rps"] / t["rps"], 1)}
                               for t, u, c in rounds]
    results["ratios"] = {k: float(np.median([r[k] for r in results["round_ratios"]])) for k in ("uncached", "cached")}
    results["load_average"] = os.getloadavg()
    # Server CPU per tile does not depend on how much of the machine the others took.
    cpu = {n: float(np.median([r["cpu"]["cpu_ms_per_request"].get("server", 0) for r in runs]))
           for n, runs in results["runs"].items()}
    results["median_server_cpu_ms_per_tile"] = cpu
    results["cpu_ratios"] = {"uncached": round(cpu["titiler"] / cpu["ntm-nocache"], 2),
                             "cached": round(cpu["titiler"] / max(cpu["ntm-cache"], 1e-6), 1)}
    out = BENCH / "results" / f"rasters-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(results, indent=1))
    log(f"results in {out}")
    for n, runs in results["runs"].items():
        p50 = np.median([r["p50_ms"] for r in runs])
        print(f"| {n} | {med[n]:.0f} | {p50:.1f} | {[r['rps'] for r in runs]} |")
    print(f"per round: {results['round_ratios']}")
    print(f"server CPU ms per tile (median): {cpu}; TiTiler/ntm-map: {results['cpu_ratios']}")
    print(f"median of rounds: uncached ntm/TiTiler = {results['ratios']['uncached']}×, "
          f"cached = {results['ratios']['cached']}×; load average {results['load_average']}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        sys.exit(1)
