"""Which datasets are published and with which fields: every registry layer plus derived tables.

A layer's dataset is exactly its public API collection (same rows, same properties, from
`public_select`), so a file and `/collections/{id}/items` always agree. The households layer is
a dataset too: an address code and its point are public like a house number (DOMAIN.md) and are
already served by the API and tiles; it carries nothing about who lives there. Derived datasets
(indicators, NTM criteria detail) are built in `layers.jobs.opendata.indicators` from public selects;
harvest lots, their areas and label scans per commune in `layers.jobs.opendata.lots`.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

import sqlalchemy as sa
from sqlalchemy import func

from geo.vocabulary import THEMES
from layers.db.settings import Settings
from layers.jobs.opendata.dataset import ID, Dataset
from layers.jobs.opendata.indicators import DERIVED
from layers.jobs.opendata.lots import LOT_DATASETS
from layers.read.registry import LAYERS, Layer, Property
from layers.read.relations import public_select

TEMPORAL = {"ntm_results": "year", "growing_areas": "valid_from", "ocop_products": "certified_year",
            "cooperatives": "founded_year"}


# What Python (psycopg, Arrow's date conversion) can hold; PostgreSQL dates reach 5874897 AD.
FILE_DATE_MIN, FILE_DATE_MAX = date.min, date.max


def file_date(col):
    """Any date the database can hold, as one a file can: `±infinity` (an open end) is NULL,
    as NULL already means an open end; a finite date beyond year 1–9999 is moved to that bound.
    The API refuses such dates and the database CHECKs growing areas (migration 0006), but a
    publish must never fail on a row someone wrote with psql."""
    lo, hi = sa.literal(FILE_DATE_MIN, sa.Date), sa.literal(FILE_DATE_MAX, sa.Date)
    return sa.case((func.isfinite(col), func.least(func.greatest(col, lo), hi)), else_=sa.null())


def file_column(col, prop: Property):
    """Files hold scalars: arrays become JSON text (every format can carry that)."""
    if prop.type == "array":
        return func.to_json(col).cast(sa.Text).label(prop.name)
    if prop.type == "date":
        return file_date(col).label(prop.name)
    return col.label(prop.name)


def layer_statement(layer: Layer) -> Callable[[Settings], sa.Select]:
    def build(settings: Settings) -> sa.Select:
        base = public_select(layer)
        c = base.selected_columns
        ident = c[layer.id_column]
        return base.with_only_columns(
            ident.label("id"), *(file_column(c[p.name], p) for p in layer.properties),
            func.ST_AsBinary(c.geom).label("geometry"),
        ).order_by(ident)
    return build


def layer_dataset(layer: Layer) -> Dataset:
    fields = (ID, *(Property(p.name, "string" if p.type == "array" else p.type, p.title_vi, p.title_en)
                    for p in layer.properties))
    return Dataset(
        layer.id, layer.title_vi, layer.title_en, layer.description_vi, layer.description_en,
        layer.theme, ("NTM", "Nghệ An", *THEMES.get(layer.theme, ())), fields,
        layer.geometry_type, layer.sources, layer_statement(layer), layer_id=layer.id,
        temporal_field=TEMPORAL.get(layer.id),
    )


def all_datasets() -> tuple[Dataset, ...]:
    return (*(layer_dataset(layer) for layer in LAYERS), *DERIVED, *LOT_DATASETS)


def by_id() -> dict[str, Dataset]:
    return {d.id: d for d in all_datasets()}
