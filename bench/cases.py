"""The fixed request lists of the benchmark, made once from the demo data and kept in bench/cases/.

Every run reads the same lists, so numbers from different days compare. `python -m bench.cases
DATABASE_URL` writes them again (only needed if the demo data itself changes):

- `tiles.txt`: `layer z x y`, 200 WebMercatorQuad tiles, 50 per layer, each around a point on a
  feature of that layer (so no tile of the list is empty), zooms taken in turn over the layer's
  range (households from z14, villages from z10: their `min_zoom` in the registry);
- `items.txt`: `minlon,minlat,maxlon,maxlat`, the bounding boxes of 200 real villages.

Features are picked by `md5(id || seed)` order: the same data gives the same list.
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

CASES = Path(__file__).parent / "cases"
SEED = "ntm-bench-1"

# layer id -> (table, zooms, public filter as SQL); 50 tiles each
TILE_LAYERS = {
    "communes": ("communes", range(8, 16), ""),
    "growing_areas": ("growing_areas", range(8, 16),
                      "status IN ('granted', 'suspended', 'revoked', 'expired')"),
    "villages": ("villages", range(10, 16), ""),
    "households": ("households", range(14, 16), ""),
}
PER_LAYER = 50
N_BBOXES = 200


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """WebMercatorQuad tile column and row holding a WGS84 point."""
    n = 2 ** z
    x = int((lon + 180.0) / 360.0 * n)
    lat_r = math.radians(lat)
    y = int((1.0 - math.asinh(math.tan(lat_r)) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) in degrees."""
    n = 2 ** z

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360.0 - 180.0, lat(y + 1), (x + 1) / n * 360.0 - 180.0, lat(y)


def read_tiles(path: Path = CASES / "tiles.txt") -> list[tuple[str, int, int, int]]:
    out = []
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            layer, z, x, y = line.split()
            out.append((layer, int(z), int(x), int(y)))
    return out


def read_bboxes(path: Path = CASES / "items.txt") -> list[tuple[float, float, float, float]]:
    out = []
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            a, b, c, d = (float(v) for v in line.split(","))
            out.append((a, b, c, d))
    return out


def make(conn) -> tuple[list[str], list[str]]:
    """Build both lists from a database holding the demo province (psycopg connection)."""
    tiles: list[str] = []
    for layer, (table, zooms, where) in TILE_LAYERS.items():
        point = "geom" if layer == "households" else "ST_PointOnSurface(geom)"
        rows = conn.execute(
            f"SELECT ST_X({point}), ST_Y({point}) FROM {table} {'WHERE ' + where if where else ''} "
            f"ORDER BY md5(id::text || %s) LIMIT %s", (SEED, PER_LAYER * 4)).fetchall()
        seen: set[tuple[int, int, int]] = set()
        zs = list(zooms)
        for i, (lon, lat) in enumerate(rows):
            if len(seen) == PER_LAYER:
                break
            z = zs[i % len(zs)]  # a repeat (low zooms hold few tiles) is skipped, not retried
            x, y = tile_of(lon, lat, z)
            if (z, x, y) not in seen:
                seen.add((z, x, y))
                tiles.append(f"{layer} {z} {x} {y}")
    bboxes = [
        f"{a:.6f},{b:.6f},{c:.6f},{d:.6f}"
        for a, b, c, d in conn.execute(
            "SELECT ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom) FROM villages "
            "ORDER BY md5(id::text || %s) LIMIT %s", (SEED, N_BBOXES)).fetchall()
    ]
    return tiles, bboxes


def write(conn) -> None:
    tiles, bboxes = make(conn)
    CASES.mkdir(exist_ok=True)
    (CASES / "tiles.txt").write_text(
        "# layer z x y (WebMercatorQuad), made by `python -m bench.cases` from the demo data\n"
        + "\n".join(tiles) + "\n")
    (CASES / "items.txt").write_text(
        "# minlon,minlat,maxlon,maxlat of real villages, made by `python -m bench.cases`\n"
        + "\n".join(bboxes) + "\n")
    print(f"wrote {len(tiles)} tiles and {len(bboxes)} bboxes to {CASES}")


if __name__ == "__main__":
    import psycopg

    with psycopg.connect(sys.argv[1]) as c:
        write(c)
