"""OGC API - Features Part 3 filters, read: CQL2 text or JSON → CQL2 JSON, bounded.

`parse` reads a filter with the `cql2` library after `limits.check` has bounded the text (the
parser crashes the process on deep input); `parse_off_loop` does it in a worker process for the
server unless the filter is small and shallow. `conditions` turns the JSON into SQL.
"""
from __future__ import annotations

import json
import re
from typing import Any

import cql2

from geo.said import Said
from layers.read.cql.limits import FilterLimits, check, fits_inline
from layers.read.cql.ops import FilterError, refuse
from layers.workers.bounded import Runner, Unbounded

LANGS = ("cql2-text", "cql2-json")
MAX_NODES, MAX_DEPTH = 5000, 256  # terms, and JSON levels, of one filter


def parse(filter: str | dict, lang: str = "cql2-text", limits: FilterLimits = FilterLimits()) -> dict:
    """CQL2 JSON of a filter, parsed here; FilterError (with line and column for text) when it
    cannot be read or is beyond `limits` (layers.read.cql.limits)."""
    text = _text(filter, lang)
    check(text, lang, limits)
    return parse_checked(text, lang)


async def parse_off_loop(filter: str | dict, lang: str, limits: FilterLimits, runner: Runner) -> dict:
    """`parse` for the server: a small shallow filter is parsed in the request, any other in a
    worker process (layers.workers.bounded), so neither a parser crash nor a long parse reaches the
    event loop. Busy (no worker free) is the caller's to answer (503)."""
    text = _text(filter, lang)
    if len(text) <= limits.inline_chars:
        if fits_inline(check(text, lang, limits), limits):
            return parse_checked(text, lang)
    elif len(text) > limits.max_chars:
        check(text, lang, limits)  # too long: refused here, before anything is sent
    try:  # the worker checks too: tokenizing 60 kB takes the loop 20 ms
        return await runner.run(parse, text, lang, limits, timeout=limits.timeout_s)
    except Unbounded as e:
        bound = re.search(r"\d[\d,.]*", str(e))
        why = Said(str(e), f"cql.bound.{e.reason}", n=float(bound[0].replace(",", "")) if bound else "")
        raise refuse(f"filter too complex to read ({e}); simplify it", "too_complex", why=why) from None


def _text(filter: str | dict, lang: str) -> str:
    if lang not in LANGS:
        raise refuse(f"unknown filter-lang {lang!r}; supported: {', '.join(LANGS)}", "filter_lang", grammar=repr(lang),
                     known=", ".join(LANGS))
    return json.dumps(filter) if isinstance(filter, dict) else filter


def parse_checked(text: str, lang: str) -> dict:
    """Parse text that passed `check` (a worker process runs this too)."""
    try:
        expr = (cql2.parse_text(text) if lang == "cql2-text" else cql2.parse_json(text)).to_json()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # the parser's errors, and pyo3's PanicException (a BaseException)
        raise FilterError(syntax_message(str(e), lang)) from None
    measure_tree(expr)
    return expr


def measure_tree(expr: Any) -> None:
    """Bound the size and depth of a CQL2 JSON tree before walking it (recursively). Only
    containers are stacked, scalars just counted: this runs on every filter."""
    if not isinstance(expr, (dict, list)):
        return
    stack, count = [(expr, 1)], 1
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise refuse(f"filter nested too deeply (more than {MAX_DEPTH} levels)", "tree_depth", max=MAX_DEPTH)
        children = [v for k, v in node.items() if k not in ("coordinates", "bbox")] if isinstance(node, dict) else node
        count += len(children)
        if count > MAX_NODES:
            raise refuse(f"filter too large (more than {MAX_NODES} terms)", "tree_size", max=str(MAX_NODES))
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))


# What the cql2 grammar expects where a text stops making sense, said in people's words.
EXPECTED = {"Expr": "condition",
            "GEOMETRY, Identifier, Negative, UnaryNot, True, False, Null, DECIMAL, Double, SingleQuotedString, "
            "ExpressionInParentheses, or Array": "value"}
JSON_SHAPE = ('not CQL2 JSON: each part must be {"op": name, "args": [...]}, {"property": name}, '
              'a literal, a GeoJSON geometry, {"bbox": [...]}, {"date": ...}, {"timestamp": ...} '
              'or {"interval": [...]}')


def syntax_message(msg: str, lang: str) -> Said:
    """The parser's complaint as a Said: the line and column, what it expected when that is one of
    EXPECTED (the grammar's own names, quoted, otherwise)."""
    where = re.search(r"-->\s*(\d+):(\d+)", msg)
    expected = re.search(r"=\s*expected (.*)", msg)
    if where:
        text = f"invalid {lang} filter at line {where[1]}, column {where[2]}"
        if not expected:
            return Said(text, "cql.syntax.at", grammar=lang, line=where[1], column=where[2])
        wanted = expected[1].strip()
        said = Said(wanted, f"cql.expected.{EXPECTED[wanted]}") if wanted in EXPECTED else \
            Said(wanted, "cql.expected.other", tokens=wanted)
        return Said(f"{text}: expected {wanted}", "cql.syntax.expected", grammar=lang, line=where[1],
                    column=where[2], expected=said)
    if "untagged enum" in msg:
        return Said(f"invalid {lang} filter: {JSON_SHAPE}", "cql.syntax.json_shape", grammar=lang)
    json_at = re.fullmatch(r"(.*) at line (\d+) column (\d+)", msg.strip())
    if json_at:
        return Said(f"invalid {lang} filter: {msg.strip()}", "cql.syntax.json_at", grammar=lang, line=json_at[2],
                    column=json_at[3], reason=json_at[1])
    return Said(f"invalid {lang} filter: {msg.strip()}", "cql.syntax.other", grammar=lang, reason=msg.strip())
