"""Declarative base and the column helpers every table shares."""
from __future__ import annotations

from datetime import datetime

from geoalchemy2 import Geometry
from sqlalchemy import DateTime, MetaData, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)


class Base(DeclarativeBase):
    metadata = metadata


def one_of(column: str, codes) -> str:
    """The CHECK text that keeps `column` to a vocabulary's codes (geo.vocabulary), in its order.
    A code added there needs a migration too: this only describes the schema."""
    if any("'" in code for code in codes):
        raise ValueError("a code with a quote cannot go into a CHECK")
    quoted = ", ".join(f"'{code}'" for code in codes)
    return f"{column} IN ({quoted})"


def geometry(kind: str) -> Geometry:
    """Stored in WGS84; GeoAlchemy2 adds the GiST index."""
    return Geometry(kind, srid=4326, spatial_index=True)


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
