"""Building blocks of the CQL2 → SQL translation in `layers.read.cql`: typed operands, literals,
geometries, temporal and array predicates, and accent folding.

Every value from a filter becomes a typed bound parameter (typed, so asyncpg's casts work);
only constants of this module (infinity, the accent table) are written into SQL.
"""
from __future__ import annotations

import json
import math
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

import sqlalchemy as sa
from shapely.geometry import shape
from shapely.validation import explain_validity

from geo.said import Said


class FilterError(ValueError):
    """A filter that cannot be run; the message says what was wrong and where. Raised with a
    `Said` (`refuse`), so the API says it in the reader's language (api/i18n/messages/cql.json)."""


def refuse(english: str, name: str, /, **values) -> FilterError:
    """The FilterError whose English is `english` and whose words are the catalogue's `cql.<name>`."""
    return FilterError(Said(english, f"cql.{name}", **values))


DESCRIBE = {kind: Said(text, f"cql.type.{kind}") for kind, text in {
    "string": "text", "number": "a number", "integer": "an integer", "boolean": "a boolean",
    "date": "a date", "timestamp": "a timestamp", "array": "an array", "geometry": "a geometry",
    "interval": "an interval", "null": "NULL",
}.items()}


@dataclass
class Val:
    """An operand: SQL over a column (`sql` set), or a literal not yet bound (`sql` None)."""
    type: str  # string, number, boolean, date, timestamp, array, geometry, interval, null
    label: str  # for messages: "property 'crop'", "'tea'", "3"
    sql: Any = None
    raw: Any = None
    desc: str = ""
    coltype: Any = None  # SQL type of an array property, when the models know it

    def __post_init__(self):
        self.desc = self.desc or DESCRIBE[self.type]


def show(raw: Any) -> str:
    if isinstance(raw, bool) or raw is None:
        return {True: "true", False: "false", None: "NULL"}[raw]
    if isinstance(raw, str):
        return repr(raw if len(raw) <= 60 else raw[:57] + "...")
    text = json.dumps(raw, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def parse_date(s: Any) -> date:
    try:
        return date.fromisoformat(s)
    except (TypeError, ValueError):
        raise refuse(f"invalid date {show(s)}; expected YYYY-MM-DD", "date", text=show(s)) from None


def parse_timestamp(s: Any) -> datetime:
    try:
        ts = datetime.fromisoformat(s)
    except (TypeError, ValueError):
        raise refuse(f"invalid timestamp {show(s)}; expected e.g. 2024-01-31T08:00:00Z", "timestamp",
                     text=show(s)) from None
    return ts if ts.tzinfo else ts.replace(tzinfo=timezone.utc)


def instant(s: Any) -> Val:
    """A bare string used as a date or timestamp ('2024-01-31' or '2024-01-31T08:00:00Z')."""
    if isinstance(s, str) and len(s) == 10:
        return Val("date", f"DATE({show(s)})", raw=parse_date(s))
    return Val("timestamp", f"TIMESTAMP({show(s)})", raw=parse_timestamp(s))


def literal(node: Any) -> Val:
    if node is None or isinstance(node, (bool, str, list)):
        kind = {type(None): "null", bool: "boolean", str: "string", list: "array"}[type(node)]
        return Val(kind, show(node), raw=node)
    if isinstance(node, (int, float)):
        if not math.isfinite(node):
            raise refuse(f"number {node} is out of range", "number_range", number=str(node))
        if float(node).is_integer() and abs(node) < 2**63:
            node = int(node)
        return Val("number", show(node), raw=node)
    if isinstance(node, dict) and "date" in node:
        return Val("date", f"DATE({show(node['date'])})", raw=parse_date(node["date"]))
    if isinstance(node, dict) and "timestamp" in node:
        return Val("timestamp", f"TIMESTAMP({show(node['timestamp'])})", raw=parse_timestamp(node["timestamp"]))
    if isinstance(node, dict) and ("bbox" in node or "type" in node):
        return Val("geometry", show(node), raw=node)
    raise refuse(f"cannot read {show(node)} as a value", "not_value", text=show(node))


SA_TYPES = {"string": sa.String(), "boolean": sa.Boolean(), "date": sa.Date(),
            "timestamp": sa.DateTime(timezone=True)}


def bind(v: Val) -> Any:
    if v.sql is not None:
        return v.sql
    if v.type == "number":
        return sa.literal(v.raw, sa.BigInteger() if isinstance(v.raw, int) else sa.Float())
    return sa.literal(v.raw, SA_TYPES[v.type])


def as_timestamp(v: Val) -> Val:
    """A date as the timestamp of its midnight, UTC (so results do not depend on the session)."""
    if v.type != "date":
        return v
    if v.sql is None:
        raw = datetime(v.raw.year, v.raw.month, v.raw.day, tzinfo=timezone.utc)
        return Val("timestamp", v.label, raw=raw)
    return Val("timestamp", v.label, sql=sa.func.timezone("UTC", sa.cast(v.sql, sa.DateTime())))


# --- geometries ---------------------------------------------------------------------------

# How many list levels lie above the positions, and how many positions a line / ring needs.
DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}
LINES = {"LineString": 0, "MultiLineString": 1, "Polygon": 1, "MultiPolygon": 2}


def _coords(c: Any, depth: int, kind: str, srid: int) -> None:
    if depth == 0:
        if not (isinstance(c, list) and 2 <= len(c) <= 4 and all(
                isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in c)):
            raise refuse(f"invalid {kind}: {show(c)} is not a position [x, y]", "geometry.position",
                         kind=kind, text=show(c))
        if srid == 4326 and not (-180 <= c[0] <= 180 and -90 <= c[1] <= 90):
            raise refuse(f"invalid {kind}: {show(c)} is outside lon -180..180, lat -90..90", "geometry.lonlat",
                         kind=kind, text=show(c))
        return
    if not isinstance(c, list) or not c:
        raise refuse(f"invalid {kind}: coordinates {show(c)} are not nested {depth} deep", "geometry.nesting",
                     kind=kind, text=show(c), depth=depth)
    for x in c:
        _coords(x, depth - 1, kind, srid)


def _lines(c: list, depth: int) -> list:
    return [] if depth < 0 else [c] if depth == 0 else [x for part in c for x in _lines(part, depth - 1)]


def check_geojson(g: dict, srid: int) -> None:
    kind = g.get("type")
    if kind == "GeometryCollection":
        parts = g.get("geometries")
        if not isinstance(parts, list) or not parts:
            raise refuse("invalid GeometryCollection: 'geometries' must be a non-empty list", "geometry.collection")
        for part in parts:
            if not isinstance(part, dict):
                raise refuse(f"invalid GeometryCollection member {show(part)}", "geometry.member", text=show(part))
            check_geojson(part, srid)
        return
    if kind not in DEPTH:
        raise refuse(f"unsupported geometry type {show(kind)}; use one of {', '.join(DEPTH)}, GeometryCollection "
                     "or BBOX", "geometry.type", text=show(kind), types=", ".join(DEPTH))
    _coords(g.get("coordinates"), DEPTH[kind], kind, srid)
    for line in _lines(g["coordinates"], LINES.get(kind, -1)):
        if "Line" in kind and len(line) < 2:
            raise refuse(f"invalid {kind}: a line needs at least 2 positions, got {show(line)}", "geometry.line",
                         kind=kind, text=show(line))
        if "Polygon" in kind and (len(line) < 4 or line[0] != line[-1]):
            raise refuse(f"invalid {kind}: a ring needs 4 or more positions, the last equal to the first; "
                         f"got {show(line)}", "geometry.ring", kind=kind, text=show(line))
    try:
        geom = shape(g)
    except Exception as e:  # shapely's own message says what is wrong
        raise refuse(f"invalid {kind}: {e}", "geometry.unreadable", kind=kind, reason=str(e)) from None
    if not geom.is_valid:
        raise refuse(f"invalid {kind}: {explain_validity(geom)}", "geometry.invalid", kind=kind,
                     reason=validity(explain_validity(geom)))


# GEOS's reasons (shapely.validation.explain_validity: "Self-intersection[105.1 21.2]"), by name.
VALIDITY = {"Self-intersection": "self_intersection", "Ring Self-intersection": "ring_self_intersection",
            "Interior is disconnected": "disconnected", "Hole lies outside shell": "hole_outside",
            "Nested holes": "nested_holes", "Nested shells": "nested_shells", "Duplicate Rings": "duplicate_rings",
            "Too few points": "too_few_points", "Invalid Coordinate": "invalid_coordinate",
            "Ring is not closed": "not_closed"}


def validity(reason: str) -> str:
    """GEOS's reason, said in the reader's words when it is one of VALIDITY, quoted otherwise."""
    name, _, where = reason.partition("[")
    if name in VALIDITY:
        return Said(reason, f"cql.validity.{VALIDITY[name]}", where="[" + where if where else "")
    return Said(reason, "cql.validity.other", reason=reason)


def geometry_sql(v: Val, srid: int) -> Any:
    """A geometry operand as SQL in EPSG:4326; literals arrive in `srid`."""
    if v.sql is not None:
        return v.sql
    srid_p = sa.literal(srid, sa.Integer())
    if "bbox" in v.raw:
        box = v.raw["bbox"]
        if not (isinstance(box, list) and len(box) in (4, 6) and all(
                isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in box)):
            raise refuse(f"invalid BBOX {show(box)}: expected 4 (or 6) numbers", "bbox_numbers", text=show(box))
        x1, y1, x2, y2 = box if len(box) == 4 else (box[0], box[1], box[3], box[4])
        if x1 > x2 or y1 > y2:
            raise refuse(f"invalid BBOX {show(box)}: expected minx, miny, maxx, maxy", "bbox_order", text=show(box))
        _coords([[x1, y1], [x2, y2]], 1, "BBOX", srid)
        geom = sa.func.ST_MakeEnvelope(*(sa.literal(float(x), sa.Float()) for x in (x1, y1, x2, y2)), srid_p)
    else:
        check_geojson(v.raw, srid)
        text = sa.literal(json.dumps(v.raw), sa.String())
        geom = sa.func.ST_SetSRID(sa.func.ST_GeomFromGeoJSON(text), srid_p)
    return geom if srid == 4326 else sa.func.ST_Transform(geom, sa.literal(4326, sa.Integer()))


SPATIAL = {
    "s_intersects": "ST_Intersects", "s_equals": "ST_Equals", "s_disjoint": "ST_Disjoint",
    "s_touches": "ST_Touches", "s_within": "ST_Within", "s_overlaps": "ST_Overlaps",
    "s_crosses": "ST_Crosses", "s_contains": "ST_Contains",
}

# --- temporal ----------------------------------------------------------------------------

# Each operand is a period (start, end); an instant has start = end. As in CQL2 / Allen.
TEMPORAL = {
    "t_after": lambda a, b: a[0] > b[1],
    "t_before": lambda a, b: a[1] < b[0],
    "t_contains": lambda a, b: sa.and_(a[0] < b[0], a[1] > b[1]),
    "t_disjoint": lambda a, b: sa.or_(a[0] > b[1], a[1] < b[0]),
    "t_during": lambda a, b: sa.and_(a[0] > b[0], a[1] < b[1]),
    "t_equals": lambda a, b: sa.and_(a[0] == b[0], a[1] == b[1]),
    "t_finishedby": lambda a, b: sa.and_(a[0] < b[0], a[1] == b[1]),
    "t_finishes": lambda a, b: sa.and_(a[0] > b[0], a[1] == b[1]),
    "t_intersects": lambda a, b: sa.and_(a[0] <= b[1], a[1] >= b[0]),
    "t_meets": lambda a, b: a[1] == b[0],
    "t_metby": lambda a, b: a[0] == b[1],
    "t_overlappedby": lambda a, b: sa.and_(a[0] > b[0], a[0] < b[1], a[1] > b[1]),
    "t_overlaps": lambda a, b: sa.and_(a[0] < b[0], a[1] > b[0], a[1] < b[1]),
    "t_startedby": lambda a, b: sa.and_(a[0] == b[0], a[1] > b[1]),
    "t_starts": lambda a, b: sa.and_(a[0] == b[0], a[1] < b[1]),
}


def temporal_sql(op: str, a: list, b: list) -> Any:
    """`a`, `b`: [start, end, open_if_null] with start/end a Val or None (an open end '..')."""
    ends = [v for v in (a[0], a[1], b[0], b[1]) if v is not None]
    kind = "timestamp" if any(v.type == "timestamp" for v in ends) else "date"
    sql_type = SA_TYPES[kind]

    def end(v: Val | None, sign: str, open_if_null: bool) -> Any:
        inf = sa.literal_column(f"'{sign}infinity'::{'timestamptz' if kind == 'timestamp' else 'date'}", sql_type)
        if v is None:
            return inf
        v = as_timestamp(v) if kind == "timestamp" else v
        return sa.func.coalesce(v.sql, inf) if open_if_null and v.sql is not None else bind(v)

    for p in (a, b):
        if p[0] is not None and p[1] is not None and p[0].sql is None and p[1].sql is None \
                and as_timestamp(p[0]).raw > as_timestamp(p[1]).raw:
            raise refuse(f"interval {p[0].label} .. {p[1].label} ends before it starts", "interval_reversed",
                         start=p[0].label, end=p[1].label)
    pa = (end(a[0], "-", a[2]), end(a[1], "", a[2]))
    pb = (end(b[0], "-", b[2]), end(b[1], "", b[2]))
    return TEMPORAL[op](pa, pb)


# --- arrays ------------------------------------------------------------------------------

ARRAY_OPS = {"a_equals": "=", "a_contains": "@>", "a_containedby": "<@", "a_overlaps": "&&"}


def _as_text_array(col: Any) -> Any:
    """Any array-ish column (a JSON array, or a Postgres array) as text[]."""
    j = sa.func.to_jsonb(col)
    arr = sa.case((sa.func.jsonb_typeof(j) == "array", j), else_=sa.func.jsonb_build_array())
    sub = sa.select(sa.func.jsonb_array_elements_text(arr)).scalar_subquery()
    return sa.func.array(sub, type_=sa.ARRAY(sa.Text()))


def array_sql(op: str, a: Val, b: Val) -> Any:
    coltype = next((v.coltype for v in (a, b) if isinstance(v.coltype, sa.ARRAY)), None)
    item = coltype.item_type.python_type if coltype is not None else str
    prop = a if a.sql is not None else b

    def element(x: Any) -> Any:
        x = literal(x)
        if coltype is None and x.type in ("string", "number", "boolean"):
            return x.raw if x.type == "string" else show(x.raw)  # compared as text
        if (item is str and x.type == "string") or (item is int and isinstance(x.raw, int) and x.type == "number"):
            return x.raw
        what = Said("text", "cql.type.string") if item is str else Said("integers", "cql.type.integers")
        raise refuse(f"{prop.label} holds {what}; cannot compare it with {x.label}", "array_item",
                     label=prop.label, what=what, other=x.label)

    def side(v: Val) -> Any:
        if v.sql is not None:
            return v.sql if isinstance(v.coltype, sa.ARRAY) else _as_text_array(v.sql)
        return sa.literal([element(x) for x in v.raw], coltype if coltype is not None else sa.ARRAY(sa.Text()))

    return side(a).op(ARRAY_OPS[op], is_comparison=True)(side(b))


# --- accents -----------------------------------------------------------------------------


def _accent_table() -> tuple[str, str]:
    """Latin letters with diacritics (Vietnamese included) → their base letter; combining
    marks (text stored decomposed) are dropped: translate() deletes what has no counterpart."""
    src, dst = ["đ", "Đ"], ["d", "D"]
    for cp in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        base = unicodedata.normalize("NFD", chr(cp))[0]
        if base != chr(cp) and base.isascii():
            src.append(chr(cp))
            dst.append(base)
    return "".join(src) + "".join(chr(c) for c in range(0x300, 0x370)), "".join(dst)


ACCENT_FROM, ACCENT_TO = _accent_table()


def strip_accents(sql: Any) -> Any:
    return sa.func.translate(sql, sa.literal(ACCENT_FROM, sa.Text()), sa.literal(ACCENT_TO, sa.Text()))
