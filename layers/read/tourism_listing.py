"""Public tourism places and events (by month) for the visitors' page, and a commune's extent.

Both start from `public_select`, so only the registry's public properties are read.
"""
from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from layers.read.registry import get
from layers.read.relations import public_select

MAX_PLACES = 500


def places_statement(kind: str | None = None, commune: str | None = None) -> sa.Select:
    layer = get("tourism_places")
    base = public_select(layer)
    c = base.selected_columns
    cols = [c[layer.id_column].label("id"), *(c[name] for name in layer.property_names),
            sa.func.ST_X(c.geom).label("lon"), sa.func.ST_Y(c.geom).label("lat")]
    stmt = base.with_only_columns(*cols)
    if kind:
        stmt = stmt.where(c.kind == kind)
    if commune:
        stmt = stmt.where(c.commune_code == commune)
    return stmt.order_by(c.name_vi, c[layer.id_column]).limit(MAX_PLACES)


def _photos(value) -> list[dict]:
    """Photos are JSON: a list of URLs, or of {url, caption}; anything else is left out."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    out = []
    for item in value or []:
        if isinstance(item, str):
            out.append({"url": item, "caption": None})
        elif isinstance(item, dict) and isinstance(item.get("url"), str):
            out.append({"url": item["url"], "caption": item.get("caption")})
    return out


async def tourism_places(conn: AsyncConnection, kind: str | None = None, commune: str | None = None) -> list[dict]:
    rows = (await conn.execute(places_statement(kind, commune))).mappings().all()
    return [{**row, "photos": _photos(row["photos"])} for row in rows]


async def commune_extent(conn: AsyncConnection, code: str) -> tuple[float, float, float, float] | None:
    """The commune's bounding box (lon/lat), or None when no current commune has this code."""
    base = public_select(get("communes"))
    c = base.selected_columns
    ext = sa.func.ST_Extent(c.geom)
    stmt = base.with_only_columns(sa.func.ST_XMin(ext), sa.func.ST_YMin(ext), sa.func.ST_XMax(ext),
                                  sa.func.ST_YMax(ext)).where(c.code == code)
    row = (await conn.execute(stmt)).one()
    return None if row[0] is None else tuple(float(v) for v in row)


async def communes_with_places(conn: AsyncConnection) -> list[dict]:
    """Communes that have public tourism places, with how many, for the page's commune filter."""
    places = public_select(get("tourism_places")).subquery("places")
    base = public_select(get("communes"))
    c = base.selected_columns
    n = sa.func.count(places.c.id)
    stmt = (base.with_only_columns(c.code, c.name_vi, c.name_en, n.label("places"))
            .join(places, places.c.commune_code == c.code)
            .group_by(c.code, c.name_vi, c.name_en).order_by(c.name_vi, c.code))
    return [dict(r) for r in (await conn.execute(stmt)).mappings().all()]


MAX_EVENTS = 200


def events_statement(first: date, last: date) -> sa.Select:
    """Published events that take place on a day between `first` and `last` (a month), by date."""
    layer = get("tourism_events")
    base = public_select(layer)
    c = base.selected_columns
    cols = [c[layer.id_column].label("id"), *(c[name] for name in layer.property_names),
            sa.func.ST_X(c.geom).label("lon"), sa.func.ST_Y(c.geom).label("lat")]
    return (base.with_only_columns(*cols).where(c.starts_on <= last, c.ends_on >= first)
            .order_by(c.starts_on, c.ends_on, c[layer.id_column]).limit(MAX_EVENTS))


async def tourism_events(conn: AsyncConnection, first: date, last: date) -> list[dict]:
    return [dict(r) for r in (await conn.execute(events_statement(first, last))).mappings().all()]
