"""Rasters: the registry of Cloud Optimized GeoTIFFs the platform serves (issue 13).

The pixels live in files under `Settings.raster_dir` (a COG per raster and version, written by
layers/jobs/rasters); a row here says what the file is to people and to the tile server: its
kind (which decides resampling and colouring), legend, units, value range, provenance and
footprint. A raster's `name` is its collection id in the API, so it shares the namespace of
the vector layers (layers.read.registry) and is checked against it on import.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Date, DateTime, Float, ForeignKey, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from layers.db.models.base import Base, Timestamps, geometry, one_of

RASTER_KINDS = ("imagery", "categorical", "continuous")
NAME_PATTERN = r"^[a-z][a-z0-9_]{1,62}$"


class Raster(Timestamps, Base):
    __tablename__ = "rasters"
    __table_args__ = (
        CheckConstraint(one_of("kind", RASTER_KINDS), name="kind"),
        CheckConstraint(f"name ~ '{NAME_PATTERN}'", name="name"),
        CheckConstraint("version >= 1", name="version"),
        CheckConstraint("width > 0 AND height > 0 AND band_count > 0", name="size"),
        CheckConstraint("value_min IS NULL OR value_max IS NULL OR value_min <= value_max", name="value_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(63), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    title_vi: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str | None] = mapped_column(String(200))
    description_vi: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    units: Mapped[str | None] = mapped_column(String(40))  # "m", "°", "%"; None for classes and imagery
    # categorical: {"classes": [{"value": 1, "colour": "#1a9641", "label_vi": …, "label_en": …}]}
    # continuous:  {"stops": [[value, "#rrggbb"], …]} (linear between stops), value range below
    # imagery:     null (the bands are the colours)
    legend: Mapped[dict | None] = mapped_column(JSONB)
    value_min: Mapped[float | None] = mapped_column(Float)
    value_max: Mapped[float | None] = mapped_column(Float)
    nodata: Mapped[float | None] = mapped_column(Float)
    band_count: Mapped[int] = mapped_column(Integer)
    dtype: Mapped[str] = mapped_column(String(20))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    resolution_m: Mapped[float] = mapped_column(Float)  # ground size of a pixel of the stored COG
    source_crs: Mapped[str] = mapped_column(Text)  # the input's CRS as given or guessed ("EPSG:9210")
    crs: Mapped[str] = mapped_column(String(40))  # the stored COG's CRS ("EPSG:3857" or the input's)
    geom = mapped_column(geometry("POLYGON"), nullable=False)  # footprint, WGS84
    file: Mapped[str] = mapped_column(String(300))  # relative to Settings.raster_dir
    bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    source: Mapped[str | None] = mapped_column(Text)  # who made it and how; "synthetic" is said here
    licence: Mapped[str | None] = mapped_column(String(300))
    acquired: Mapped[date | None] = mapped_column(Date)  # imagery: capture date; others: edition
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    public: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")


ZONAL_LAYERS = ("communes", "growing_areas")


class RasterZonalStat(Base):
    """What a raster says about one commune or growing area (issue 13): shares and hectares of
    each class, or the mean/min/max, computed with partial-pixel coverage by
    layers.jobs.rasters.zonal. Derived data, so no history: a row is deleted by a trigger when its
    feature's boundary changes (migration 0010) and is stale when `raster_version` is not the
    raster's version; the refresh job computes what is missing or stale."""

    __tablename__ = "raster_zonal_stats"
    __table_args__ = (CheckConstraint(one_of("layer", ZONAL_LAYERS), name="layer"),)

    raster_id: Mapped[int] = mapped_column(Integer, ForeignKey("rasters.id", ondelete="CASCADE"), primary_key=True)
    layer: Mapped[str] = mapped_column(String(20), primary_key=True)
    feature: Mapped[str] = mapped_column(String(40), primary_key=True)  # commune code / growing area id
    raster_version: Mapped[int] = mapped_column(Integer)
    stats: Mapped[dict] = mapped_column(JSONB)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
