"""PMTiles of a published layer, for static hosting (one file, read with HTTP range requests).

Tiles come from the same SQL as the live service (`tiles.prepared.zoom_statement`, with its check
that only the tile's x/y vary: public rows and properties only, households as grid counts below
their min zoom), built once per zoom and run for every tile over the layer's extent inside the
release's snapshot (a sync SQLAlchemy connection). Tiles are written in
tile-id order (a clustered archive), gzip-compressed; empty tiles are left out.
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import sqlalchemy as sa
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import Writer
from sqlalchemy.engine import Connection

from layers.db.settings import Settings
from layers.read.registry import get
from layers.read.relations import public_select
from tiles.grid import web_mercator
from tiles.mvt import tile_values
from tiles.prepared import zoom_statement
from tiles.tilesets import for_collection, mvt_layers

SUFFIX = ".pmtiles"


def layer_extent(conn: Connection, layer_id: str) -> tuple[float, float, float, float] | None:
    base = public_select(get(layer_id))
    ext = sa.func.ST_Extent(base.selected_columns.geom)
    stmt = base.with_only_columns(sa.func.ST_XMin(ext), sa.func.ST_YMin(ext), sa.func.ST_XMax(ext),
                                  sa.func.ST_YMax(ext))
    row = conn.execute(stmt).first()
    return None if row is None or row[0] is None else tuple(float(v) for v in row)


def tiles_over(bounds, min_zoom: int, max_zoom: int) -> list[tuple[int, int, int, int]]:
    """(tile id, z, x, y) of every tile touching the bounds, in tile-id order."""
    tms = web_mercator()
    out = [(zxy_to_tileid(t.z, t.x, t.y), t.z, t.x, t.y)
           for t in tms.tiles(*bounds, zooms=list(range(min_zoom, max_zoom + 1)))]
    return sorted(out)


def write_layer_pmtiles(conn: Connection, layer_id: str, path: Path, settings: Settings) -> int:
    """Returns the number of tiles written (0: no file is made)."""
    bounds = layer_extent(conn, layer_id)
    if bounds is None:
        return 0
    tileset = for_collection(layer_id)
    lo, hi = settings.pmtiles_min_zoom, settings.pmtiles_max_zoom
    statements: dict[int, sa.Select] = {}
    written = 0
    with open(path, "wb") as f:
        writer = Writer(f)
        for tile_id, z, x, y in tiles_over(bounds, lo, hi):
            if z not in statements:
                statements[z] = zoom_statement(tileset, z, settings)[0]
            data = conn.execute(statements[z], tile_values(z, x, y)).one().mvt
            if data:
                writer.write_tile(tile_id, gzip.compress(bytes(data), mtime=0))
                written += 1
        if not written:
            f.close()
            path.unlink()
            return 0
        west, south, east, north = bounds
        header = {
            "tile_type": TileType.MVT, "tile_compression": Compression.GZIP,
            "min_lon_e7": int(west * 1e7), "min_lat_e7": int(south * 1e7),
            "max_lon_e7": int(east * 1e7), "max_lat_e7": int(north * 1e7),
            "center_zoom": lo, "center_lon_e7": int((west + east) / 2 * 1e7),
            "center_lat_e7": int((south + north) / 2 * 1e7),
        }
        layer = get(layer_id)
        metadata = {
            "name": layer_id, "description": f"{layer.title_vi} / {layer.title_en}",
            "attribution": "ntm-map open data, CC BY 4.0; boundaries © thanglequoc/vietnamese-provinces-database (MIT)",
            "vector_layers": [{"id": m.id, "fields": m.fields, "minzoom": m.minzoom, "maxzoom": m.maxzoom,
                               "description": m.description("en")} for m in mvt_layers(tileset)],
        }
        writer.finalize(header, json.loads(json.dumps(metadata)))
    return written


def pmtiles_writer(settings: Settings):
    """The `extra` writer for layers.jobs.opendata.release.publish: one PMTiles per layer dataset."""
    def write(conn: Connection, dataset, out_dir: Path) -> list[tuple[str, Path]]:
        path = out_dir / f"{dataset.id}{SUFFIX}"
        return [("pmtiles", path)] if write_layer_pmtiles(conn, dataset.layer_id, path, settings) else []
    return write


def writer_key(settings: Settings) -> str:
    """What the PMTiles depend on besides data, for the release fingerprint."""
    return f"pmtiles:{settings.pmtiles_min_zoom}-{settings.pmtiles_max_zoom}:{settings.tile_feature_cap}"
