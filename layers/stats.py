"""Feature counts per layer, recomputed only when a source table's version changed.

A COUNT(*) over a million households costs ~100 ms; running it on every /collections request
would be the classic mistake, so counts are cached against `layer_versions`, which triggers bump
on every write.
"""
from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncConnection

from layers.registry import Layer
from layers.relations import VERSIONS, count_statement


class CountCache:
    def __init__(self) -> None:
        self._cache: dict[str, tuple[tuple, int]] = {}
        self._lock = asyncio.Lock()

    async def counts(self, conn: AsyncConnection, layers: tuple[Layer, ...]) -> dict[str, int]:
        versions = dict((await conn.execute(VERSIONS)).all())
        out: dict[str, int] = {}
        async with self._lock:
            for layer in layers:
                key = tuple(versions.get(t, 0) for t in layer.sources)
                cached = self._cache.get(layer.id)
                if cached is None or cached[0] != key:
                    n = (await conn.execute(count_statement(layer))).scalar_one()
                    cached = self._cache[layer.id] = (key, n)
                out[layer.id] = cached[1]
        return out
