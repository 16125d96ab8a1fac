"""Public features of a layer as a GeoJSON FeatureCollection, optionally limited to one commune.

For maps drawn outside the web server (folium reports and notebooks). Starts from
`public_select`, so only the registry's public properties and public rows are read.
"""
from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from layers.read.registry import Layer, get
from layers.read.relations import public_select


class UnknownCommune(ValueError):
    pass


def commune_geometry(code: str) -> sa.ScalarSelect:
    base = public_select(get("communes"))
    c = base.selected_columns
    return base.with_only_columns(c.geom).where(c.code == code).scalar_subquery()


def features_statement(layer: Layer, commune: str | None = None, limit: int | None = None,
                       simplify: float = 0.0) -> sa.Select:
    """`simplify` (degrees) keeps polygon maps small; 0 leaves geometries as they are."""
    base = public_select(layer)
    c = base.selected_columns
    geom = sa.func.ST_SimplifyPreserveTopology(c.geom, simplify) if simplify else c.geom
    props = sa.func.json_build_object(*[arg for name in layer.property_names for arg in (sa.literal(name), c[name])])
    stmt = base.with_only_columns(c[layer.id_column].label("id"), sa.func.ST_AsGeoJSON(geom, 6).label("geometry"),
                                  props.label("properties"))
    if commune:
        if layer.id == "communes":
            stmt = stmt.where(c.code == commune)
        elif "commune_code" in layer.property_names:
            stmt = stmt.where(c.commune_code == commune)
        else:
            stmt = stmt.where(sa.func.ST_Intersects(c.geom, commune_geometry(commune)))
    stmt = stmt.order_by(c[layer.id_column])
    return stmt.limit(limit) if limit else stmt


def commune_exists(conn: Connection, code: str) -> bool:
    base = public_select(get("communes"))
    c = base.selected_columns
    return conn.execute(base.with_only_columns(sa.func.count()).where(c.code == code)).scalar_one() > 0


def feature_collection(conn: Connection, layer_id: str, commune: str | None = None, limit: int | None = None,
                       simplify: float = 0.0) -> dict:
    """Raises KeyError for an unknown layer, UnknownCommune for a code no current commune has."""
    layer = get(layer_id)
    if commune and not commune_exists(conn, commune):
        raise UnknownCommune(f"no current commune has the code {commune}")
    rows = conn.execute(features_statement(layer, commune, limit, simplify)).all()
    features = [{"type": "Feature", "id": r.id, "geometry": json.loads(r.geometry),
                 "properties": r.properties if isinstance(r.properties, dict) else json.loads(r.properties)}
                for r in rows]
    return {"type": "FeatureCollection", "features": features}
