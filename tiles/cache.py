"""Tile bytes kept in memory (LRU bounded by bytes) and optionally on disk.

Entries are keyed by tile address (tileset, z, x, y) and stamped with the tile's tag (its ETag
unquoted, a hash of the data versions): a lookup with a newer tag is a miss and drops the stale
entry, so an edited feature shows on the next request and old versions never pile up.
Concurrent requests for the same missing tile wait for one query instead of each running it.
A size of 0 turns all of it off (the benchmark's uncached mode), disk included.
"""
from __future__ import annotations

import asyncio
import os
import tempfile
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from pathlib import Path

from layers.db.settings import Settings

Address = tuple[str, int, int, int]  # tileset, z, x, y
ENTRY_OVERHEAD = 200  # bytes counted per entry besides the tile, so empty tiles are not free


class TileCache:
    def __init__(self, max_bytes: int, directory: Path | None = None) -> None:
        self.max_bytes = max(0, max_bytes)
        self.directory = Path(directory) if directory and self.max_bytes else None
        self._entries: OrderedDict[Address, tuple[str, bytes]] = OrderedDict()
        self._inflight: dict[tuple[Address, str], asyncio.Future] = {}
        self.size = 0
        self.hits = self.misses = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> TileCache:
        return cls(settings.tile_cache_mb * 1024 * 1024, settings.tile_cache_dir)

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, address: Address, tag: str) -> bytes | None:
        entry = self._entries.get(address)
        if entry is not None and entry[0] == tag:
            self._entries.move_to_end(address)
            self.hits += 1
            return entry[1]
        if entry is not None:
            self._drop(address)
        data = self._read_disk(address, tag)
        if data is not None:
            self.hits += 1
            self._remember(address, tag, data)
            return data
        self.misses += 1
        return None

    def holds(self, address: Address, tag: str) -> bool:
        """Whether this version of the tile is kept, in memory or on disk (no read, no statistics)."""
        entry = self._entries.get(address)
        if entry is not None and entry[0] == tag:
            return True
        return self.directory is not None and (self._tile_dir(address) / f"{address[3]}.{tag}.mvt").exists()

    async def once(self, key, make: Callable[[], Awaitable]):
        """make()'s result, shared by every caller that asks for `key` while it runs."""
        waiting = self._inflight.get(key)
        if waiting is not None:
            result = await asyncio.shield(waiting)
            # None: the first caller failed or was cancelled; this one tries on its own.
            return result if result is not None else await make()
        future = self._inflight[key] = asyncio.get_running_loop().create_future()
        result = None
        try:
            result = await make()
        finally:
            del self._inflight[key]
            future.set_result(result)
        return result

    def put(self, address: Address, tag: str, data: bytes) -> None:
        if not self.enabled:
            return
        self._remember(address, tag, data)
        self._write_disk(address, tag, data)

    async def get_or_make(self, address: Address, tag: str, make: Callable[[], Awaitable[bytes]]) -> bytes:
        """The cached tile, or `make()`'s, run once however many requests ask at the same time."""
        if not self.enabled:
            return await make()
        data = self.get(address, tag)
        if data is None:
            data = await self.once((address, tag), make)
            self.put(address, tag, data)
        return data

    def _cost(self, data: bytes) -> int:
        return len(data) + ENTRY_OVERHEAD

    def _remember(self, address: Address, tag: str, data: bytes) -> None:
        if self._cost(data) > self.max_bytes:
            return
        self._drop(address)
        self._entries[address] = (tag, data)
        self.size += self._cost(data)
        while self.size > self.max_bytes:
            self._drop(next(iter(self._entries)))

    def _drop(self, address: Address) -> None:
        entry = self._entries.pop(address, None)
        if entry is not None:
            self.size -= self._cost(entry[1])

    def _tile_dir(self, address: Address) -> Path:
        tileset, z, x, _ = address
        return self.directory / tileset / str(z) / str(x)

    def _read_disk(self, address: Address, tag: str) -> bytes | None:
        if self.directory is None:
            return None
        try:
            return (self._tile_dir(address) / f"{address[3]}.{tag}.mvt").read_bytes()
        except OSError:
            return None

    def _write_disk(self, address: Address, tag: str, data: bytes) -> None:
        """One file per tile: older versions of the same tile are removed as the new one lands."""
        if self.directory is None:
            return
        folder = self._tile_dir(address)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{address[3]}.{tag}.mvt"
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, folder / name)
        for old in folder.glob(f"{address[3]}.*.mvt"):
            if old.name != name:
                old.unlink(missing_ok=True)
