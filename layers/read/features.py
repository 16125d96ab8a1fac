"""The SELECTs behind OGC API - Features items: GeoJSON, CSV rows and single features.

Each feature is written as GeoJSON text by PostGIS (`json_build_object` + `ST_AsGeoJSON`) and
handed to the client as is: no geometry crosses into Python objects and no JSON is decoded and
encoded again. Paging is keyset (`layers.read.paging`), so the service never counts or skips rows.

An `ItemsQuery` holds plain values only; each statement below makes one `relation()` and builds
every term on it, so a statement has one FROM whoever made the query.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from geo.ogc_crs import OgcCRS, parse as parse_crs
from layers.read import cql, paging
from layers.read.registry import Layer
from layers.read.relations import public_where, relation

CRS84 = parse_crs(None)


@dataclass(frozen=True)
class ItemsQuery:
    """What a client asked for, checked (api.query.params) and not yet SQL."""
    layer: Layer
    limit: int
    out: OgcCRS = CRS84
    bbox: tuple[float, float, float, float] | None = None  # x-first, in bbox_srid
    bbox_srid: int = 4326
    equals: tuple[tuple[str, Any], ...] = ()  # queryable parameters: (name, CQL2 JSON literal)
    datetime: tuple[date | None, date | None] | None = None  # (start, end), None: open
    filter: dict | None = None  # CQL2 JSON, x-first
    filter_srid: int = 4326
    sortby: tuple[tuple[str, bool], ...] = ()  # (property, descending)
    properties: tuple[str, ...] | None = None  # None: all public properties
    cursor: str | None = None

    @property
    def whole_layer(self) -> bool:
        """No term narrows the layer's public rows (so its cached count is the match count)."""
        dated = (self.datetime is not None and temporal_properties(self.layer) is not None
                 and self.datetime != (None, None))
        return self.bbox is None and not self.equals and self.filter is None and not dated


def _equality(equals: tuple[tuple[str, Any], ...]) -> dict:
    terms = [{"op": "=", "args": [{"property": name}, value]} for name, value in equals]
    return terms[0] if len(terms) == 1 else {"op": "and", "args": terms}


def check_equals(layer: Layer, equals: tuple[tuple[str, Any], ...]) -> None:
    """Raises cql.FilterError while the API can still answer 400 (the page builds it again)."""
    if equals:
        cql.to_sql(_equality(equals), layer, relation(layer))


def check_filter(layer: Layer, expr: dict, filter_srid: int = 4326) -> None:
    """Raises cql.FilterError while the API can still answer 400 (the page builds it again)."""
    cql.to_sql(expr, layer, relation(layer), filter_srid=filter_srid)


def sort_keys(q: ItemsQuery, rel: sa.TableClause) -> list[paging.SortKey]:
    types = {p.name: p.type for p in q.layer.properties}
    keys = [paging.SortKey(rel.c[name], types[name], desc) for name, desc in q.sortby]
    return keys + [paging.SortKey(rel.c[q.layer.id_column], "integer")]


def cursor_of(q: ItemsQuery) -> paging.Cursor | None:
    """The decoded cursor (paging.BadCursor when it does not fit the sort keys)."""
    return paging.decode(q.cursor, sort_keys(q, relation(q.layer))) if q.cursor else None


def output_geometry(rel: sa.TableClause, out: OgcCRS, layer: Layer | None = None):
    """The geometry as sent: in `out`'s CRS and axis order; polygons of `layer` wound as RFC 7946
    asks (exterior rings counter-clockwise, holes clockwise; stored rings follow whatever the
    source file did). Wound before the axes are flipped, so the rings turn that way on the map."""
    geom = rel.c.geom
    if out.srid != 4326:
        geom = sa.func.ST_Transform(geom, out.srid)
    if layer is not None and layer.geometry_type.removeprefix("Multi") == "Polygon":
        geom = sa.func.ST_ForcePolygonCCW(geom)
    if out.lat_first:
        geom = sa.func.ST_FlipCoordinates(geom)
    return geom


def bbox_condition(rel: sa.TableClause, bbox, srid: int):
    env = sa.func.ST_MakeEnvelope(*(sa.bindparam(None, float(v), type_=sa.Float) for v in bbox), srid)
    if srid != 4326:  # densify first, so the reprojected edges still follow the box
        env = sa.func.ST_Transform(sa.func.ST_Segmentize(env, (bbox[2] - bbox[0]) / 16 or 1.0), 4326)
    return sa.func.ST_Intersects(rel.c.geom, env)


def _selected(q: ItemsQuery):
    names = q.properties if q.properties is not None else q.layer.property_names
    return [p for p in q.layer.properties if p.name in names]


def _text(value: str):
    return sa.literal(value, sa.Text)  # a typed parameter: json_build_object takes "any"


def feature_json(q: ItemsQuery, rel: sa.TableClause):
    """One GeoJSON Feature as text, built by PostgreSQL."""
    pairs = []
    for prop in _selected(q):
        pairs += [_text(prop.name), rel.c[prop.name]]
    geometry = sa.cast(sa.func.ST_AsGeoJSON(output_geometry(rel, q.out, q.layer), q.out.decimals), sa.JSON)
    feature = sa.func.json_build_object(
        _text("type"), _text("Feature"), _text("id"), rel.c[q.layer.id_column],
        _text("geometry"), geometry,
        _text("properties"), sa.func.json_build_object(*pairs, type_=sa.JSON),
    )
    return sa.cast(feature, sa.Text).label("feature")  # text, so no driver decodes it on the way


def _where(q: ItemsQuery, rel: sa.TableClause) -> list:
    where = public_where(q.layer, rel)
    if q.equals:
        where.append(cql.to_sql(_equality(q.equals), q.layer, rel))
    if q.datetime is not None:
        cond = datetime_condition(q.layer, rel, *q.datetime)
        if cond is not None:
            where.append(cond)
    if q.filter is not None:
        where.append(cql.to_sql(q.filter, q.layer, rel, filter_srid=q.filter_srid))
    if q.bbox is not None:
        where.append(bbox_condition(rel, q.bbox, q.bbox_srid))
    return where


def count_statement(q: ItemsQuery) -> sa.Select:
    """Only when a client asks (numberMatched=true): counting is what paging avoids."""
    rel = relation(q.layer)
    return sa.select(sa.func.count()).select_from(rel).where(*_where(q, rel))


def _page(q: ItemsQuery, columns) -> tuple[sa.Select, list[paging.SortKey], paging.Cursor | None]:
    rel = relation(q.layer)
    keys = sort_keys(q, rel)
    cursor = paging.decode(q.cursor, keys) if q.cursor else None
    where = _where(q, rel)
    if cursor is not None:
        where.append(paging.after(keys, cursor))
    key_cols = [k.column.label(f"_k{i}") for i, k in enumerate(keys)]
    stmt = (sa.select(*key_cols, *columns(rel)).select_from(rel).where(*where)
            .order_by(*paging.order_by(keys, cursor is not None and cursor.backwards)).limit(q.limit + 1))
    return stmt, keys, cursor


def keys_statement(q: ItemsQuery):
    """Only the sort keys of the page: how a backwards (prev) page finds where it starts."""
    return _page(q, lambda rel: ())


def items_statement(q: ItemsQuery):
    """Rows of (_k0…_kn, feature): key values for the next cursor, then the feature text."""
    return _page(q, lambda rel: (feature_json(q, rel),))


def csv_statement(q: ItemsQuery):
    def columns(rel):
        wkt = sa.func.ST_AsText(output_geometry(rel, q.out, q.layer), q.out.decimals).label("wkt")
        return [rel.c[q.layer.id_column].label("id"), *(rel.c[p.name] for p in _selected(q)), wkt]

    return _page(q, columns)


def item_statement(layer: Layer, feature_id: int, out: OgcCRS = CRS84) -> sa.Select:
    rel = relation(layer)
    return (sa.select(feature_json(ItemsQuery(layer, 1, out), rel)).select_from(rel)
            .where(*public_where(layer, rel), rel.c[layer.id_column] == feature_id))


def properties_statement(layer: Layer, key: str, values: list, columns: tuple[str, ...]) -> sa.Select:
    """Some public properties of the public features whose `key` (the id, or a code) is among
    `values`, without their geometry: the names an HTML page shows for the ids or codes it cites."""
    rel = relation(layer)
    return (sa.select(rel.c[layer.id_column], rel.c[key], *(rel.c[c] for c in columns)).select_from(rel)
            .where(*public_where(layer, rel), rel.c[key].in_(values)))


def temporal_properties(layer: Layer) -> tuple[str, str] | None:
    """(start, end) date properties a `datetime` query applies to, or None for undated layers."""
    dates = [p.name for p in layer.properties if p.type == "date"]
    if not dates:
        return None
    if "valid_from" in dates and "valid_to" in dates:
        return "valid_from", "valid_to"
    return dates[0], dates[0]


def datetime_condition(layer: Layer, rel: sa.TableClause, start: date | None, end: date | None):
    """Features whose [start, end] (open where NULL) meets the requested instant or interval."""
    props = temporal_properties(layer)
    if props is None:
        return None
    lo, hi = rel.c[props[0]], rel.c[props[1]]
    terms = []
    if end is not None:
        terms.append(sa.or_(lo.is_(None), lo <= sa.bindparam(None, end, type_=sa.Date)))
    if start is not None:
        terms.append(sa.or_(hi.is_(None), hi >= sa.bindparam(None, start, type_=sa.Date)))
    return sa.and_(*terms) if terms else None
