"""SQLAlchemy Core handles on the registry's relations, limited to their public columns.

Every public query starts from `public_select`, so the registry's property list and public
filter are applied in one place.
"""
from __future__ import annotations

import sqlalchemy as sa

from layers.read.registry import Layer


def relation(layer: Layer) -> sa.TableClause:
    cols = {layer.id_column, *layer.property_names, *layer.public_filter, "geom"}
    return sa.table(layer.table, *(sa.column(c) for c in sorted(cols)))


def public_where(layer: Layer, rel: sa.TableClause) -> list:
    return [rel.c[col].in_(values) for col, values in layer.public_filter.items()]


def public_select(layer: Layer, *columns) -> sa.Select:
    rel = relation(layer)
    return sa.select(*(columns or (rel,))).select_from(rel).where(*public_where(layer, rel))


def count_statement(layer: Layer) -> sa.Select:
    return public_select(layer, sa.func.count())


VERSIONS = sa.select(sa.column("table_name"), sa.column("version")).select_from(sa.table("layer_versions"))
