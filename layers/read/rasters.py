"""The raster registry as the web app reads it (RASTER.md): one `RasterInfo` per row of `rasters`.

A tile request needs its raster's row (file, version, legend) before anything else, so the rows
are kept in memory (`RasterRegistry`) and read again only when `layer_versions` says the table
changed (its triggers bump it on every import, replacement or removal): one tiny query per
request instead of the row's JSON, and an edit still shows on the next request.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.dialects.postgresql import asyncpg as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncEngine

from layers.db.models.rasters import Raster
from layers.jobs.rasters.settings import raster_dir

T = Raster.__table__
_versions = sa.table("layer_versions", sa.column("table_name"), sa.column("version"), sa.column("changed_at"))
# The registry's own stamp: version and change time (a rebuilt database restarts at 1).
STAMP = sa.select(sa.cast(_versions.c.version, sa.Text) + sa.literal("@") + sa.func.coalesce(
    sa.cast(sa.func.extract("epoch", _versions.c.changed_at), sa.Text), sa.literal(""))
).where(_versions.c.table_name == "rasters")


STAMP_SQL = str(STAMP.compile(dialect=asyncpg_dialect.dialect(), compile_kwargs={"literal_binds": True}))


@dataclass(frozen=True, eq=False)
class RasterInfo:
    """A registry row with its footprint's bbox (lon/lat) and the stored COG's path."""

    name: str
    kind: str
    title_vi: str
    title_en: str | None
    description_vi: str | None
    description_en: str | None
    units: str | None
    legend: dict | None
    value_min: float | None
    value_max: float | None
    nodata: float | None
    band_count: int
    dtype: str
    width: int
    height: int
    resolution_m: float
    source_crs: str
    crs: str
    file: str
    bytes: int
    sha256: str
    version: int
    source: str | None
    licence: str | None
    acquired: date | None
    synthetic: bool
    public: bool
    bbox: tuple[float, float, float, float]
    path: Path

    def title(self, lang: str) -> str:
        return self.title_vi if lang == "vi" or not self.title_en else self.title_en

    def description(self, lang: str) -> str | None:
        return self.description_vi if lang == "vi" or not self.description_en else self.description_en


_COLUMNS = [T.c[f.name] for f in fields(RasterInfo) if f.name not in ("bbox", "path")]


def _select(public_only: bool) -> sa.Select:
    q = sa.select(*_COLUMNS, sa.func.ST_XMin(T.c.geom).label("xmin"), sa.func.ST_YMin(T.c.geom).label("ymin"),
                  sa.func.ST_XMax(T.c.geom).label("xmax"), sa.func.ST_YMax(T.c.geom).label("ymax")
                  ).order_by(T.c.name)
    return q.where(T.c.public) if public_only else q


def _info(settings, row) -> RasterInfo:
    m = dict(row._mapping)
    bbox = (m.pop("xmin"), m.pop("ymin"), m.pop("xmax"), m.pop("ymax"))
    return RasterInfo(**m, bbox=bbox, path=raster_dir(settings) / m["file"])


async def list_rasters(engine: AsyncEngine, settings, public_only: bool = True) -> list[RasterInfo]:
    async with engine.connect() as conn:
        return [_info(settings, r) for r in await conn.execute(_select(public_only))]


async def get_raster(engine: AsyncEngine, settings, name: str) -> RasterInfo | None:
    """Any raster by name, public or not (None if unknown); callers serving the public check `public`."""
    async with engine.connect() as conn:
        row = (await conn.execute(_select(False).where(T.c.name == name))).first()
    return _info(settings, row) if row else None


class RasterRegistry:
    """The public rasters by name, read again only when the `rasters` table's stamp changes.

    The stamp itself is read at most every `settings.raster_recheck_s` seconds (0: on every
    request): a cached raster tile is then served without a database round trip, which on a busy
    database costs more than the tile. Rasters change by an administrator's import, so a new
    version or legend showing within a second is worth that; vector tiles, edited all day,
    check on every request (tiles.service)."""

    def __init__(self, settings) -> None:
        self.settings = settings
        self._stamp: str | None = None
        self._checked = float("-inf")
        self._rows: dict[str, RasterInfo] = {}
        self._lock = asyncio.Lock()

    async def current(self, engine: AsyncEngine) -> dict[str, RasterInfo]:
        now = time.monotonic()
        if now - self._checked < self.settings.raster_recheck_s:
            return self._rows
        async with engine.connect() as conn:
            driver = (await conn.get_raw_connection()).driver_connection  # every tile asks: no ORM layer
            stamp = await driver.fetchval(STAMP_SQL) or "0"
            if stamp != self._stamp:
                async with self._lock:
                    if stamp != self._stamp:
                        rows = await conn.execute(_select(True))
                        self._rows = {r.name: _info(self.settings, r) for r in rows}
                        self._stamp = stamp
        self._checked = now  # only once the rows are current: a request meanwhile reads them itself
        return self._rows

    async def get(self, engine: AsyncEngine, name: str) -> RasterInfo | None:
        return (await self.current(engine)).get(name)


# The tables whose rows a statistics answer names (layer_versions.table_name), by statistics layer.
_FEATURE_TABLES = {"communes": "admin_units", "growing_areas": "growing_areas"}
_ZONAL = sa.table("raster_zonal_stats", sa.column("raster_id"), sa.column("layer"), sa.column("raster_version"),
                  sa.column("computed_at"))


async def stats_stamp(engine: AsyncEngine, layer: str, name: str | None = None) -> str:
    """What a statistics answer over `layer` depends on, as one string for its ETag: the public
    rasters' sha256 and version (of `name` only, if given), how many current figures there are and
    when the last was computed (a boundary edit deletes rows, a refresh writes them), and the
    stamps of `rasters` and of the feature table (names and public status live there)."""
    current = sa.and_(_ZONAL.c.raster_id == T.c.id, _ZONAL.c.raster_version == T.c.version, _ZONAL.c.layer == layer)
    rasters = sa.select(sa.func.array_agg(aggregate_order_by(
        T.c.name + ":" + T.c.sha256 + ":" + sa.cast(T.c.version, sa.Text), T.c.name))).where(T.c.public)
    figures = sa.select(sa.func.count(), sa.cast(sa.func.max(_ZONAL.c.computed_at), sa.Text)
                        ).select_from(_ZONAL.join(T, current)).where(T.c.public)
    tables = sa.select(sa.func.array_agg(aggregate_order_by(
        _versions.c.table_name + "=" + sa.cast(_versions.c.version, sa.Text) + "@"
        + sa.func.coalesce(sa.cast(sa.func.extract("epoch", _versions.c.changed_at), sa.Text), sa.literal("")),
        _versions.c.table_name))).where(_versions.c.table_name.in_(["rasters", _FEATURE_TABLES[layer]]))
    if name is not None:
        rasters, figures = rasters.where(T.c.name == name), figures.where(T.c.name == name)
    async with engine.connect() as conn:
        r = (await conn.execute(rasters)).scalar()
        count, last = (await conn.execute(figures)).one()
        v = (await conn.execute(tables)).scalar()
    return f"{r}|{count}|{last}|{v}"


__all__ = ["RasterInfo", "RasterRegistry", "get_raster", "list_rasters", "stats_stamp"]
