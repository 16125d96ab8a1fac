"""Filters of every shape that once crashed the cql2 parser, at lengths up to and beyond the
bounds: each parses or is a FilterError (a 400), and none takes the process down.

The filters run in a forked child, so a segfault fails the test instead of killing pytest. On
ad46131, `id=id=…` (3,904 repeats), 1,552 parentheses, 3,104 nested casei() or 3,456 NOTs
killed it (layers/read/cql/limits.py has the measured depths).
"""
from __future__ import annotations

import asyncio
import json
import multiprocessing
from pathlib import Path

import pytest

from layers.read import cql
from layers.workers.bounded import Runner
from layers.read.cql.limits import FilterLimits, _at_most, measure

ROOT = Path(__file__).resolve().parents[2]
SIZES = (1, 2, 15, 16, 17, 63, 64, 65, 99, 100, 101, 128, 500, 999, 1_000, 1_001, 1_552, 3_104, 3_904, 9_088,
         16_384, 40_000)

TEXT = {  # n → a filter on households (id, address_code, …) or growing_areas (crop, target_markets)
    "chained comparisons": lambda n: "id" + "=id" * n,
    "chained LIKE": lambda n: "address_code" + " LIKE address_code" * n,
    "chained <": lambda n: "id" + "<id" * n,
    "ANDs": lambda n: " AND ".join(["id=1"] * n),
    "ORs": lambda n: " OR ".join(["id=1"] * n),
    "ANDs of ORs": lambda n: " AND ".join(["(id=1 OR id=2)"] * n),
    "nested casei": lambda n: "casei(" * n + "address_code" + ")" * n + " = 'x'",
    "nested unknown functions": lambda n: "f(" * n + "1" + ")" * n + " = 1",
    "function arguments": lambda n: "f(" + ",".join(["1"] * n) + ") = 1",
    "IN list": lambda n: "id IN (" + ",".join(str(i) for i in range(n)) + ")",
    "arithmetic +": lambda n: "id = " + "+".join(["1"] * n),
    "arithmetic *": lambda n: "id = " + "*".join(["2"] * n),
    "arithmetic ^": lambda n: "id = " + "^".join(["2"] * n),
    "parentheses": lambda n: "(" * n + "id=1" + ")" * n,
    "parenthesised chains": lambda n: "(" * n + "id" + ("+id" * 60 + ")") * n + " = 1",
    "NOTs": lambda n: "NOT " * n + "id=1",
    "NOT (": lambda n: "NOT (" * n + "id=1" + ")" * n,
    "minus signs": lambda n: "id = " + "-" * n + "1",
    "spaced signs": lambda n: "id = " + "- " * n + "1",
    "nested arrays": lambda n: "A_CONTAINS(target_markets, " + "(" * n + "'EU'" + ")" * n + ")",
    "nested geometry collections": lambda n: ("S_INTERSECTS(geometry, " + "GEOMETRYCOLLECTION(" * n + "POINT(105 19)"
                                             + ")" * n + ")"),
    "polygon vertices": lambda n: ("S_INTERSECTS(geometry, POLYGON((" + ",".join(f"{105 + i * 1e-6} 19" for i in range(n))
                                   + ",105 19)))"),
    "IS NULL chain": lambda n: "id" + " IS NULL" * n,
    "BETWEEN chain": lambda n: "id BETWEEN " * n + "1 AND 2" + " AND 3" * n,
    "quoted parentheses": lambda n: "address_code = '" + "(" * n + "'",
}
JSON = {  # written as text: json.dumps itself recurses
    "JSON nested AND": lambda n: '{"op":"and","args":[' * n + '{"op":"=","args":[{"property":"id"},1]}'
                                 + ',{"op":"=","args":[{"property":"id"},1]}]}' * n,
    "JSON nested NOT": lambda n: '{"op":"not","args":[' * n + '{"op":"=","args":[{"property":"id"},1]}' + "]}" * n,
    "JSON nested lists": lambda n: '{"op":"in","args":[{"property":"id"},' + "[" * n + "1" + "]" * n + "]}",
    "JSON nested casei": lambda n: ('{"op":"=","args":[' + '{"op":"casei","args":[' * n + '{"property":"address_code"}'
                                    + "]}" * n + ',"x"]}'),
    "JSON coordinates": lambda n: ('{"op":"s_intersects","args":[{"property":"geometry"},{"type":"Point","coordinates":'
                                   + "[" * n + "1,1" + "]" * n + "}]}"),
}
CRASHED_AT = {  # the smallest n that killed the process on ad46131 (cql2 0.6, 8 MB stack)
    "chained comparisons": 3_904, "chained LIKE": 3_904, "chained <": 3_904, "ANDs": 16_384, "ORs": 16_384,
    "ANDs of ORs": 16_384, "nested casei": 3_104, "nested unknown functions": 3_104, "arithmetic +": 9_088,
    "arithmetic *": 9_088, "arithmetic ^": 9_088, "parentheses": 1_552, "NOTs": 3_456, "minus signs": 3_456,
    "nested arrays": 1_552, "nested geometry collections": 23_808,
}

def _parse_sizes(shape: str, sizes, out) -> None:
    """In the child: each size parsed or refused, sent back through the pipe `out`."""
    make, lang = (TEXT[shape], "cql2-text") if shape in TEXT else (JSON[shape], "cql2-json")
    got = {}
    for n in sizes:
        try:
            cql.parse(make(n), lang)
            got[n] = "parsed"
        except cql.FilterError as e:
            got[n] = "refused: " + str(e)[:80]
    out.send(got)


# Children fork from a server that has the parser imported: a segfault still kills only the child,
# and each shape costs a fork, not a new interpreter importing SQLAlchemy (0.7 s × 30 shapes).
FORKS = multiprocessing.get_context("forkserver")


def run_isolated(shape: str, sizes=SIZES) -> dict[int, str]:
    FORKS.set_forkserver_preload(["layers.read.cql", "tests.layers.test_cql_limits"])
    receive, send = FORKS.Pipe(duplex=False)
    child = FORKS.Process(target=_parse_sizes, args=(shape, sizes, send))
    child.start()
    send.close()
    try:
        got = receive.recv() if receive.poll(600) else None
    except EOFError:  # the child died before it answered
        got = None
    child.join(10)
    assert child.exitcode == 0 and got is not None, f"{shape}: the parser process died (code {child.exitcode})"
    return got


def test_a_parser_process_that_dies_fails_the_shape():
    """The isolation itself: a child that dies before answering (here on an unknown shape's
    KeyError; a segfault ends the same way) is a failure naming the shape, not a hang or a pass."""
    with pytest.raises(AssertionError, match="no such shape: the parser process died"):
        run_isolated("no such shape", sizes=(1,))


@pytest.mark.parametrize("shape", [*TEXT, *JSON])
def test_every_shape_parses_or_is_refused_and_nothing_crashes(shape):
    got = run_isolated(shape)
    assert got[1] == "parsed" or shape in ("IS NULL chain", "BETWEEN chain"), got[1]  # discriminates: not all refused
    for n, outcome in got.items():
        if n >= CRASHED_AT.get(shape, 10**9):
            assert outcome.startswith("refused"), (n, outcome)
        if outcome.startswith("refused") and "invalid cql2" not in outcome:
            assert "filter too" in outcome or "recursion limit" in outcome or "nested too deeply" in outcome, outcome


def test_the_bounds_are_where_they_say():
    """Just within each bound parses; one more is refused (with a message naming the bound)."""
    limits = FilterLimits()
    cases = [
        (TEXT["parentheses"], limits.max_parens, "64 levels of parentheses"),
        (TEXT["chained comparisons"], limits.max_chain, "operators chained"),
        (TEXT["arithmetic +"], limits.max_chain, "operators chained"),  # n - 1 pluses and one =
        (TEXT["NOTs"], limits.max_not, "100 NOTs"),
        (TEXT["minus signs"], limits.max_signs, "signs in a row"),
        (lambda n: " OR ".join(["true"] * n), limits.max_connectives + 1, "ANDs and ORs"),  # n - 1 ORs
    ]
    for make, n, message in cases:
        assert cql.parse(make(n)) is not None
        with pytest.raises(cql.FilterError, match=message):
            cql.parse(make(n + 1))
    wkt = TEXT["polygon vertices"](3_000)
    assert len(wkt) < limits.max_chars and isinstance(cql.parse(wkt), dict)  # a long literal is fine
    with pytest.raises(cql.FilterError, match="filter too long: .* characters"):
        cql.parse(wkt + " AND id = 1" * 4_000)


def test_the_measure_counts_what_hangs_below_a_group():
    """Operators after a parenthesised group are above it in the tree, as are those before."""
    assert measure("((id+id)+id+id)+id").chain == 4
    assert measure(TEXT["parenthesised chains"](3)).chain == 3 * 60 + 1  # and the final =
    assert measure("f(1+1, 1+1) = 1").chain == 2  # arguments are siblings, not nested
    assert measure("a = 1 AND b = 2 OR NOT c < 3").chain == 1
    assert measure("name = '((((NOT NOT - - -'").parens == 0


def test_quick_screen_bounds_what_the_tokenizer_measures():
    """Short filters skip the tokenizer when a few counts bound them: those counts must be upper
    bounds of what the tokenizer measures, or a deep filter could slip through inline."""
    limits = FilterLimits()
    screened = 0
    texts = [make(n) for make in TEXT.values() for n in (1, 2, 3, 5, 8, 16, 17, 40)]
    texts += ["name like 'Yên%' and commune_code = '17980' and area_ha > 2.5", "NOT (id = -1)", "id=1 or (id=2)"]
    for text in texts:
        bound = _at_most(text, limits)
        if bound is None:
            continue
        screened += 1
        full = measure(text)
        for field in ("tokens", "parens", "chain", "nots", "connectives", "signs"):
            assert getattr(full, field) <= getattr(bound, field), (text, field, full, bound)
    assert screened > 20


def test_off_loop_parse_matches_and_small_filters_stay_inline():
    runner = Runner(1, 512)
    limits = FilterLimits()
    big = TEXT["polygon vertices"](200)
    assert len(big) > limits.inline_chars
    try:
        got = asyncio.run(cql.parse_off_loop(big, "cql2-text", limits, runner))
        assert got == cql.parse(big)
        assert runner._count == 1  # it went to the worker
        small = asyncio.run(cql.parse_off_loop("id = 1", "cql2-text", limits, runner))
        assert small == {"op": "=", "args": [{"property": "id"}, 1]}
    finally:
        runner.shutdown()


def test_with_the_bounds_lifted_a_crash_costs_a_worker_not_the_server():
    """The worker is the second line: a filter that does crash the parser is a FilterError."""
    runner = Runner(1, 512)
    lifted = FilterLimits(max_tokens=10**6, max_parens=10**6, max_chain=10**6, max_not=10**6, timeout_s=60)
    try:
        with pytest.raises(cql.FilterError, match="too complex to read .*worker process died"):
            asyncio.run(cql.parse_off_loop(TEXT["parentheses"](3_000), "cql2-text", lifted, runner))
        assert runner.replaced == 1
        assert asyncio.run(cql.parse_off_loop(TEXT["parentheses"](100), "cql2-text", lifted, runner))["op"] == "="
    finally:
        runner.shutdown()
