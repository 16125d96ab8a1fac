"""The tile cache and ETags without HTTP or a database."""
from __future__ import annotations

import asyncio

import pytest

from layers.db.settings import Settings
from tiles.cache import ENTRY_OVERHEAD, TileCache
from tiles.etag import if_none_match, quoted, tile_tag

A, B, C = ("ntm", 8, 1, 1), ("ntm", 8, 1, 2), ("ntm", 8, 1, 3)


def kb(n: int) -> bytes:
    return b"x" * (n * 1024 - ENTRY_OVERHEAD)


def test_lru_by_bytes():
    cache = TileCache(3 * 1024)
    cache.put(A, "t", kb(1))
    cache.put(B, "t", kb(1))
    assert cache.get(A, "t") is not None  # A is now the most recent
    cache.put(C, "t", kb(1))
    cache.put(("ntm", 9, 0, 0), "t", kb(1))  # over budget: the least recent (B) goes
    assert cache.get(B, "t") is None and cache.get(A, "t") and cache.get(C, "t")
    assert cache.size == 3 * 1024 and len(cache) == 3
    cache.put(("ntm", 9, 0, 1), "t", kb(4))  # larger than the whole cache: not kept
    assert len(cache) == 3 and cache.size <= cache.max_bytes


def test_a_new_tag_is_a_miss_and_replaces_the_stale_tile():
    cache = TileCache(1024 * 1024)
    cache.put(A, "v1", b"old")
    assert cache.get(A, "v2") is None
    assert len(cache) == 0 and cache.size == 0  # the stale entry is gone, not kept aside
    cache.put(A, "v2", b"new")
    assert cache.get(A, "v2") == b"new" and cache.get(A, "v1") is None


def test_empty_tiles_are_cached_and_counted():
    cache = TileCache(1024 * 1024)
    cache.put(A, "t", b"")
    assert cache.get(A, "t") == b"" and cache.size == ENTRY_OVERHEAD


def test_size_zero_disables_everything(tmp_path):
    cache = TileCache.from_settings(Settings(tile_cache_mb=0, tile_cache_dir=tmp_path))
    assert not cache.enabled and cache.directory is None
    cache.put(A, "t", b"tile")
    assert cache.get(A, "t") is None and not any(tmp_path.iterdir())
    calls = []

    async def make():
        calls.append(1)
        return b"tile"

    async def twice():
        return await asyncio.gather(cache.get_or_make(A, "t", make), cache.get_or_make(A, "t", make))

    assert asyncio.run(twice()) == [b"tile", b"tile"] and len(calls) == 2


def test_disk_cache_survives_a_restart_and_keeps_one_version_per_tile(tmp_path):
    first = TileCache(1024 * 1024, tmp_path)
    first.put(A, "v1", b"one")
    again = TileCache(1024 * 1024, tmp_path)
    assert again.get(A, "v1") == b"one"
    again.put(A, "v2", b"two")
    files = sorted(p.name for p in (tmp_path / "ntm" / "8" / "1").iterdir())
    assert files == ["1.v2.mvt"]
    assert TileCache(1024 * 1024, tmp_path).get(A, "v1") is None


def test_concurrent_misses_run_one_query():
    cache = TileCache(1024 * 1024)
    calls = []

    async def make():
        calls.append(1)
        await asyncio.sleep(0.05)
        return b"tile"

    async def many():
        return await asyncio.gather(*(cache.get_or_make(A, "t", make) for _ in range(10)))

    assert asyncio.run(many()) == [b"tile"] * 10 and len(calls) == 1
    assert cache.get(A, "t") == b"tile"


def test_a_failed_query_is_not_cached_and_waiters_try_again():
    cache = TileCache(1024 * 1024)
    calls = []

    async def make():
        calls.append(1)
        await asyncio.sleep(0.02)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return b"tile"

    async def both():
        return await asyncio.gather(cache.get_or_make(A, "t", make), cache.get_or_make(A, "t", make),
                                    return_exceptions=True)

    first, second = asyncio.run(both())
    assert isinstance(first, RuntimeError) and second == b"tile" and len(calls) == 2


def test_tags_follow_address_and_data_versions():
    stamps = {"tourism_places": "1@2025", "admin_units": "1@2025"}
    tag = tile_tag("db", "ntm", 8, 1, 2, ("admin_units", "tourism_places"), stamps, 100)
    assert tag == tile_tag("db", "ntm", 8, 1, 2, ("admin_units", "tourism_places"), dict(stamps), 100)
    assert len(tag) == 32 and int(tag, 16) >= 0
    others = {
        tile_tag("db", "ntm", 8, 2, 1, ("admin_units", "tourism_places"), stamps, 100),
        tile_tag("db", "communes", 8, 1, 2, ("admin_units", "tourism_places"), stamps, 100),
        tile_tag("db", "ntm", 8, 1, 2, ("admin_units", "tourism_places"), {**stamps, "tourism_places": "2@2025"}, 100),
        tile_tag("db", "ntm", 8, 1, 2, ("admin_units", "tourism_places"), stamps, 99),
        tile_tag("other", "ntm", 8, 1, 2, ("admin_units", "tourism_places"), stamps, 100),
    }
    assert tag not in others and len(others) == 5
    # A table outside the tileset does not change its tags.
    assert tag == tile_tag("db", "ntm", 8, 1, 2, ("admin_units", "tourism_places"), {**stamps, "households": "9@x"}, 100)


@pytest.mark.parametrize("header, matches", [
    ('"abc"', True), ('W/"abc"', True), ('"x", W/"abc" ,"y"', True), ("*", True),
    ('"abcd"', False), ('"x", "y"', False), ("", False), (None, False),
])
def test_if_none_match(header, matches):
    assert if_none_match(header, "abc") is matches
    assert quoted("abc") == '"abc"'
