"""Households: the public address (code and point) and, apart, the personal data.

An address code and its point are public like a house number; who lives there is not. Personal
fields sit in the `private` schema so that a public query cannot reach them by accident.
"""
from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Identity, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from geo.vocabulary import POVERTY_STATUSES
from layers.db.models.base import Base, Timestamps, geometry, one_of


class Household(Timestamps, Base):
    __tablename__ = "households"

    # Stable id: never reused, independent of boundaries and of the address code's format.
    id: Mapped[int] = mapped_column(BigInteger, Identity(always=False), primary_key=True)
    address_code: Mapped[str] = mapped_column(String(16), unique=True)
    plus_code: Mapped[str | None] = mapped_column(String(16))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"), index=True)
    commune_code: Mapped[str] = mapped_column(String(10), index=True)
    geom = mapped_column(geometry("POINT"), nullable=False)


class HouseholdPrivate(Timestamps, Base):
    __tablename__ = "household_private"
    __table_args__ = (
        CheckConstraint(one_of("poverty_status", POVERTY_STATUSES), name="poverty_status"),
        {"schema": "private"},
    )

    household_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("households.id", ondelete="CASCADE"), primary_key=True
    )
    head_name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    national_id: Mapped[str | None] = mapped_column(String(12))
    members: Mapped[int | None] = mapped_column(SmallInteger)
    poverty_status: Mapped[str | None] = mapped_column(String(10))
    monthly_income_vnd: Mapped[int | None] = mapped_column(Integer)
