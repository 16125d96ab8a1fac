"""The rows every search branch yields, in one order, and the joins that place a hit.

Each branch (a name column of one kind, a code lookup, a village in its commune, a Plus Code)
is a SELECT of these columns, so `search.statement` can rank their union in one query.
"""
from __future__ import annotations

import sqlalchemy as sa

from layers.read.registry import BY_ID
from layers.read.relations import relation

# Search kind -> registry layer; the order is the tie-break order of the ranking.
KINDS = {"commune": "communes", "village": "villages", "tourism_place": "tourism_places",
         "ocop_product": "ocop_products", "cooperative": "cooperatives",
         "growing_area": "growing_areas", "address": "households"}

COLUMNS = ("kind", "feature_id", "name", "name_en", "code", "village", "commune_vi", "commune_en",
           "commune_kind", "province_vi", "province_en", "match", "tier", "ws", "sim", "geom")


def row(kind: str, **cols) -> list:
    """The columns every branch yields, in one order, NULL where a kind has no such value."""
    cols["kind"] = sa.literal(kind)
    cols.setdefault("ws", sa.literal(1.0))
    cols.setdefault("sim", sa.literal(1.0))
    return [cols[c].label(c) if c in cols else sa.null().label(c) for c in COLUMNS]


def commune_cols(c, p) -> dict:
    return {"commune_vi": c.c.full_name_vi, "commune_en": c.c.name_en, "commune_kind": c.c.kind,
            "province_vi": p.c.name_vi, "province_en": p.c.name_en}


def provinces():
    return sa.table("provinces", sa.column("code"), sa.column("name_vi"), sa.column("name_en"))


def in_commune(source, rel, *, commune=None):
    """`source` joined to its commune and the commune's province: (joined source, their columns).
    Pass `commune` when `rel` is the communes relation itself."""
    p = provinces()
    if commune is None:
        commune = relation(BY_ID["communes"])
        source = source.outerjoin(commune, commune.c.code == rel.c.commune_code)
    return source.outerjoin(p, p.c.code == commune.c.province_code), commune_cols(commune, p)


def ranked(select: sa.Select, cols: list, limit: int) -> sa.Select:
    by = {c.name: c for c in cols}
    # The order of `statement` within one kind, so the per-branch cut keeps the right rows.
    return select.order_by(by["tier"], by["ws"].desc(), by["sim"].desc(), by["match"], by["name"],
                           by["feature_id"]).limit(limit)
