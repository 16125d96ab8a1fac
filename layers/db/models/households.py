"""Households: the public address (code and point) and, apart, the personal data.

An address code and its point are public like a house number; who lives there is not. Personal
fields sit in the `private` schema so that a public query cannot reach them by accident.
"""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger, CheckConstraint, DateTime, ForeignKey, Identity, Index, Integer, SmallInteger, String, Text, Uuid,
    func, text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from geo.vocabulary import HOUSEHOLD_STATUSES, POVERTY_STATUSES, PRIVATE_ACCESS_ACTIONS
from layers.db.models.base import Base, Timestamps, geometry, one_of


class Household(Timestamps, Base):
    """A household's public address. Field campaigns (issue 16, migration 0014) add its status: a
    retired code keeps its row for ever (never reused), pointing to its successor when it has one."""
    __tablename__ = "households"
    __table_args__ = (
        CheckConstraint(one_of("status", HOUSEHOLD_STATUSES), name="status"),
        CheckConstraint("(status = 'retired') = (retired_at IS NOT NULL) "
                        "AND (successor_code IS NULL OR status = 'retired')", name="retired"),
        CheckConstraint("successor_code IS DISTINCT FROM address_code", name="successor_not_self"),
        Index("ix_households_successor_code", "successor_code", postgresql_where=text("successor_code IS NOT NULL")),
    )

    # Stable id: never reused, independent of boundaries and of the address code's format.
    id: Mapped[int] = mapped_column(BigInteger, Identity(always=False), primary_key=True)
    address_code: Mapped[str] = mapped_column(String(16), unique=True)
    plus_code: Mapped[str | None] = mapped_column(String(16))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"), index=True)
    commune_code: Mapped[str] = mapped_column(String(10), index=True)
    geom = mapped_column(geometry("POINT"), nullable=False)
    status: Mapped[str] = mapped_column(Text, server_default="active")
    # When a staff member last checked the point and the code on the ground (NULL: not yet).
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when retired by a merge or a replacement: the code that replaces this one.
    successor_code: Mapped[str | None] = mapped_column(String(16), ForeignKey("households.address_code"))
    row_version: Mapped[int] = mapped_column(Integer, server_default="1")  # If-Match


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


class HouseholdAccess(Base):
    """One read, edit or export of households' personal fields: who, when, which households.
    A record (Decree 13/2023/NĐ-CP): a trigger refuses to change or delete its rows."""
    __tablename__ = "household_access"
    __table_args__ = (
        CheckConstraint(one_of("action", PRIVATE_ACCESS_ACTIONS), name="action"),
        Index("ix_household_access_at", "at"),
        Index("ix_household_access_household_ids", "household_ids", postgresql_using="gin"),
        {"schema": "private"},
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=False), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor: Mapped[str] = mapped_column(Text)  # the account's name (kept when the account goes)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("private.users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(Text)
    household_ids: Mapped[list[int]] = mapped_column(ARRAY(BigInteger))
    what: Mapped[str | None] = mapped_column(Text)  # which fields or which file, for the record


class HouseholdRequest(Base):
    """A field edit already applied, by the id its client gave it: a replay (an offline edit sent
    twice) gets the stored answer instead of applying it again."""
    __tablename__ = "household_requests"
    __table_args__ = {"schema": "private"}

    request_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("private.users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(Text)
    household_id: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[int] = mapped_column(SmallInteger)
    result: Mapped[dict] = mapped_column(JSONB)
    done_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
