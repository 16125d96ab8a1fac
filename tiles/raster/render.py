"""Pixels out of a COG, in a worker thread: a WebMercatorQuad tile as PNG/WebP, or one point's value.

rio-tiler does the reading and the reprojection (the COG keeps its own CRS, VN-2000 or UTM, and
is warped per tile, as TiTiler does), choosing the overview that fits the zoom. Resampling
follows the kind: nearest for categories (a class is never averaged into another), bilinear for
continuous values and imagery. Colours come from the legend (tiles.raster.colour); pixels that
are nodata or masked are transparent.

These functions block (GDAL reads): tiles.raster.service runs them on its own bounded thread
pool. Each thread keeps its last few datasets open (a COG's header is read once per thread,
not per tile); a replaced raster has a new file name, so a stale handle is never used.
"""
from __future__ import annotations

import io
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np
from PIL import Image
from rio_tiler.errors import PointOutsideBounds, TileOutsideBounds
from rio_tiler.io import Reader

from tiles.raster.colour import class_colours, ramp, ramp_index

TILE_SIZE = 256
RESAMPLING = {"categorical": "nearest", "continuous": "bilinear", "imagery": "bilinear"}
MEDIA_TYPES = {"png": "image/png", "webp": "image/webp"}
OPEN_PER_THREAD = 8


class OutsideRaster(LookupError):
    """The point or tile does not touch the raster."""


_local = threading.local()


def reader(path: Path) -> Reader:
    """This thread's open Reader of `path` (LRU of OPEN_PER_THREAD)."""
    readers: OrderedDict[Path, Reader] | None = getattr(_local, "readers", None)
    if readers is None:
        readers = _local.readers = OrderedDict()
    found = readers.get(path)
    if found is not None:
        readers.move_to_end(path)
        return found
    found = readers[path] = Reader(str(path))
    while len(readers) > OPEN_PER_THREAD:
        readers.popitem(last=False)[1].close()
    return found


def bands(raster) -> tuple[int, ...]:
    """The bands read: the first three of imagery (its colours; a fourth is alpha), else band 1."""
    return (1, 2, 3) if raster.kind == "imagery" and raster.band_count >= 3 else (1,)


def read_tile(raster, z: int, x: int, y: int) -> tuple[np.ndarray, np.ndarray]:
    """(data (bands, 256, 256), valid (256, 256) bool). Raises OutsideRaster."""
    method = RESAMPLING[raster.kind]
    try:
        img = reader(raster.path).tile(x, y, z, tilesize=TILE_SIZE, indexes=bands(raster),
                                       resampling_method=method, reproject_method=method)
    except TileOutsideBounds:
        raise OutsideRaster(f"tile {z}/{x}/{y}") from None
    return np.asarray(img.array.data), np.asarray(img.mask) > 0


def colourise(raster, data: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """(256, 256, 4) RGBA uint8 of a tile's values."""
    out = np.zeros((*data.shape[1:], 4), dtype=np.uint8)
    if raster.kind == "categorical":
        colours = class_colours(raster.legend)
        keys = np.array(sorted(colours), dtype="float64")
        table = np.array([colours[int(k)] for k in keys], dtype=np.uint8).reshape(-1, 3)
        values = data[0].astype("float64")
        if len(keys):
            idx = np.clip(np.searchsorted(keys, values), 0, len(keys) - 1)
            named = keys[idx] == values
            out[..., :3] = table[idx]
            valid = valid & named
    elif raster.kind == "continuous":
        lo = raster.value_min if raster.value_min is not None else float(np.nanmin(data[0]))
        hi = raster.value_max if raster.value_max is not None else float(np.nanmax(data[0]))
        values = data[0]
        valid = valid & np.isfinite(values)
        out[..., :3] = ramp(raster.legend, lo, hi)[ramp_index(np.where(valid, values, lo), lo, hi)]
    else:
        rgb = data if data.shape[0] == 3 else np.repeat(data[:1], 3, axis=0)
        if rgb.dtype != np.uint8:  # 16-bit imagery: stretched over its value range
            lo = raster.value_min or 0.0
            hi = raster.value_max or float(np.iinfo(rgb.dtype).max if rgb.dtype.kind in "ui" else 1.0)
            rgb = np.clip((rgb.astype("float64") - lo) * (255.0 / ((hi - lo) or 1.0)), 0, 255)
        out[..., :3] = np.moveaxis(rgb, 0, -1).astype(np.uint8)
    out[..., 3] = np.where(valid, 255, 0)
    out[~valid, :3] = 0
    return out


def encode(rgba: np.ndarray, fmt: str, kind: str) -> bytes:
    """PNG (fast zlib level: a tile is made once and cached) or WebP: lossless for legends, so a
    class keeps its exact colour; lossy (alpha kept exact) for imagery, a third of the bytes."""
    image = Image.fromarray(rgba, "RGBA")
    buf = io.BytesIO()
    if fmt == "png":
        image.save(buf, "PNG", compress_level=2)
    elif kind == "imagery":
        image.save(buf, "WEBP", quality=80, method=2, alpha_quality=100)
    else:
        image.save(buf, "WEBP", lossless=True, quality=20, method=1, exact=True)
    return buf.getvalue()


def empty_tile(fmt: str) -> bytes:
    return encode(np.zeros((TILE_SIZE, TILE_SIZE, 4), dtype=np.uint8), fmt, "categorical")


def render_tile(raster, z: int, x: int, y: int, fmt: str) -> bytes | None:
    """The tile's bytes; None when the tile shows nothing of the raster (the caller sends its
    shared transparent tile)."""
    try:
        data, valid = read_tile(raster, z, x, y)
    except OutsideRaster:
        return None
    if not valid.any():
        return None
    return encode(colourise(raster, data, valid), fmt, raster.kind)


def point_values(raster, lon: float, lat: float) -> list[float | None]:
    """The raster's values (one per band read) at lon/lat; None where nodata. Raises OutsideRaster."""
    try:
        point = reader(raster.path).point(lon, lat, indexes=bands(raster))
    except PointOutsideBounds:
        raise OutsideRaster(f"{lon}, {lat}") from None
    values = np.ma.masked_array(point.array)
    return [None if values.mask is not np.ma.nomask and np.ma.getmaskarray(values)[i] else values.data[i].item()
            for i in range(values.shape[0])]
