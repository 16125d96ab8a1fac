"""A raster's legend: read from the administrator's JSON or CSV file and checked before any pixel
is converted, so a typo in a colour is one clear line at `ntm-map raster add`, not a grey tile
on the map weeks later.

Shapes (the `rasters.legend` column, RASTER.md):
- categorical: {"classes": [{"value": 1, "colour": "#1a9641", "label_vi": "…", "label_en": "…"}]}
  CSV: `value,colour,label_vi,label_en` (a header line is optional);
- continuous: {"stops": [[value, "#rrggbb"], …]}, linear between stops, values increasing;
  CSV: `value,colour`;
- imagery: no legend (the bands are the colours).
Colours are hex only (#rgb or #rrggbb, stored as lower-case #rrggbb): CSS names differ between
tools, hex means the same everywhere.
"""
from __future__ import annotations

import csv
import io
import json
import math
import re
from pathlib import Path

_HEX = re.compile(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
MAX_CLASSES = 256  # a class map with more is a continuous raster or a mistake
MAX_STOPS = 64
MAX_LEGEND_BYTES = 1_000_000


class LegendProblem(ValueError):
    """The legend cannot be used; the message names the line (or class) and the value."""


def colour(text, where: str) -> str:
    """'#ABC' or '#aabbcc' → '#aabbcc'; anything else is a LegendProblem naming `where`."""
    value = str(text).strip() if text is not None else ""
    if not _HEX.match(value):
        raise LegendProblem(f"{where}: bad colour {value!r}: write it as #rrggbb (or #rgb), e.g. #1a9641")
    digits = value[1:].lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits


def _number(text, where: str, *, integer: bool = False) -> float | int:
    try:
        value = float(str(text).strip())
    except (TypeError, ValueError):
        raise LegendProblem(f"{where}: value {text!r} is not a number") from None
    if not math.isfinite(value):
        raise LegendProblem(f"{where}: value {text!r} is not a finite number")
    if integer:
        if value != int(value):
            raise LegendProblem(f"{where}: class value {text!r} must be a whole number")
        return int(value)
    return int(value) if value == int(value) and abs(value) < 2**53 else value


def _label(text, where: str, field: str, required: bool) -> str | None:
    value = str(text).strip() if text is not None else ""
    if not value:
        if required:
            raise LegendProblem(f"{where}: {field} is empty: every class needs a Vietnamese label")
        return None
    if len(value) > 200:
        raise LegendProblem(f"{where}: {field} is longer than 200 characters")
    return value


def _classes(rows: list[tuple[str, dict]]) -> dict:
    if not rows:
        raise LegendProblem("the legend has no classes")
    if len(rows) > MAX_CLASSES:
        raise LegendProblem(f"the legend has {len(rows)} classes; at most {MAX_CLASSES} are allowed")
    out, seen = [], {}
    for where, row in rows:
        value = _number(row.get("value"), where, integer=True)
        if value in seen:
            raise LegendProblem(f"{where}: class value {value} is already given at {seen[value]}")
        seen[value] = where
        vi = _label(row.get("label_vi"), where, "label_vi", True)
        en = _label(row.get("label_en"), where, "label_en", False)
        out.append({"value": value, "colour": colour(row.get("colour", row.get("color")), where),
                    "label_vi": vi, "label_en": en or vi})
    return {"classes": sorted(out, key=lambda c: c["value"])}


def _stops(rows: list[tuple[str, object, object]]) -> dict:
    if len(rows) < 2:
        raise LegendProblem("a continuous legend needs at least two stops (value, colour)")
    if len(rows) > MAX_STOPS:
        raise LegendProblem(f"the legend has {len(rows)} stops; at most {MAX_STOPS} are allowed")
    stops, last = [], None
    for where, value, col in rows:
        v = _number(value, where)
        if last is not None and v <= last:
            raise LegendProblem(f"{where}: stop value {v} is not greater than the one before ({last}): "
                                "list the stops in increasing order")
        last = v
        stops.append([v, colour(col, where)])
    return {"stops": stops}


def check_legend(legend, kind: str) -> dict | None:
    """A legend given as data (JSON already parsed) checked for `kind` and normalised."""
    if kind == "imagery":
        if legend:
            raise LegendProblem("an imagery raster takes no legend: its bands are the colours")
        return None
    if legend is None:
        raise LegendProblem(f"a {kind} raster needs a legend (--legend FILE)")
    if kind == "categorical":
        classes = legend.get("classes") if isinstance(legend, dict) else legend
        if not isinstance(classes, list) or not all(isinstance(c, dict) for c in classes):
            raise LegendProblem('a categorical legend is {"classes": [{"value": 1, "colour": "#rrggbb", '
                                '"label_vi": "…", "label_en": "…"}, …]}')
        return _classes([(f"class {i}", c) for i, c in enumerate(classes, 1)])
    if kind == "continuous":
        stops = legend.get("stops") if isinstance(legend, dict) else legend
        if not isinstance(stops, list) or not all(isinstance(s, (list, tuple)) and len(s) == 2 for s in stops):
            raise LegendProblem('a continuous legend is {"stops": [[value, "#rrggbb"], …]}')
        return _stops([(f"stop {i}", s[0], s[1]) for i, s in enumerate(stops, 1)])
    raise LegendProblem(f"unknown raster kind {kind!r}: imagery, categorical or continuous")


def parse_legend(text: str, kind: str, *, name: str = "legend") -> dict | None:
    """JSON (starts with { or [) or CSV text → the checked legend; errors name the CSV line."""
    body = text.lstrip("\ufeff").strip()
    if body.startswith(("{", "[")):
        try:
            data = json.loads(body)
        except json.JSONDecodeError as exc:
            raise LegendProblem(f"{name}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
        return check_legend(data, kind)
    if kind == "imagery":
        return check_legend(body or None, kind)
    lines = [(n, row) for n, row in enumerate(csv.reader(io.StringIO(body)), 1)
             if row and any(cell.strip() for cell in row)]
    if lines and _is_header(lines[0][1]):
        lines = lines[1:]
    if kind == "categorical":
        rows = []
        for n, row in lines:
            if len(row) < 3:
                raise LegendProblem(f"{name} line {n}: expected value,colour,label_vi,label_en; got {','.join(row)!r}")
            cells = dict(zip(("value", "colour", "label_vi", "label_en"), row))
            rows.append((f"{name} line {n}", cells))
        return _classes(rows)
    if kind == "continuous":
        for n, row in lines:
            if len(row) < 2:
                raise LegendProblem(f"{name} line {n}: expected value,colour; got {','.join(row)!r}")
        return _stops([(f"{name} line {n}", row[0], row[1]) for n, row in lines])
    raise LegendProblem(f"unknown raster kind {kind!r}: imagery, categorical or continuous")


def _is_header(row: list[str]) -> bool:
    first = row[0].strip().lower()
    return first in ("value", "giá trị", "gia tri", "code", "class")


def read_legend(path: str | Path, kind: str) -> dict | None:
    """The legend file at `path` (JSON or CSV, UTF-8) checked for `kind`."""
    p = Path(path)
    try:
        if p.stat().st_size > MAX_LEGEND_BYTES:
            raise LegendProblem(f"{p.name}: a legend file over {MAX_LEGEND_BYTES:,} bytes is not a legend")
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise LegendProblem(f"{p.name}: not UTF-8 text: save the legend as UTF-8") from None
    except OSError as exc:
        raise LegendProblem(f"cannot read the legend file {p}: {exc.strerror}") from None
    return parse_legend(text, kind, name=p.name)


def legend_range(legend: dict | None) -> tuple[float, float] | None:
    """The values a legend colours (first and last stop / class), for checking a raster's range."""
    if not legend:
        return None
    if "stops" in legend:
        return legend["stops"][0][0], legend["stops"][-1][0]
    values = [c["value"] for c in legend["classes"]]
    return min(values), max(values)


__all__ = ["LegendProblem", "check_legend", "colour", "legend_range", "parse_legend", "read_legend"]
