"""Scans of lot labels (issue 15, migration 0012): counts per lot and day, and what deduplicates them.

`LotScan` is public (a count, nobody in it). `ScanSalt` and `ScanSeen` are private and short-lived:
a client is recorded only as sha256(today's salt, client, lot), and yesterday's salt and digests
are deleted when today's salt is made, so nobody can be linked to a scan after the day ends.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column

from layers.db.models.base import Base


class LotScan(Base):
    __tablename__ = "lot_scans"
    __table_args__ = (CheckConstraint("scans >= 0", name="scans"),)

    lot_id: Mapped[int] = mapped_column(ForeignKey("harvest_lots.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
    scans: Mapped[int] = mapped_column(Integer, server_default="0")


class ScanSalt(Base):
    __tablename__ = "scan_salts"
    __table_args__ = (CheckConstraint("octet_length(salt) = 32", name="salt"), {"schema": "private"})

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    salt: Mapped[bytes] = mapped_column(LargeBinary)


class ScanSeen(Base):
    __tablename__ = "scan_seen"
    __table_args__ = (CheckConstraint("octet_length(digest) = 32", name="digest"), {"schema": "private"})

    digest: Mapped[bytes] = mapped_column(LargeBinary, primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
