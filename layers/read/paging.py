"""Keyset paging: a page starts after (or before) the sort-key values of a row, not at an offset.

OFFSET makes page 1,000 read the 999 pages before it; a keyset condition lets the index jump
straight there, so every page costs the same. The cursor a client sees is the key values of
the last (or first) row of the page it has, base64-encoded JSON: opaque, but not secret.
Ordering is NULLS LAST in both directions so that the conditions below stay simple and total.
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from geo.said import Said

SQL_TYPES = {"integer": sa.BigInteger, "number": sa.Float, "string": sa.Text, "boolean": sa.Boolean,
             "date": sa.Date}


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class SortKey:
    column: sa.ColumnElement
    type: str  # registry type of the property
    descending: bool = False


@dataclass(frozen=True)
class Cursor:
    values: tuple
    backwards: bool = False


def encode(values: tuple, backwards: bool = False) -> str:
    plain = [v.isoformat() if isinstance(v, date) else v for v in values]
    raw = json.dumps({"k": plain, "b": backwards} if backwards else {"k": plain}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(token: str, keys: list[SortKey]) -> Cursor:
    try:
        raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        values = raw["k"]
        if not isinstance(values, list) or len(values) != len(keys):
            raise ValueError
        typed = tuple(_typed(v, k.type) for v, k in zip(values, keys))
        return Cursor(typed, bool(raw.get("b", False)))
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise BadCursor(Said("the paging cursor is not valid for this request; start again from the first "
                             "page (cursors depend on sortby, so keep it unchanged while paging)",
                             "errors.api.cursor_reason")) from None


def _typed(value, type_: str):
    if value is None:
        return None
    if type_ == "date":
        return date.fromisoformat(value)
    if type_ == "integer":
        number = int(value)
        if not -2 ** 63 <= number < 2 ** 63:  # what a bigint key can hold; beyond, no row
            raise ValueError
        return number
    if type_ == "number":
        number = float(value)
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError
        return number
    if type_ == "boolean" and not isinstance(value, bool):
        raise ValueError
    if type_ == "string" and not isinstance(value, str):
        raise ValueError
    return value


def order_by(keys: list[SortKey], backwards: bool = False) -> list:
    out = []
    for k in keys:
        desc = k.descending != backwards
        col = k.column.desc() if desc else k.column.asc()
        out.append(col.nulls_first() if backwards else col.nulls_last())
    return out


def _param(value, key: SortKey):
    return sa.bindparam(None, value, type_=SQL_TYPES.get(key.type, sa.Text))


def _beyond(key: SortKey, value, backwards: bool):
    """Rows strictly past `value` on this key alone, in the direction of travel."""
    col = key.column
    if value is None:  # nulls sort last: nothing lies beyond them going forward
        return sa.false() if not backwards else col.is_not(None)
    v = _param(value, key)
    greater = key.descending == backwards
    if backwards:
        return col > v if greater else col < v
    return sa.or_(col > v if greater else col < v, col.is_(None))


def _same(key: SortKey, value):
    return key.column.is_(None) if value is None else key.column == _param(value, key)


def after(keys: list[SortKey], cursor: Cursor):
    """(k1 beyond) OR (k1 same AND k2 beyond) OR …: the rows after (or before) the cursor row."""
    branches = []
    for i, key in enumerate(keys):
        same = [_same(keys[j], cursor.values[j]) for j in range(i)]
        branches.append(sa.and_(*same, _beyond(key, cursor.values[i], cursor.backwards)))
    return sa.or_(*branches)
