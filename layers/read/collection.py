"""One object per published layer that builds and runs its read SQL: the query boundary of the
Features API (api/ parses the request into an ItemsQuery, calls these, and formats).

A request's small reads (versions for the ETag, then the count or the item) share one
connection through `reading()`, as they did when the route held it; a page takes its own
(`items_page.open_page`: whole when small, streamed on the stream engine when big).
"""
from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from geo.ogc_crs import OgcCRS
from layers.read.features import CRS84, ItemsQuery, count_statement, item_statement, properties_statement
from layers.read.items_page import Page, open_page
from layers.read.registry import LAYERS, Layer, get as get_layer
from layers.read.stats import LayerStats, Summary, versions_of


class Reader:
    """The small reads of one request on one connection."""

    def __init__(self, layer: Layer, conn: AsyncConnection, stats: LayerStats) -> None:
        self.layer, self._conn, self._stats = layer, conn, stats

    async def versions(self) -> tuple:
        """The `layer_versions` of the layer's tables: what an ETag of its data depends on."""
        return (await versions_of(self._conn, [self.layer]))[self.layer.id]

    async def summary(self, versions: tuple | None = None) -> Summary:
        """Count, extent and dates, cached per version (`versions`: just read by the caller)."""
        keys = {self.layer.id: versions} if versions is not None else None
        return (await self._stats.summaries(self._conn, [self.layer], keys))[self.layer.id]

    async def count(self, q: ItemsQuery) -> int:
        return (await self._conn.execute(count_statement(q))).scalar_one()

    async def matched(self, q: ItemsQuery, versions: tuple, asked: bool) -> int | None:
        """numberMatched: the cached count for the whole layer, a COUNT only when `asked`."""
        if q.whole_layer:
            return (await self.summary(versions)).count
        return await self.count(q) if asked else None

    async def item(self, feature_id: int, out: OgcCRS = CRS84) -> str | None:
        """One public feature as GeoJSON text, None when there is none with that id."""
        return (await self._conn.execute(item_statement(self.layer, feature_id, out))).scalar_one_or_none()

    async def properties(self, key: str, values: list, columns: tuple[str, ...]) -> dict:
        """{key value: (id, {column: value})} of the public features whose `key` (the id column
        or a property such as `code`) is among `values`: one query, no geometry."""
        wanted = tuple(c for c in columns if c in self.layer.property_names)
        rows = await self._conn.execute(properties_statement(self.layer, key, values, wanted))
        return {row[1]: (row[0], dict(zip(wanted, row[2:]))) for row in rows}


class FeatureCollection:
    def __init__(self, layer: Layer, engine: AsyncEngine, streams: AsyncEngine | None, stats: LayerStats) -> None:
        self.layer = layer
        self._engine, self._streams, self._stats = engine, streams, stats

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[Reader]:
        async with self._engine.connect() as conn:
            yield Reader(self.layer, conn, self._stats)

    async def versions(self) -> tuple:
        async with self.reading() as r:
            return await r.versions()

    async def summary(self) -> Summary:
        async with self.reading() as r:
            return await r.summary()

    async def count(self, q: ItemsQuery) -> int:
        async with self.reading() as r:
            return await r.count(q)

    async def item(self, feature_id: int, out: OgcCRS = CRS84) -> str | None:
        async with self.reading() as r:
            return await r.item(feature_id, out)

    async def page(self, q: ItemsQuery, kind: str) -> Page:
        """`kind` "csv" or "json"; a `prev` cursor is turned into a forward page first. Raises
        items_page.LargePagesBusy when a big page finds no stream connection in time."""
        return await open_page(self._engine, q, kind, self._streams)


class Collections:
    """The published layers as FeatureCollections on the app's engines and one stats cache."""

    def __init__(self, engine: AsyncEngine, streams: AsyncEngine | None = None, stats: LayerStats | None = None):
        self._engine, self._streams = engine, streams
        self.stats = stats or LayerStats()

    def __getitem__(self, layer: Layer | str) -> FeatureCollection:
        """A layer or its id (KeyError for an unknown id, as registry.get)."""
        layer = get_layer(layer) if isinstance(layer, str) else layer
        return FeatureCollection(layer, self._engine, self._streams, self.stats)

    async def summaries(self, layers: Iterable[Layer] = LAYERS) -> dict[str, Summary]:
        """Every layer's summary with one read of the versions (the /collections list)."""
        async with self._engine.connect() as conn:
            return await self.stats.summaries(conn, list(layers))
