"""Fixtures of the tile tests: one demo database per module, read through a sync engine."""
from __future__ import annotations

import mapbox_vector_tile
import pytest

from layers.db.engines import sync_engine
from tiles.mvt import tile_statement


@pytest.fixture(scope="module")
def engine(settings, shared_demo):
    eng = sync_engine(settings, shared_demo)
    yield eng
    eng.dispose()


@pytest.fixture
def make_tile(engine, settings):
    """make_tile(layers, z, x, y, settings=None, detail_zoom=0) → (bytes, decoded layers)."""

    def make(layers, z, x, y, with_settings=None, detail_zoom=0):
        with engine.connect() as conn:
            data = conn.execute(tile_statement(layers, z, x, y, with_settings or settings, detail_zoom)).scalar_one()
        return bytes(data), mapbox_vector_tile.decode(bytes(data))

    return make
