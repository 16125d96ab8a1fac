"""One label point per commune or village, for map labels drawn once per place.

Labels taken from polygon tiles repeat in every tile a polygon crosses; a point inside each
polygon (ST_PointOnSurface, always inside, unlike a centroid) gives one label per place.
"""
from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from layers.read.registry import get
from layers.read.relations import public_select

# layer → the name properties its labels show (villages have one name).
LABELLED = {"communes": ("code", "name_vi", "name_en"), "villages": ("code", "name")}


def label_points_statement(layer_id: str) -> sa.Select:
    layer = get(layer_id)
    base = public_select(layer)
    c = base.selected_columns
    point = sa.func.ST_AsGeoJSON(sa.func.ST_PointOnSurface(c.geom), 6)
    return base.with_only_columns(c[layer.id_column].label("id"), point.label("geometry"),
                                  *(c[name] for name in LABELLED[layer_id])).order_by(c[layer.id_column])


async def label_points(conn: AsyncConnection, layer_id: str) -> dict:
    """A GeoJSON FeatureCollection of label points; KeyError for a layer without labels."""
    names = LABELLED[layer_id]
    rows = (await conn.execute(label_points_statement(layer_id))).all()
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": r.id, "geometry": json.loads(r.geometry),
         "properties": {n: getattr(r, n) for n in names}} for r in rows if r.geometry]}
