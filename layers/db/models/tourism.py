"""Rural tourism places, routes and events (the digital map of rural tourism).

Listings are written by tourism promoters and moderated by province tourism staff (issue 14,
migration 0013): each has an owner (`private.users.id`, kept by triggers, not a foreign key), a
lifecycle status (only `published` rows are public: layers.read.registry's public_filter), a
pending revision while a change to a published listing awaits moderation, and a row version
for If-Match.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (ARRAY, Boolean, CheckConstraint, Computed, Date, DateTime, Float, ForeignKey, Integer,
                        SmallInteger, String, Text)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from geo import vocabulary
from layers.db.models.base import Base, Timestamps, geometry, one_of

PLACE_KINDS = tuple(vocabulary.PLACE_KINDS)
STATUSES = tuple(vocabulary.TOURISM_STATUSES)
NAMED = "(length(btrim(coalesce(name_vi, ''))) > 0 OR length(btrim(coalesce(name_en, ''))) > 0)"
PENDING = ("(pending IS NULL AND pending_at IS NULL) OR "
           "(status = 'published' AND pending IS NOT NULL AND pending_at IS NOT NULL)")


def _checks() -> tuple:
    return (CheckConstraint(one_of("status", STATUSES), name="status"),
            CheckConstraint(PENDING, name="pending"), CheckConstraint(NAMED, name="named"))


class Listing:
    """What every tourism listing has: an owner, a moderated status, a pending revision, a version."""
    owner_id: Mapped[int | None] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(20), server_default="published", index=True)
    status_note: Mapped[str | None] = mapped_column(Text)  # the last moderation step's note
    pending: Mapped[dict | None] = mapped_column(JSONB)  # a published listing's revision under moderation
    pending_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    row_version: Mapped[int] = mapped_column(Integer, server_default="1")


class TourismPlace(Listing, Timestamps, Base):
    __tablename__ = "tourism_places"
    __table_args__ = (
        CheckConstraint(one_of("kind", PLACE_KINDS), name="kind"), *_checks(),
        CheckConstraint("price_range IS NULL OR " + one_of("price_range", vocabulary.PRICE_RANGES), name="price_range"),
        CheckConstraint("season_months <@ ARRAY[1,2,3,4,5,6,7,8,9,10,11,12]::smallint[] "
                        "AND cardinality(season_months) <= 12", name="season_months"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    name_vi: Mapped[str | None] = mapped_column(String(250))
    name_en: Mapped[str | None] = mapped_column(String(250))
    description_vi: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    commune_code: Mapped[str] = mapped_column(String(10), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    # Business contacts of the place, entered for publication to promote it.
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(300))
    zalo: Mapped[str | None] = mapped_column(String(300))  # https://zalo.me/… (CHECK)
    facebook: Mapped[str | None] = mapped_column(String(300))  # https://facebook.com/… (CHECK)
    price_range: Mapped[str | None] = mapped_column(String(20))
    wifi: Mapped[bool] = mapped_column(Boolean, server_default="false")
    parking: Mapped[bool] = mapped_column(Boolean, server_default="false")
    accessible: Mapped[bool] = mapped_column(Boolean, server_default="false")
    opening_hours: Mapped[str | None] = mapped_column(String(200))
    season_months: Mapped[list[int]] = mapped_column(ARRAY(SmallInteger), server_default="{}")
    ocop_product_ids: Mapped[list[int]] = mapped_column(ARRAY(Integer), server_default="{}")
    cooperative_ids: Mapped[list[int]] = mapped_column(ARRAY(Integer), server_default="{}")
    photos: Mapped[list] = mapped_column(JSONB, server_default="[]")
    geom = mapped_column(geometry("POINT"), nullable=False)


class TourismRoute(Listing, Timestamps, Base):
    __tablename__ = "tourism_routes"
    __table_args__ = _checks()

    id: Mapped[int] = mapped_column(primary_key=True)
    name_vi: Mapped[str | None] = mapped_column(String(250))
    name_en: Mapped[str | None] = mapped_column(String(250))
    description_vi: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    # The commune of the route's start (filled by a trigger when not given): its area scope.
    commune_code: Mapped[str | None] = mapped_column(String(10), index=True)
    place_ids: Mapped[list[int]] = mapped_column(ARRAY(Integer), server_default="{}")
    duration_days: Mapped[float | None] = mapped_column(Float)
    length_km: Mapped[float] = mapped_column(Float, Computed("ST_Length(geom::geography) / 1e3", persisted=True))
    geom = mapped_column(geometry("MULTILINESTRING"), nullable=False)


class TourismEvent(Listing, Timestamps, Base):
    """A festival, harvest season or market with its dates, shown on the map and by month."""
    __tablename__ = "tourism_events"
    __table_args__ = (
        CheckConstraint(one_of("kind", vocabulary.EVENT_KINDS), name="kind"), *_checks(),
        CheckConstraint("starts_on >= DATE '2000-01-01' AND ends_on <= DATE '2200-12-31' "
                        "AND ends_on >= starts_on AND ends_on - starts_on <= 366", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    name_vi: Mapped[str | None] = mapped_column(String(250))
    name_en: Mapped[str | None] = mapped_column(String(250))
    description_vi: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("tourism_places.id", ondelete="SET NULL"), index=True)
    commune_code: Mapped[str] = mapped_column(String(10), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    website: Mapped[str | None] = mapped_column(String(300))
    geom = mapped_column(geometry("POINT"), nullable=False)
