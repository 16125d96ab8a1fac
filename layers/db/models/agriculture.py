"""Agricultural layers: growing areas (mã số vùng trồng), cooperatives, zones, OCOP products."""
from __future__ import annotations

from datetime import date

from sqlalchemy import (
    ARRAY, Boolean, CheckConstraint, Computed, Date, Float, ForeignKey, Integer, SmallInteger,
    String, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from geo import vocabulary
from layers.db.models.base import Base, Timestamps, geometry, one_of

GROWING_AREA_STATUSES = tuple(vocabulary.GROWING_STATUSES)
CERTIFICATIONS = tuple(vocabulary.CERTIFICATIONS)


class Cooperative(Timestamps, Base):
    """Hợp tác xã (HTX): a business, so its name and contacts are public."""

    __tablename__ = "cooperatives"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(String(20), unique=True)  # business registration no.
    name: Mapped[str] = mapped_column(String(250))
    commune_code: Mapped[str] = mapped_column(String(10), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    main_products: Mapped[str | None] = mapped_column(String(300))
    members: Mapped[int | None] = mapped_column(Integer)
    founded_year: Mapped[int | None] = mapped_column(SmallInteger)
    phone: Mapped[str | None] = mapped_column(String(20))
    geom = mapped_column(geometry("POINT"), nullable=False)


class GrowingArea(Timestamps, Base):
    """A growing area; its code is assigned only at grant and never reused (see DOMAIN.md)."""

    __tablename__ = "growing_areas"
    __table_args__ = (
        CheckConstraint(one_of("status", GROWING_AREA_STATUSES), name="status"),
        CheckConstraint(one_of("certification", CERTIFICATIONS), name="certification"),
        CheckConstraint("status IN ('draft', 'submitted', 'inspected') OR code IS NOT NULL", name="code_once_granted"),
        CheckConstraint("valid_to IS NULL OR valid_from IS NULL OR valid_to > valid_from", name="validity"),
        # layers.db.dates bounds (migration 0006): no date a driver cannot read back.
        CheckConstraint("(valid_from IS NULL OR valid_from BETWEEN DATE '1900-01-01' AND DATE '2200-12-31') AND "
                        "(valid_to IS NULL OR valid_to BETWEEN DATE '1900-01-01' AND DATE '2200-12-31')",
                        name="dates_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(250))
    crop: Mapped[str] = mapped_column(String(80), index=True)
    variety: Mapped[str | None] = mapped_column(String(120))
    commune_code: Mapped[str] = mapped_column(String(10), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    cooperative_id: Mapped[int | None] = mapped_column(ForeignKey("cooperatives.id"))
    # An individual owner's name and phone are in GrowingAreaPrivate (private schema).
    households_count: Mapped[int | None] = mapped_column(Integer)
    expected_output_tonnes: Mapped[float | None] = mapped_column(Float)
    certification: Mapped[str] = mapped_column(String(20), server_default="none")
    farming_diary: Mapped[bool] = mapped_column(Boolean, server_default="false")
    residue_monitoring: Mapped[bool] = mapped_column(Boolean, server_default="false")
    target_markets: Mapped[list[str]] = mapped_column(ARRAY(String(40)), server_default="{}")
    status: Mapped[str] = mapped_column(String(20), server_default="draft", index=True)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    area_ha: Mapped[float] = mapped_column(Float, Computed("ST_Area(geom::geography) / 1e4", persisted=True))
    # +1 on every UPDATE (trigger, migration 0005): the API's ETag and If-Match.
    row_version: Mapped[int] = mapped_column(Integer, server_default="1")
    geom = mapped_column(geometry("MULTIPOLYGON"), nullable=False)


class GrowingAreaPrivate(Timestamps, Base):
    """An area's personal fields, kept out of the public schema and its history (migration 0008)."""

    __tablename__ = "growing_area_private"
    __table_args__ = {"schema": "private"}

    growing_area_id: Mapped[int] = mapped_column(
        ForeignKey("growing_areas.id", ondelete="CASCADE"), primary_key=True)
    owner_name: Mapped[str | None] = mapped_column(String(200))
    owner_phone: Mapped[str | None] = mapped_column(String(20))
    status_note: Mapped[str | None] = mapped_column(Text)  # last lifecycle step's note; staff only


class AgriZone(Timestamps, Base):
    """Agricultural zones / land-use parcels (vùng sản xuất tập trung, thửa đất)."""

    __tablename__ = "agri_zones"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(250))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    land_use_code: Mapped[str | None] = mapped_column(String(10))  # LUC, HNK, CLN, RSX, NTS ...
    commune_code: Mapped[str] = mapped_column(String(10), index=True)
    area_ha: Mapped[float] = mapped_column(Float, Computed("ST_Area(geom::geography) / 1e4", persisted=True))
    geom = mapped_column(geometry("MULTIPOLYGON"), nullable=False)


class OcopProduct(Timestamps, Base):
    """OCOP (One Commune One Product) products, scored out of 100: 3★ 50–69, 4★ 70–89, 5★ 90+."""

    __tablename__ = "ocop_products"
    __table_args__ = (
        CheckConstraint("stars BETWEEN 3 AND 5", name="stars"),
        CheckConstraint("score IS NULL OR score BETWEEN 0 AND 100", name="score"),
        # 14 digits, GS1 check digit verified by the database (migration 0011).
        CheckConstraint("gtin IS NULL OR ntm_gtin_valid(gtin)", name="gtin"),
        # Harvest lots' product must be their cooperative's (a composite foreign key onto this).
        UniqueConstraint("id", "cooperative_id"),
        # The photo is a file named by its sha256 (migration 0012); alt text comes with it.
        CheckConstraint("photo_sha256 IS NULL OR (photo_sha256 ~ '^[0-9a-f]{64}$' "
                        "AND length(btrim(coalesce(photo_alt, ''))) > 0)", name="photo"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(250))
    category: Mapped[str] = mapped_column(String(80))
    stars: Mapped[int] = mapped_column(SmallInteger)
    score: Mapped[int | None] = mapped_column(SmallInteger)
    producer: Mapped[str] = mapped_column(String(250))
    cooperative_id: Mapped[int | None] = mapped_column(ForeignKey("cooperatives.id"))
    commune_code: Mapped[str] = mapped_column(String(10), index=True)
    certified_year: Mapped[int | None] = mapped_column(SmallInteger)
    gtin: Mapped[str | None] = mapped_column(String(14), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    photo_sha256: Mapped[str | None] = mapped_column(String(64))
    photo_alt: Mapped[str | None] = mapped_column(String(300))
    geom = mapped_column(geometry("POINT"), nullable=False)
