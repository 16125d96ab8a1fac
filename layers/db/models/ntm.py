"""NTM criteria sets and assessments.

Criteria change by period (19 criteria for 2021–2025, 10 criteria / 47 indicators from 2026), so
criteria are rows of a versioned set, never columns.
"""
from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from geo import vocabulary
from layers.db.models.base import Base, Timestamps, one_of

NTM_LEVELS = tuple(vocabulary.NTM_LEVELS)


class NtmCriteriaSet(Timestamps, Base):
    __tablename__ = "ntm_criteria_sets"
    __table_args__ = (CheckConstraint("period_end >= period_start", name="period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # e.g. "2021-2025"
    name_vi: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str | None] = mapped_column(String(300))
    period_start: Mapped[int] = mapped_column(SmallInteger)
    period_end: Mapped[int] = mapped_column(SmallInteger)
    legal_basis: Mapped[str | None] = mapped_column(String(300))


class NtmCriterion(Timestamps, Base):
    __tablename__ = "ntm_criteria"
    __table_args__ = (UniqueConstraint("set_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("ntm_criteria_sets.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(SmallInteger)
    name_vi: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)


class NtmAssessment(Timestamps, Base):
    """One commune's NTM result for one year, under the criteria set of that period."""

    __tablename__ = "ntm_assessments"
    __table_args__ = (
        UniqueConstraint("commune_code", "year"),
        CheckConstraint(one_of("level", NTM_LEVELS), name="level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_code: Mapped[str] = mapped_column(String(10), index=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    set_id: Mapped[int] = mapped_column(ForeignKey("ntm_criteria_sets.id"))
    level: Mapped[str] = mapped_column(String(10), server_default="not_met")
    decision_ref: Mapped[str | None] = mapped_column(String(120))


class NtmAssessmentCriterion(Base):
    __tablename__ = "ntm_assessment_criteria"

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("ntm_assessments.id", ondelete="CASCADE"), primary_key=True
    )
    criterion_id: Mapped[int] = mapped_column(ForeignKey("ntm_criteria.id"), primary_key=True)
    met: Mapped[bool] = mapped_column(Boolean)
