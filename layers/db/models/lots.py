"""Harvest lots (issue 15): a cooperative's product harvested from its granted growing areas.

Lots are public data (the trace page, open data) except what `HarvestLotPrivate` holds: who
registered and changed a lot, and the quantity of a lot marked confidential. The rules are the
database's (migration 0011): triggers check the areas, record each area's status at harvest,
keep a recalled lot unchanged, and at commit that every lot has an area and its quantity on the
right side.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean, CheckConstraint, Date, DateTime, ForeignKey, ForeignKeyConstraint, Integer, Numeric, String, Text,
    UniqueConstraint, func,
)
from sqlalchemy.orm import Mapped, mapped_column

from geo import vocabulary
from layers.db.models.base import Base, Timestamps, one_of

LOT_STATUSES = tuple(vocabulary.LOT_STATUSES)
LOT_UNITS = tuple(vocabulary.LOT_UNITS)
CERTIFICATIONS = tuple(vocabulary.CERTIFICATIONS)
# What a link can record: the statuses of an area that holds a code.
AREA_STATUSES_AT_HARVEST = ("granted", "suspended", "revoked", "expired")
# GS1 AI 10: 1-20 characters of set 82 (geo.gs1.CSET82).
LOT_CODE_CHECK = "lot_code ~ '^[A-Za-z0-9!\"%&''()*+,./:;<=>?_-]{1,20}$'"


class HarvestLot(Timestamps, Base):
    __tablename__ = "harvest_lots"
    __table_args__ = (
        CheckConstraint(LOT_CODE_CHECK, name="lot_code"),
        CheckConstraint("quantity IS NULL OR quantity > 0", name="quantity_positive"),
        CheckConstraint("confidential_quantity = (quantity IS NULL)", name="quantity_public"),
        CheckConstraint(one_of("unit", LOT_UNITS), name="unit"),
        CheckConstraint("harvest_date >= DATE '2000-01-01' AND "
                        "harvest_date <= (created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date", name="harvest_date"),
        CheckConstraint(one_of("certification", CERTIFICATIONS), name="certification"),
        CheckConstraint(
            "(certification = 'none' AND certification_valid_from IS NULL AND certification_valid_to IS NULL) OR "
            "(certification <> 'none' AND certification_valid_from IS NOT NULL AND certification_valid_to IS NOT NULL "
            "AND certification_valid_from >= DATE '1900-01-01' "
            "AND certification_valid_to <= DATE '2200-12-31' AND certification_valid_to > certification_valid_from)",
            name="certification_validity"),
        # A certificate that did not hold on the harvest date is refused, not warned about.
        CheckConstraint("certification = 'none' OR harvest_date BETWEEN certification_valid_from "
                        "AND certification_valid_to", name="certified_harvest"),
        CheckConstraint(one_of("status", LOT_STATUSES), name="status"),
        CheckConstraint(
            "(status = 'active' AND recall_reason IS NULL AND recalled_at IS NULL) OR "
            "(status = 'recalled' AND recall_reason IS NOT NULL AND char_length(btrim(recall_reason)) BETWEEN 1 AND 1000 AND recalled_at IS NOT NULL)",
            name="recall"),
        # The product belongs to the lot's cooperative.
        ForeignKeyConstraint(["product_id", "cooperative_id"], ["ocop_products.id", "ocop_products.cooperative_id"],
                             name="fk_harvest_lots_product_id_ocop_products"),
        UniqueConstraint("product_id", "lot_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperatives.id"), index=True)
    product_id: Mapped[int] = mapped_column(Integer)
    lot_code: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(14, 3))  # NULL when confidential
    unit: Mapped[str] = mapped_column(String(10))
    harvest_date: Mapped[date] = mapped_column(Date)
    certification: Mapped[str] = mapped_column(String(20), server_default="none")
    certification_valid_from: Mapped[date | None] = mapped_column(Date)
    certification_valid_to: Mapped[date | None] = mapped_column(Date)
    confidential_quantity: Mapped[bool] = mapped_column(Boolean, server_default="false")
    status: Mapped[str] = mapped_column(String(20), server_default="active")
    recall_reason: Mapped[str | None] = mapped_column(Text)
    recalled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    row_version: Mapped[int] = mapped_column(Integer, server_default="1")  # If-Match


class HarvestLotArea(Base):
    """A growing area a lot came from, with the area's status on the harvest date."""

    __tablename__ = "harvest_lot_areas"
    __table_args__ = (CheckConstraint(one_of("status_at_harvest", AREA_STATUSES_AT_HARVEST), name="status_at_harvest"),)

    lot_id: Mapped[int] = mapped_column(ForeignKey("harvest_lots.id"), primary_key=True)
    growing_area_id: Mapped[int] = mapped_column(ForeignKey("growing_areas.id"), primary_key=True, index=True)
    status_at_harvest: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class HarvestLotPrivate(Timestamps, Base):
    """Who registered and last changed a lot (from `ntm.actor`), and a confidential quantity."""

    __tablename__ = "harvest_lot_private"
    __table_args__ = (CheckConstraint("quantity IS NULL OR quantity > 0", name="quantity_positive"),
                      {"schema": "private"})

    lot_id: Mapped[int] = mapped_column(ForeignKey("harvest_lots.id"), primary_key=True)
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(14, 3))
    created_by: Mapped[str] = mapped_column(String(120))
    updated_by: Mapped[str] = mapped_column(String(120))
