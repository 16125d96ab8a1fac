"""OGC API - Features Part 3 filters, translated: CQL2 JSON → a SQLAlchemy condition on a layer.

`to_sql` walks the JSON `parsing.parse` returned and builds the condition, refusing anything but
the layer's public properties (plus `geometry` and the id). Every literal becomes a bound
parameter: no filter text reaches SQL. `queryables` describes what may be filtered on, as JSON
Schema.
"""
from __future__ import annotations

import operator
from typing import Any

import sqlalchemy as sa

from geo.said import Said
from layers.read.cql.ops import (
    ARRAY_OPS, DESCRIBE, SPATIAL, TEMPORAL, Val, array_sql, as_timestamp, bind, geometry_sql, instant,
    literal, refuse, show, strip_accents, temporal_sql,
)
from layers.read.cql.parsing import measure_tree
from layers.read.registry import Layer

COMPARE = {"=": operator.eq, "<>": operator.ne, "<": operator.lt, "<=": operator.le,
           ">": operator.gt, ">=": operator.ge}
FUNCTIONS = ("casei", "accenti")
OPERATORS = ("and", "or", "not", *COMPARE, "like", "in", "between", "isNull", *SPATIAL,
             "t_after", "t_before", "t_contains", "t_disjoint", "t_during", "t_equals",
             "t_finishedBy", "t_finishes", "t_intersects", "t_meets", "t_metBy",
             "t_overlappedBy", "t_overlaps", "t_startedBy", "t_starts",
             "a_equals", "a_contains", "a_containedBy", "a_overlaps")


COMPARE_HINTS = {"geometry": "use S_INTERSECTS, S_EQUALS, … for geometries",
                 "array": "use A_EQUALS, A_CONTAINS, A_CONTAINEDBY or A_OVERLAPS for arrays",
                 "interval": "use T_INTERSECTS, T_DURING, … for intervals",
                 "null": "use IS NULL to test for missing values"}


def _property_label(name: str) -> Said:
    return Said(f"property {name!r}", "cql.said.property", name=repr(name))


def to_sql(expr: dict, layer: Layer, rel: sa.TableClause, *, filter_srid: int = 4326) -> sa.ColumnElement[bool]:
    """The condition `expr` (CQL2 JSON) puts on `rel`, the relation of `layer`."""
    measure_tree(expr)
    return _Walker(layer, rel, filter_srid).predicate(expr)


def _queryable_types(layer: Layer) -> dict[str, str]:
    return {layer.id_column: "integer", **{p.name: p.type for p in layer.properties}}


def _column_type(layer: Layer, name: str) -> Any:
    from layers.db.models import metadata

    table = metadata.tables.get(layer.table)
    return table.c[name].type if table is not None and name in table.c else None


class _Walker:
    def __init__(self, layer: Layer, rel: sa.TableClause, srid: int):
        self.layer, self.rel, self.srid = layer, rel, srid
        self.types = _queryable_types(layer)

    def _op(self, node: dict, arity: int | None = None) -> tuple[str, list]:
        op, args = node["op"], node.get("args", [])
        if not isinstance(op, str) or not isinstance(args, list):
            raise refuse(f"cannot read {show(node)}: 'op' must be a name and 'args' a list", "op_shape",
                         text=show(node))
        if arity is not None and len(args) != arity:
            raise refuse(f"{op} takes {arity} argument{'s' * (arity > 1)}, got {len(args)}",
                         "arity" if arity > 1 else "arity_one", op=op, n=arity, got=len(args))
        return op.lower(), args

    # --- conditions ---
    def predicate(self, node: Any) -> Any:
        if isinstance(node, bool):
            return sa.true() if node else sa.false()
        if isinstance(node, dict) and "property" in node:
            v = self.value(node)
            if v.type != "boolean":
                raise refuse(f"{v.label} is {v.desc}, not a condition", "not_condition", label=v.label, desc=v.desc)
            return sa.type_coerce(v.sql, sa.Boolean())
        if not isinstance(node, dict) or "op" not in node:
            raise refuse(f"expected a condition, got {show(node)}", "expected_condition", text=show(node))
        op, args = self._op(node)
        if op in ("and", "or"):
            if not args:
                raise refuse(f"{op} needs at least one condition", "empty_logic", op=op)
            parts = [self.predicate(a) for a in args]
            return sa.and_(*parts) if op == "and" else sa.or_(*parts)
        if op == "not":
            return sa.not_(self.predicate(self._op(node, 1)[1][0]))
        if op in COMPARE:
            a, b = self._pair(*(self.value(x) for x in self._op(node, 2)[1]))
            return COMPARE[op](a, b)
        if op == "like":
            a, p = (self.value(x) for x in self._op(node, 2)[1])
            for v in (a, p):
                if v.type != "string":
                    raise refuse(f"LIKE needs text; {v.label} is {v.desc}", "like_text", label=v.label, desc=v.desc)
            return bind(a).like(bind(p))
        if op == "in":
            a, items = self._op(node, 2)[1]
            if not isinstance(items, list):
                raise refuse(f"IN needs a list, got {show(items)}", "in_list", text=show(items))
            a = self.value(a)
            pairs = [self._pair(a, self.value(x)) for x in items]
            if not pairs:
                return sa.false()
            if all(left is pairs[0][0] for left, _ in pairs):
                return pairs[0][0].in_([right for _, right in pairs])
            return sa.or_(*(left == right for left, right in pairs))
        if op == "between":
            a, lo, hi = (self.value(x) for x in self._op(node, 3)[1])
            col, low = self._pair(a, lo)
            return col.between(low, self._pair(a, hi)[1])
        if op == "isnull":
            v = self.value(self._op(node, 1)[1][0])
            if v.type in ("array", "interval") and v.sql is None:
                raise refuse(f"IS NULL needs a property, got {v.label}", "isnull_property", label=v.label)
            return (sa.true() if v.type == "null" else sa.false()) if v.sql is None else v.sql.is_(None)
        if op in SPATIAL:
            a, b = (self._typed(self.value(x), op, ("geometry",)) for x in self._op(node, 2)[1])
            return getattr(sa.func, SPATIAL[op])(geometry_sql(a, self.srid), geometry_sql(b, self.srid))
        if op in TEMPORAL:
            return temporal_sql(op, *(self.period(x, op) for x in self._op(node, 2)[1]))
        if op in ARRAY_OPS:
            return array_sql(op, *(self._typed(self.value(x), op, ("array",)) for x in self._op(node, 2)[1]))
        if op in FUNCTIONS:
            raise refuse(f"{op}() is a value, not a condition; compare it, e.g. {op}(name) = {op}('x')",
                         "function_as_condition", op=op)
        raise refuse(f"unsupported operator {op!r}; supported: {', '.join(OPERATORS)}", "unknown_operator",
                     op=repr(op), known=", ".join(OPERATORS))

    # --- values ---
    def value(self, node: Any) -> Val:
        if isinstance(node, dict) and "property" in node:
            return self.prop(node["property"])
        if isinstance(node, dict) and "op" in node:
            op, args = self._op(node)
            if op not in FUNCTIONS:
                if op in (o.lower() for o in OPERATORS):
                    raise refuse(f"{op} is a condition; it cannot be used as a value", "condition_as_value", op=op)
                if op in ("+", "-", "*", "/", "%", "^", "div"):
                    raise refuse(f"arithmetic ({op!r}) is not supported in filters", "arithmetic", op=repr(op))
                raise refuse(f"unsupported function {op!r}; supported: {', '.join(FUNCTIONS)}", "unknown_function",
                             op=repr(op), known=", ".join(FUNCTIONS))
            v = self.value(self._op(node, 1)[1][0])
            if v.type != "string":
                raise refuse(f"{op}() needs text; {v.label} is {v.desc}", "function_text", op=op, label=v.label,
                             desc=v.desc)
            sql = sa.func.lower(bind(v)) if op == "casei" else strip_accents(bind(v))
            return Val("string", Said(f"{op}({v.label})", "cql.said.function", op=op, label=v.label), sql=sql)
        if isinstance(node, dict) and "interval" in node:
            return Val("interval", show(node), raw=node)
        return literal(node)

    def prop(self, name: Any) -> Val:
        if name == "geometry":
            return Val("geometry", _property_label("geometry"), sql=self.rel.c.geom)
        if not isinstance(name, str) or name not in self.types:
            known = ", ".join([*self.types, "geometry"])
            raise refuse(f"unknown property {show(name)} in {self.layer.id}; queryables: {known}",
                         "unknown_property", name=show(name), layer=self.layer.id, known=known)
        ptype = self.types[name]
        coltype = _column_type(self.layer, name) if ptype == "array" else None
        return Val("number" if ptype == "integer" else ptype, _property_label(name), sql=self.rel.c[name],
                   desc=DESCRIBE[ptype], coltype=coltype)

    def _typed(self, v: Val, op: str, types: tuple[str, ...]) -> Val:
        if v.type not in types:
            needs = Said(" or ".join(DESCRIBE[t] for t in types), f"cql.types.{'_'.join(types)}")
            raise refuse(f"{op.upper()} needs {needs}; {v.label} is {v.desc}", "operand_type", op=op.upper(),
                         needs=needs, label=v.label, desc=v.desc)
        return v

    def _pair(self, a: Val, b: Val) -> tuple[Any, Any]:
        """Both sides of a comparison as SQL of one type; a literal takes its partner's type."""
        for v in (a, b):
            hint = COMPARE_HINTS.get(v.type)
            if hint:
                raise refuse(f"cannot compare {v.label} here: {hint}", "compare_here", label=v.label,
                             hint=Said(hint, f"cql.compare_hint.{v.type}"))
        if a.sql is None and b.sql is not None:
            return self._pair(b, a)[::-1]
        temporal = ("date", "timestamp")
        if b.sql is None and a.type in temporal and b.type == "string":
            b = instant(b.raw)
        ok = a.type == b.type or (a.type in temporal and b.type in temporal)
        if not ok:
            what = f"{a.label} is {a.desc}; cannot compare it with {b.label}"
            if b.sql is None:
                raise refuse(what, "compare_types", label=a.label, desc=a.desc, other=b.label)
            raise refuse(f"{what} ({b.desc})", "compare_properties", label=a.label, desc=a.desc, other=b.label,
                         other_desc=b.desc)
        if a.type != b.type:
            a, b = as_timestamp(a), as_timestamp(b)
        return bind(a), bind(b)

    def period(self, node: Any, op: str) -> list:
        """[start, end, open_if_null] of a temporal operand; None stands for an open end."""
        if isinstance(node, dict) and "interval" in node:
            ends = node["interval"]
            if not isinstance(ends, list) or len(ends) != 2:
                raise refuse(f"an interval has 2 ends, got {show(ends)}", "interval_ends", text=show(ends))
            start, end = (None if e == ".." else self._instant(e, op) for e in ends)
            return [start, end, True]
        v = self._instant(node, op)
        return [v, v, False]

    def _instant(self, node: Any, op: str) -> Val:
        v = self.value(node)
        if v.type == "string" and v.sql is None:
            return instant(v.raw)
        return self._typed(v, op, ("date", "timestamp"))


def queryables(layer: Layer, lang: str, base_url: str) -> dict:
    """JSON Schema (2020-12) of what a filter on `layer` may name, titles in `lang` (vi or en)."""
    vi = lang == "vi"
    props: dict[str, dict] = {
        layer.id_column: {"title": "Mã định danh" if vi else "Identifier", "type": "integer",
                          "x-ogc-role": "id"},
    }
    for p in layer.properties:
        schema: dict[str, Any] = {"title": p.title_vi if vi else p.title_en}
        if p.type == "date":
            schema.update(type="string", format="date")
        elif p.type == "array":
            schema["type"] = "array"
            coltype = _column_type(layer, p.name)
            if isinstance(coltype, sa.ARRAY):
                schema["items"] = {"type": "integer" if coltype.item_type.python_type is int else "string"}
        else:
            schema["type"] = p.type
        props[p.name] = schema
    kind = layer.geometry_type.lower().removeprefix("multi")
    props["geometry"] = {
        "title": "Hình học" if vi else "Geometry",
        "format": "geometry-point" if kind == "point" else f"geometry-{kind}-or-multi{kind}",
        "x-ogc-role": "primary-geometry",
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{base_url.rstrip('/')}/collections/{layer.id}/queryables",
        "type": "object",
        "title": layer.title_vi if vi else layer.title_en,
        "properties": props,
        "additionalProperties": False,
    }
