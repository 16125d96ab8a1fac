"""Serving a tile: version check, ETag, cache, and the SQL only when nothing else will do.

One connection per request: `layer_versions` is read first (a few rows), which gives the ETag,
so a client already holding the tile gets its 304 without the tile being made or even looked
up. The tile query runs on the app's engine, under its statement_timeout.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from layers.db.settings import Settings
from tiles.cache import TileCache
from tiles.etag import VERSION_STAMPS_SQL, if_none_match, parse_stamps, tile_tag, version_stamps
from tiles.grid import check_tile
from tiles.prepared import PreparedTiles
from tiles.tilejson import Bounds
from tiles.tilesets import Tileset


@dataclass(frozen=True)
class TileResult:
    tag: str  # the ETag, unquoted
    data: bytes | None  # None: the client's copy is current (304)


class TileService:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.cache = TileCache.from_settings(settings)
        self.bounds = Bounds()
        self.prepared = PreparedTiles(settings)
        self._stamps: dict[str, str] | None = None  # the data versions of the latest query

    async def tile(self, engine: AsyncEngine, tileset: Tileset, z: int, x: int, y: int,
                   client_tags: str | None = None) -> TileResult:
        """Raises tiles.grid.TileOutOfRange for addresses outside the grid.

        The versions seen last give a guess of the tag. When the guess says the client's copy
        or the cache's is current (or there is no guess yet), the versions are read to confirm
        it (one small query); otherwise the tile is made with the versions read in the same
        statement (one query).
        """
        check_tile(z, x, y)
        address = (tileset.id, z, x, y)
        scope = str(engine.url.database)

        def tag_of(stamps: dict[str, str]) -> str:
            return tile_tag(scope, tileset.id, z, x, y, tileset.sources, stamps, self.settings.tile_feature_cap)

        async with engine.connect() as conn:
            driver = (await conn.get_raw_connection()).driver_connection  # asyncpg
            guess = tag_of(self._stamps) if self._stamps is not None else None
            if guess is None or if_none_match(client_tags, guess) or self.cache.holds(address, guess):
                self._stamps = parse_stamps(await driver.fetchval(VERSION_STAMPS_SQL))
                tag = tag_of(self._stamps)
                if if_none_match(client_tags, tag):
                    return TileResult(tag, None)
                data = self.cache.get(address, tag)
                if data is not None:
                    return TileResult(tag, data)

            async def make() -> tuple[dict[str, str], bytes]:
                compiled = self.prepared.get(tileset, z)
                row = await driver.fetchrow(compiled.sql, *compiled.args(z, x, y))
                return parse_stamps(row["stamps"]), bytes(row["mvt"])

            stamps, data = await self.cache.once((address, guess), make)
        self._stamps = stamps
        tag = tag_of(stamps)
        if if_none_match(client_tags, tag):
            return TileResult(tag, None)
        self.cache.put(address, tag, data)
        return TileResult(tag, data)

    async def data_bounds(self, conn: AsyncConnection) -> tuple[float, float, float, float]:
        return await self.bounds.get(conn, await version_stamps(conn))
