"""Serving a tile: version check, ETag, cache, and the SQL only when nothing else will do.

One connection per request: `layer_versions` is read first (a few rows), which gives the ETag,
so a client already holding the tile gets its 304 without the tile being made or even looked
up. The tile query runs on the app's engine, under its statement_timeout.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from layers.config import Settings
from tiles.cache import TileCache
from tiles.etag import if_none_match, tile_tag, version_stamps
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

    async def tile(self, engine: AsyncEngine, tileset: Tileset, z: int, x: int, y: int,
                   client_tags: str | None = None) -> TileResult:
        """Raises tiles.grid.TileOutOfRange for addresses outside the grid."""
        check_tile(z, x, y)
        async with engine.connect() as conn:
            stamps = await version_stamps(conn)
            tag = tile_tag(str(engine.url.database), tileset.id, z, x, y, tileset.sources, stamps,
                           self.settings.tile_feature_cap)
            if if_none_match(client_tags, tag):
                return TileResult(tag, None)

            async def make() -> bytes:
                compiled = self.prepared.get(tileset, z)
                driver = (await conn.get_raw_connection()).driver_connection  # asyncpg
                return bytes(await driver.fetchval(compiled.sql, *compiled.args(z, x, y)))

            data = await self.cache.get_or_make((tileset.id, z, x, y), tag, make)
        return TileResult(tag, data)

    async def data_bounds(self, conn: AsyncConnection) -> tuple[float, float, float, float]:
        return await self.bounds.get(conn, await version_stamps(conn))
