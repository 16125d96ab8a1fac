"""Administrative units and villages.

Units carry a level, a parent and a validity period because data from before the 1 July 2025
reform uses three levels (province, district, commune) and later data two; a code is never
reused, so (code, valid_from) identifies one version of a unit.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Computed, Date, Float, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from geo import vocabulary
from layers.db.models.base import Base, Timestamps, geometry, one_of

LEVELS = tuple(vocabulary.ADMIN_LEVELS)


class AdminUnit(Timestamps, Base):
    __tablename__ = "admin_units"
    __table_args__ = (
        UniqueConstraint("code", "valid_from"),
        CheckConstraint(one_of("level", LEVELS), name="level"),
        CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name="validity"),
        # At most one current version of a code.
        Index("uq_admin_units_current_code", "code", unique=True, postgresql_where=text("valid_to IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10))
    level: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str | None] = mapped_column(String(40))  # Xã, Phường, Đặc khu, Tỉnh, Thành phố
    parent_code: Mapped[str | None] = mapped_column(String(10), index=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    full_name_vi: Mapped[str | None] = mapped_column(String(250))
    full_name_en: Mapped[str | None] = mapped_column(String(250))
    valid_from: Mapped[date] = mapped_column(Date, server_default=text("'2025-07-01'"))
    valid_to: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(300))
    area_km2: Mapped[float] = mapped_column(Float, Computed("ST_Area(geom::geography) / 1e6", persisted=True))
    geom = mapped_column(geometry("MULTIPOLYGON"), nullable=False)


class Village(Timestamps, Base):
    """Thôn / xóm / bản / khối: the unit where households live and smart-village targets apply."""

    __tablename__ = "villages"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    commune_code: Mapped[str] = mapped_column(String(10), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str | None] = mapped_column(String(20))
    area_km2: Mapped[float] = mapped_column(Float, Computed("ST_Area(geom::geography) / 1e6", persisted=True))
    geom = mapped_column(geometry("MULTIPOLYGON"), nullable=False)
