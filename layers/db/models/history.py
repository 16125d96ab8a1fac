"""Bookkeeping tables: change history, per-table versions, import runs, code counters.

History is written by a database trigger, not by Python, so no code path (API, CLI, psql) can
change an editable table without leaving a record.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from layers.db.models.base import Base


class ChangeHistory(Base):
    __tablename__ = "change_history"
    # "What did this row look like on date D" walks one row's history in time order.
    __table_args__ = (Index("ix_change_history_row", "table_name", "row_id", "changed_at"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    table_name: Mapped[str] = mapped_column(String(63))
    row_id: Mapped[str] = mapped_column(String(64))
    operation: Mapped[str] = mapped_column(String(6))  # INSERT / UPDATE / DELETE
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    changed_by: Mapped[str | None] = mapped_column(String(120))
    before: Mapped[dict | None] = mapped_column(JSONB)
    after: Mapped[dict | None] = mapped_column(JSONB)


class LayerVersion(Base):
    """Bumped once per writing statement: caches key on it to see every change at once."""

    __tablename__ = "layer_versions"

    table_name: Mapped[str] = mapped_column(String(63), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, server_default="0")
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ImportRun(Base):
    """One row per bulk load; bulk loads skip row-level history and are recorded here instead."""

    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    table_name: Mapped[str] = mapped_column(String(63))
    source: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    run_by: Mapped[str | None] = mapped_column(String(120))
    rows_read: Mapped[int] = mapped_column(Integer, server_default="0")
    rows_loaded: Mapped[int] = mapped_column(Integer, server_default="0")
    rows_repaired: Mapped[int] = mapped_column(Integer, server_default="0")
    rows_rejected: Mapped[int] = mapped_column(Integer, server_default="0")
    report: Mapped[dict | None] = mapped_column(JSONB)


class CodeCounter(Base):
    """Never-decreasing serial per code scope, so a code is never handed out twice."""

    __tablename__ = "code_counters"

    scope: Mapped[str] = mapped_column(String(80), primary_key=True)
    last_serial: Mapped[int] = mapped_column(Integer, server_default="0")
