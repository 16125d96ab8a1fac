"""Tile ETags, computable before the tile exists: a hash of its address and its data versions.

`layer_versions` is bumped by triggers on every write to a source table, so reading it (a few
rows) at each request tells whether any tile of a tileset may have changed. The change time is
hashed too: a rebuilt database restarts its versions at 1, and a disk cache must not mistake
its tiles for the old ones.
"""
from __future__ import annotations

import hashlib

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import asyncpg as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncConnection

# Bump when the tile encoding changes (SQL, properties, simplification) to retire old tags.
TILE_FORMAT = 2

_versions = sa.table("layer_versions", sa.column("table_name"), sa.column("version"), sa.column("changed_at"))
# Every table's stamp as one text array ("name=version@epoch"), written by PostgreSQL so that the
# stand-alone read and the one inside a tile query (tiles.prepared) give identical strings.
STAMPS = sa.select(sa.func.array_agg(
    _versions.c.table_name + sa.literal("=") + sa.cast(_versions.c.version, sa.Text) + sa.literal("@")
    + sa.func.coalesce(sa.cast(sa.func.extract("epoch", _versions.c.changed_at), sa.Text), sa.literal(""))
)).scalar_subquery()
VERSION_STAMPS_SQL = str(sa.select(STAMPS).compile(  # our own constants only, so written inline
    dialect=asyncpg_dialect.dialect(), compile_kwargs={"literal_binds": True}))


def parse_stamps(values: list[str] | None) -> dict[str, str]:
    return dict(v.split("=", 1) for v in values or ())


async def version_stamps(conn: AsyncConnection) -> dict[str, str]:
    """Read on the driver directly: this runs on every tile request, cached or not."""
    driver = (await conn.get_raw_connection()).driver_connection
    return parse_stamps(await driver.fetchval(VERSION_STAMPS_SQL))


def tile_tag(scope: str, tileset: str, z: int, x: int, y: int, tables: tuple[str, ...],
             stamps: dict[str, str], cap: int) -> str:
    """Hex digest; `scope` names the database, `tables` are the tileset's source tables."""
    parts = [f"mvt{TILE_FORMAT}", scope, tileset, f"{z}/{x}/{y}", f"cap={cap}"]
    parts += [f"{t}={stamps.get(t, '0')}" for t in tables]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def quoted(tag: str) -> str:
    return f'"{tag}"'


def if_none_match(header: str | None, tag: str) -> bool:
    """True when the client already holds this tile: `*`, the tag, or its weak `W/` form."""
    if not header:
        return False
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*":
            return True
        if candidate.startswith("W/"):
            candidate = candidate[2:]
        if candidate.strip('"') == tag:
            return True
    return False
