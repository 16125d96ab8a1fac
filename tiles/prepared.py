"""Tile SQL compiled once per (tileset, zoom) and run on the driver with positional arguments.

Building and compiling the SQLAlchemy statement cost about as much Python time per tile as the
rest of the request. Within a zoom only the tile's x/y (and the bounds derived from them)
change, and those are named parameters (`tiles.mvt.tile_values`), so the compiled text is
reused and asyncpg's prepared-statement cache does the rest. The statement also returns the
data versions read in the same snapshot, so a cache miss costs one round trip, not two. Compiling checks that nothing
else varies between tiles, so a future literal that depends on x/y fails loudly, not silently.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import asyncpg as asyncpg_dialect

from layers.db.settings import Settings
from tiles.etag import STAMPS
from tiles.mvt import tile_statement, tile_values
from tiles.tilesets import Tileset

DIALECT = asyncpg_dialect.dialect()


@dataclass(frozen=True)
class CompiledTile:
    sql: str
    names: tuple[str, ...]
    constants: dict

    def args(self, z: int, x: int, y: int) -> list:
        values = tile_values(z, x, y)
        return [values[n] if n in values else self.constants[n] for n in self.names]


def tile_select(tileset: Tileset, z: int, x: int, y: int, settings: Settings) -> sa.Select:
    tile = tile_statement(tileset.layers, z, x, y, settings, tileset.detail_zoom).scalar_subquery()
    return sa.select(STAMPS.label("stamps"), tile.label("mvt"))


def zoom_statement(tileset: Tileset, z: int, settings: Settings) -> tuple[sa.Select, sa.engine.Compiled]:
    """The statement of every tile of zoom z (built at tile 0/0; run it with `tile_values`), and
    its compiled form, once checked that nothing but tile_values() varies between tiles. The live
    service runs the compiled text on asyncpg; the PMTiles export runs the statement on sync
    SQLAlchemy (tiles.pmtiles_export)."""
    def compiled(stmt: sa.Select):
        return stmt.compile(dialect=DIALECT, compile_kwargs={"render_postcompile": True})

    statement = tile_select(tileset, z, 0, 0, settings)
    first = compiled(statement)
    last = compiled(tile_select(tileset, z, 2 ** z - 1, 2 ** z - 1, settings))
    varying = set(tile_values(z, 0, 0))
    if first.string != last.string or any(
            first.params[n] != last.params[n] for n in first.params if n not in varying):
        raise RuntimeError(f"tile SQL of {tileset.id} at z{z} varies outside tile_values()")
    return statement, first


def compile_tile(tileset: Tileset, z: int, settings: Settings) -> CompiledTile:
    _, first = zoom_statement(tileset, z, settings)
    return CompiledTile(first.string, tuple(first.positiontup or ()), dict(first.params))


class PreparedTiles:
    """Compiled tile SQL per (tileset, zoom), the least recently used dropped past `entries`: a
    client choosing collections at will must not grow it without end."""

    def __init__(self, settings: Settings, entries: int = 512) -> None:
        self.settings, self.entries = settings, entries
        self._compiled: OrderedDict[tuple[str, int], CompiledTile] = OrderedDict()

    def get(self, tileset: Tileset, z: int) -> CompiledTile:
        key = (tileset.id, z)
        found = self._compiled.get(key)
        if found is None:
            found = self._compiled[key] = compile_tile(tileset, z, self.settings)
            if len(self._compiled) > self.entries:
                self._compiled.popitem(last=False)
        else:
            self._compiled.move_to_end(key)
        return found

    def __len__(self) -> int:
        return len(self._compiled)
