"""Queryables as query parameters: `/collections/growing_areas/items?crop=tea`.

OGC API - Features Part 3, /req/queryables-query-parameters/parameters: every queryable with a
simple value (string, number, boolean; dates are strings) is a query parameter of the items
resource, with the queryable's schema, and a response holds only features whose property
equals the value. Arrays and the geometry are not simple (use `filter` and `bbox`).

A value is converted by the property's type (a bad one is a 400 naming the parameter) into a
CQL2 literal; layers/ builds the equality with the CQL2 code (`layers.read.cql.to_sql`), so
`?crop=tea` and `?filter=crop='tea'` select the same rows by construction. One value per parameter: several
would be read as OR by some servers and as AND by others, so they are refused with the filter
that says which.
"""
from __future__ import annotations

import math
import re
from datetime import date

from api.i18n.refusal import Key, Refusal
from geo.said import said_of
from layers.read import cql
from layers.read.cql.ops import show
from layers.read.features import check_equals
from layers.read.registry import Layer

SIMPLE = ("string", "integer", "number", "boolean", "date")
# Parameters of the items resource: a queryable of the same name is not a query parameter.
# tests/api/test_ogc_params.py checks this against the route's declared parameters.
RESERVED = ("limit", "bbox", "bbox-crs", "datetime", "filter", "filter-lang", "filter-crs", "sortby",
            "properties", "cursor", "crs", "numberMatched", "f", "lang")
INTEGER = re.compile(r"[+-]?\d{1,19}")
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parameter_types(layer: Layer) -> dict[str, str]:
    """name → type (SIMPLE) of the query parameters `layer`'s queryables give its items."""
    types = {layer.id_column: "integer", **{p.name: p.type for p in layer.properties}}
    return {n: t for n, t in types.items() if t in SIMPLE and n not in RESERVED}


def queryable_parameters(layer: Layer, lang: str = "en") -> dict[str, dict]:
    """name → JSON Schema (the queryable's, from /collections/{id}/queryables) of each query
    parameter the queryables of `layer` add to its items, in the queryables' order."""
    schemas = cql.queryables(layer, lang, "")["properties"]
    types = parameter_types(layer)
    return {n: s for n, s in schemas.items() if n in types}


def not_parameters(layer: Layer) -> dict[str, str]:
    """Queryables that are not query parameters, and what to use instead (for messages)."""
    hints = {p.name: f"filter=A_CONTAINS({p.name}, (…))" for p in layer.properties if p.type == "array"}
    return {**hints, "geometry": "bbox or filter=S_INTERSECTS(geometry, …)"}


def _value(name: str, kind: str, text: str):
    """The CQL2 JSON literal of `text` as a `kind` value; 400 naming `name` when it is not one."""
    if kind == "string":
        return text
    if kind == "integer" and INTEGER.fullmatch(text) and abs(int(text)) < 2 ** 63:
        return int(text)
    if kind == "number" and NUMBER.fullmatch(text) and math.isfinite(float(text)):
        return float(text)
    if kind == "boolean" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    if kind == "date" and DAY.fullmatch(text):
        try:
            return {"date": date.fromisoformat(text).isoformat()}
        except ValueError:
            pass
    raise Refusal(400, "errors.api.queryable_type", name=name, text=show(text), expected=Key(f"errors.api.type.{kind}"))


def queryable_values(layer: Layer, params) -> tuple[tuple[str, object], ...]:
    """(name, CQL2 JSON literal) of every queryable named in `params` (a Starlette QueryParams),
    in their order; the equalities they make are checked here, while a 400 can still be sent."""
    types = parameter_types(layer)
    terms = []
    for name in params.keys():
        kind = types.get(name)
        if kind is None:
            continue
        values = params.getlist(name)
        if len(values) > 1:
            listed = ", ".join(show(v) for v in values[:3])
            raise Refusal(400, "errors.api.queryable_repeated", name=name, n=len(values), listed=listed)
        terms.append((name, _value(name, kind, values[0])))
    try:
        check_equals(layer, tuple(terms))
    except cql.FilterError as e:  # the values were checked above: not expected, but a 400 if so
        raise Refusal(400, "errors.api.query_parameters", reason=said_of(e)) from None
    return tuple(terms)
