"""The compiled-once tile SQL gives the same bytes as the statement built for each tile."""
from __future__ import annotations

import asyncio

import asyncpg
import pytest

from layers.read.registry import LAYERS
from tiles.prepared import PreparedTiles, compile_tile
from tiles.tilesets import combined, for_collection

# Tiles over Nghệ An at several zooms: households as grid counts (z8, z11) and as points (z14).
TILES = [(6, 50, 28), (8, 203, 114), (8, 202, 113), (11, 1621, 912), (14, 12973, 7300), (14, 12974, 7301)]


def test_prepared_tiles_match_the_statement(engine, shared_demo, make_tile, settings):
    prepared = PreparedTiles(settings)
    tilesets = [combined(), *(for_collection(layer.id) for layer in LAYERS)]

    async def fetch_all():
        conn = await asyncpg.connect(shared_demo)
        try:
            out = {}
            for ts in tilesets:
                for z, x, y in TILES:
                    c = prepared.get(ts, z)
                    out[ts.id, z, x, y] = bytes((await conn.fetchrow(c.sql, *c.args(z, x, y)))["mvt"])
            return out
        finally:
            await conn.close()

    fast = asyncio.run(fetch_all())
    nonempty = 0
    for ts in tilesets:
        for z, x, y in TILES:
            slow, _ = make_tile(ts.layers, z, x, y, detail_zoom=ts.detail_zoom)
            assert fast[ts.id, z, x, y] == bytes(slow), (ts.id, z, x, y)
            nonempty += bool(slow)
    assert nonempty > len(TILES)  # the comparison covered real tiles, not only empty ones


def test_compiling_refuses_sql_that_varies_by_tile(settings, monkeypatch):
    import tiles.prepared as mod

    monkeypatch.setattr(mod, "tile_values", lambda z, x, y: {})  # pretend x/y are not parameters
    with pytest.raises(RuntimeError, match="varies"):
        compile_tile(combined(), 8, settings)
