"""Settings of the raster layers (issue 13): a group of the one `layers.db.settings.Settings`."""
from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class RasterSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NTM_", extra="ignore")

    # Where the stored COGs live (default <home>/rasters): <name>/v<version>.tif.
    raster_dir: Path | None = None
    # An input larger than this many pixels (width × height, per band) is refused with the limit
    # stated: converting it would take longer than an administrator waits at a prompt.
    raster_max_pixels: int = Field(2_000_000_000, ge=1)
    # GDAL's block cache for a conversion or a tile read, in MB: bounds a conversion's memory.
    raster_gdal_cache_mb: int = Field(256, ge=16)
    # Zonal statistics (layers.jobs.rasters.zonal_refresh): the web app computes what a boundary
    # edit or a replaced raster made stale every this many seconds (0: only `ntm-map raster
    # stats`), at most this many features per raster and layer per run (a worker thread's share).
    raster_stats_interval_s: int = Field(60, ge=0)
    raster_stats_batch: int = Field(2000, ge=1)
    # Raster tiles (tiles.raster.service): renders run on this many threads per server process
    # (0: one per CPU core), and a request waits at most this long for its tile (then 503).
    raster_tile_workers: int = Field(0, ge=0, le=64)
    raster_tile_deadline_s: float = Field(10.0, gt=0, le=120)
    # How often the web app asks the database whether a raster was added, replaced or re-styled
    # (layers.read.rasters.RasterRegistry); 0: on every request.
    raster_recheck_s: float = Field(1.0, ge=0, le=60)


def raster_dir(settings) -> Path:
    """The folder of the stored COGs."""
    return settings.raster_dir or settings.home / "rasters"


def raster_cache_dir(settings) -> Path:
    """Rasters and statistics computed before, by what they were computed from
    (layers.jobs.rasters.cache): the demo's, kept across database reloads."""
    return settings.home / "cache" / "rasters"
