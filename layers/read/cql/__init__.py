"""OGC API - Features Part 3 (CQL2) filters on published layers: text bounded (`limits`),
parsed in-process or in a bounded worker (`parsing`), translated to a SQLAlchemy condition on
the layer's public relation with every literal bound (`conditions`, built from `ops`); `axes`
flips coordinates given in a lat/lon CRS.

Callers use the names below (`from layers.read import cql`; `cql.parse`, `cql.to_sql`).
"""
from layers.read.cql.conditions import queryables, to_sql
from layers.read.cql.limits import FilterLimits
from layers.read.cql.ops import FilterError
from layers.read.cql.parsing import parse, parse_off_loop

__all__ = ["FilterError", "FilterLimits", "parse", "parse_off_loop", "to_sql", "queryables"]
