"""Rural tourism places and routes (the digital map of rural tourism)."""
from __future__ import annotations

from sqlalchemy import ARRAY, Boolean, CheckConstraint, Computed, Float, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from geo import vocabulary
from layers.db.models.base import Base, Timestamps, geometry, one_of

PLACE_KINDS = tuple(vocabulary.PLACE_KINDS)


class TourismPlace(Timestamps, Base):
    __tablename__ = "tourism_places"
    __table_args__ = (
        CheckConstraint(one_of("kind", PLACE_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    name_vi: Mapped[str] = mapped_column(String(250))
    name_en: Mapped[str | None] = mapped_column(String(250))
    description_vi: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    commune_code: Mapped[str] = mapped_column(String(10), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    # Business contacts of the place, published to promote it.
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(300))
    wifi: Mapped[bool] = mapped_column(Boolean, server_default="false")
    opening_hours: Mapped[str | None] = mapped_column(String(200))
    photos: Mapped[list] = mapped_column(JSONB, server_default="[]")
    geom = mapped_column(geometry("POINT"), nullable=False)


class TourismRoute(Timestamps, Base):
    __tablename__ = "tourism_routes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(250))
    name_en: Mapped[str | None] = mapped_column(String(250))
    description_vi: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    place_ids: Mapped[list[int]] = mapped_column(ARRAY(Integer), server_default="{}")
    duration_days: Mapped[float | None] = mapped_column(Float)
    length_km: Mapped[float] = mapped_column(Float, Computed("ST_Length(geom::geography) / 1e3", persisted=True))
    geom = mapped_column(geometry("MULTILINESTRING"), nullable=False)
