"""Feature count and extents per layer, recomputed only when a source table's version changed.

A COUNT(*) or ST_Extent over a million households costs ~100 ms; running it on every
/collections request would be the classic mistake, so the summary is cached against
`layer_versions`, which triggers bump on every write.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from layers.read.features import temporal_properties
from layers.read.registry import Layer
from layers.read.relations import VERSIONS, public_where, relation


@dataclass(frozen=True)
class Summary:
    count: int
    bbox: tuple[float, float, float, float] | None  # CRS84
    interval: tuple[date | None, date | None] | None  # None: the layer has no dates


def summary_statement(layer: Layer) -> sa.Select:
    rel = relation(layer)
    ext = sa.func.ST_Extent(rel.c.geom)
    cols = [sa.func.count().label("n"), sa.func.ST_XMin(ext), sa.func.ST_YMin(ext),
            sa.func.ST_XMax(ext), sa.func.ST_YMax(ext)]
    props = temporal_properties(layer)
    if props:
        cols += [sa.func.min(rel.c[props[0]]), sa.func.max(rel.c[props[1]])]
    return sa.select(*cols).select_from(rel).where(*public_where(layer, rel))


async def versions_of(conn: AsyncConnection, layers: tuple[Layer, ...] | list[Layer]) -> dict[str, tuple]:
    versions = dict((await conn.execute(VERSIONS)).all())
    return {layer.id: tuple(versions.get(t, 0) for t in layer.sources) for layer in layers}


class LayerStats:
    def __init__(self) -> None:
        self._cache: dict[str, tuple[tuple, Summary]] = {}
        self._lock = asyncio.Lock()

    async def summaries(self, conn: AsyncConnection, layers, keys: dict[str, tuple] | None = None
                        ) -> dict[str, Summary]:
        """`keys`: the layers' versions when the caller has just read them (one read per request)."""
        keys = keys or await versions_of(conn, layers)
        out: dict[str, Summary] = {}
        async with self._lock:
            for layer in layers:
                cached = self._cache.get(layer.id)
                if cached is None or cached[0] != keys[layer.id]:
                    row = (await conn.execute(summary_statement(layer))).one()
                    bbox = None if row[1] is None else tuple(float(v) for v in row[1:5])
                    interval = (row[5], row[6]) if len(row) > 5 else None
                    cached = self._cache[layer.id] = (keys[layer.id], Summary(row[0], bbox, interval))
                out[layer.id] = cached[1]
        return out

    async def counts(self, conn: AsyncConnection, layers) -> dict[str, int]:
        return {k: s.count for k, s in (await self.summaries(conn, layers)).items()}
