"""Serving raster tiles and point values: ETag, cache, and rendering on a bounded thread pool.

The ETag is known before any pixel is read: a hash of the stored COG (sha256, version), the
colours (legend hash), the format and the address, so a client's copy gets its 304 and a cached
tile is sent without touching GDAL. The registry row comes from layers.read.rasters'
RasterRegistry (one tiny query per request), so a replaced raster or a new legend changes the
tags at once.

Rendering reads files and decodes blocks (GDAL, numpy, zlib): it runs on this service's own
pool of `workers` threads, never on the event loop. A request waits at most `deadline_s` for
its tile; one not started by then is dropped (503, try again) and one already running finishes
in its thread (GDAL reads cannot be interrupted) but holds no more than its thread: the pool
size bounds the work however many clients ask.
"""
from __future__ import annotations

import asyncio
import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from layers.workers.bounded import Busy
from tiles.cache import TileCache
from tiles.etag import if_none_match
from tiles.grid import web_mercator
from tiles.raster import render
from tiles.raster.colour import legend_hash
from tiles.raster.zooms import zoom_range

RENDER_FORMAT = 1  # bump when rendering changes (resampling, encoding) to retire old tags
QUEUE_PER_WORKER = 16  # waiting renders beyond workers × this are refused at once (503)


class NoSuchTile(LookupError):
    """z/x/y outside the raster's tile matrix set limits (→ 404). `reason` is "zoom" or "matrix";
    `values` fill the message (the API words it in the request's language)."""

    def __init__(self, reason: str, **values) -> None:
        self.reason, self.values = reason, values
        super().__init__(f"{reason}: {values}")


@dataclass(frozen=True)
class RasterTile:
    tag: str  # ETag, unquoted
    data: bytes | None  # None: the client's copy is current (304)
    media_type: str


def tile_tag(raster, fmt: str, z: int, x: int, y: int) -> str:
    parts = [f"raster{RENDER_FORMAT}", raster.name, raster.sha256, str(raster.version), fmt, f"{z}/{x}/{y}",
             legend_hash(raster.kind, raster.legend, raster.value_min, raster.value_max)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def check_tile(raster, z: int, x: int, y: int) -> None:
    """Raises NoSuchTile naming the valid range when z/x/y is outside what the raster serves."""
    top = zoom_range(raster.resolution_m, raster.bbox)[1]
    if not 0 <= z <= top:
        raise NoSuchTile("zoom", name=raster.name, top=top, z=z)
    m = web_mercator().matrix(z)
    if not (0 <= x < m.matrixWidth and 0 <= y < m.matrixHeight):
        raise NoSuchTile("matrix", z=z, x=x, y=y, last=m.matrixWidth - 1)


class RasterTileService:
    def __init__(self, settings, workers: int | None = None, deadline_s: float | None = None) -> None:
        self.settings = settings
        self.workers = workers or settings.raster_tile_workers or (os.cpu_count() or 2)
        self.deadline_s = deadline_s or settings.raster_tile_deadline_s
        self.cache = TileCache.from_settings(settings)
        self._pool: ThreadPoolExecutor | None = None
        self._waiting = 0
        self._empty = {fmt: render.empty_tile(fmt) for fmt in render.MEDIA_TYPES}

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="raster-tile")
        return self._pool

    async def run(self, fn, *args):
        """fn(*args) on the pool, within the deadline; Busy (503) when the queue is full or the
        deadline passes before it is done."""
        if self._waiting >= self.workers * QUEUE_PER_WORKER:
            raise Busy(f"{self._waiting} raster renders are waiting")
        self._waiting += 1
        try:
            future = asyncio.get_running_loop().run_in_executor(self._executor(), fn, *args)
            return await asyncio.wait_for(future, self.deadline_s)  # a render not started is cancelled
        except TimeoutError:
            raise Busy(f"a raster render took longer than {self.deadline_s} s") from None
        finally:
            self._waiting -= 1

    async def tile(self, raster, z: int, x: int, y: int, fmt: str, client_tags: str | None = None) -> RasterTile:
        """Raises NoSuchTile, Busy. A tile outside the raster's footprint is transparent (200)."""
        check_tile(raster, z, x, y)
        media = render.MEDIA_TYPES[fmt]
        tag = tile_tag(raster, fmt, z, x, y)
        if if_none_match(client_tags, tag):
            return RasterTile(tag, None, media)
        address = (f"raster:{raster.name}.{fmt}", z, x, y)

        async def make() -> bytes:
            data = await self.run(render.render_tile, raster, z, x, y, fmt)
            return self._empty[fmt] if data is None else data

        return RasterTile(tag, await self.cache.get_or_make(address, tag, make), media)

    async def values(self, raster, lon: float, lat: float) -> list[float | None]:
        """Raises render.OutsideRaster, Busy."""
        return await self.run(render.point_values, raster, lon, lat)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
