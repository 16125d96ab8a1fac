"""What a filter's text may be before the cql2 parser sees it.

The parser (Rust, pest) recurses once per level of nesting on the thread's own stack, and a
stack overflow is a SIGSEGV that takes the whole server process down. With cql2 0.6 and an
8 MB stack it died at 1,552 nested parentheses, 3,104 nested function calls, 3,456 NOTs or
unary minus signs, 3,904 chained comparisons or LIKEs (`id=id=…`: 12 kB of text), 9,088
chained arithmetic operators and 16,384 ANDs or ORs (tests/layers/test_cql_limits.py sends
each shape at these sizes, in a subprocess). That is about 5.4 kB of stack per parenthesis, 2.1 kB per chained comparison,
2.4 kB per NOT or sign and 0.5 kB per AND. IN lists, function arguments and coordinate lists
(131,072 items) and CQL2 JSON (serde stops at 128 levels) did not crash.

So the text is measured with a small tokenizer (quoted strings and identifiers count as one
token, their content as nothing) and refused beyond: its length, its number of tokens, the
depth of parentheses, the binary operators chained along any path of the tree, NOTs, ANDs and
ORs, and runs of signs. The worst filter within the defaults needs about 64 × 5.4 + 64 × 2.1 +
100 × 2.4 + 1,000 × 0.5 ≈ 1.2 MB of stack, a seventh of the 8 MB where the parser crashes. The
length allows a commune's boundary as a literal (20 kB of GeoJSON); a filter that is not small
and shallow (`fits_inline`) is parsed in a worker process anyway (layers.read.cql), so its ~1 µs
per character is not spent on the event loop.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from layers.read.cql.ops import refuse

_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"")
_TOKEN = re.compile(r"""
    (?P<word>[^\W\d][\w.:]*)
  | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<cmp><>|<=|>=|!=|[=<>])
  | (?P<sign>[-+*/%^])
  | (?P<open>[(\[])
  | (?P<close>[)\]])
  | (?P<sep>,)
  | (?P<other>\S)
""", re.VERBOSE)
_BINARY_WORDS = {"like", "in", "is", "between", "div"}
_WORDS = re.compile(r"\b(?:and|or|not|like|in|is|between|div)\b")  # of the lower-cased text
_SIGN_RUN = re.compile(r"[-+*/%^]\s*[-+*/%^]\s*[-+*/%^]")
_SYMBOLS = "([=<>!+-*/%^"
INLINE_DEPTH = 16
_RESETS = {"and", "or", "not"}  # a condition's chain of binary operators ends at these (and commas)


@dataclass(frozen=True)
class FilterLimits:
    max_chars: int = 65_536
    max_tokens: int = 20_000
    inline_chars: int = 1024  # longer filters are parsed in a worker process
    timeout_s: float = 2.0  # for that worker
    max_parens: int = 64  # nesting of ( and [
    max_chain: int = 64  # binary operators chained along one path: a=b=c…, 1+2+3…
    max_not: int = 100  # NOTs in the whole filter
    max_connectives: int = 1_000  # ANDs and ORs in the whole filter
    max_signs: int = 2  # operators in a row, as in 1 - -2

    @classmethod
    def of(cls, settings) -> FilterLimits:
        return cls(max_chars=settings.filter_max_chars, max_tokens=settings.filter_max_tokens,
                   inline_chars=settings.filter_inline_chars, timeout_s=settings.filter_parse_timeout_s)


@dataclass(frozen=True)
class Shape:
    """The worst of each measure over a filter's text."""
    chars: int
    tokens: int = 0
    parens: int = 0
    chain: int = 0
    nots: int = 0
    connectives: int = 0
    signs: int = 0


class _Group:
    """A parenthesised group being read: operators in its current condition (before and after
    any inner group: an inner group hangs below all of them), the costliest inner group of that
    condition, and the costliest condition so far."""
    __slots__ = ("ops", "inner", "worst")

    def __init__(self):
        self.ops = self.inner = self.worst = 0

    def end_condition(self) -> None:
        self.worst = max(self.worst, self.ops + self.inner)
        self.ops = self.inner = 0


def measure(text: str) -> Shape:
    """Tokens, deepest parentheses, NOTs, ANDs/ORs, longest run of signs, and the most binary
    operators above any leaf of the tree (a chain at each level, summed down the deepest path)."""
    outside = _QUOTED.sub("''", text)
    tokens = depth = parens = nots = connectives = run = signs = 0
    stack = [_Group()]
    for m in _TOKEN.finditer(outside):
        tokens += 1
        kind = m.lastgroup
        word = m.group().lower() if kind == "word" else ""
        run = run + 1 if kind == "sign" else 0
        signs = max(signs, run)
        if kind == "open":
            stack.append(_Group())
            depth += 1
            parens = max(parens, depth)
        elif kind == "close":
            if len(stack) > 1:
                inner = stack.pop()
                inner.end_condition()
                stack[-1].inner = max(stack[-1].inner, inner.worst)
                depth -= 1
        elif kind == "sep" or word in _RESETS:
            stack[-1].end_condition()
            nots += word == "not"
            connectives += word in ("and", "or")
        elif kind in ("cmp", "sign") or word in _BINARY_WORDS:
            stack[-1].ops += 1
    while len(stack) > 1:  # unclosed groups: the parser will refuse them, but measure them first
        inner = stack.pop()
        inner.end_condition()
        stack[-1].inner = max(stack[-1].inner, inner.worst)
    stack[0].end_condition()
    return Shape(len(text), tokens, parens, stack[0].worst, nots, connectives, signs)


def _at_most(text: str, limits: FilterLimits) -> Shape | None:
    """Bounds on a short, simple text's shape from a few counts (≈5 µs), without tokenizing
    (≈1.5 µs a token); None when the counts cannot show it is within the inline bounds. Every
    symbol and keyword is counted wherever it stands (inside quotes too), so these are upper
    bounds: the text cannot nest or chain deeper than them."""
    if len(text) > min(limits.inline_chars, limits.max_tokens) or _SIGN_RUN.search(text):
        return None
    symbols = sum(map(text.count, _SYMBOLS))
    if symbols > INLINE_DEPTH:
        return None
    words = len(_WORDS.findall(text.lower()))
    if symbols + words > INLINE_DEPTH:
        return None
    return Shape(len(text), len(text), text.count("(") + text.count("["), symbols + words, words, words,
                 min(symbols, limits.max_signs))


def check(text: str, lang: str, limits: FilterLimits) -> Shape:
    """The filter's shape, or FilterError when it is beyond what the parser can take safely."""
    if len(text) > limits.max_chars:
        raise refuse(f"filter too long: {len(text):,} characters; at most {limits.max_chars:,}", "too_long_chars",
                     n=len(text), max=limits.max_chars)
    if lang != "cql2-text":
        return Shape(len(text))  # CQL2 JSON: serde refuses more than 128 levels itself
    shape = _at_most(text, limits) or measure(text)
    if shape.tokens > limits.max_tokens:
        raise refuse(f"filter too long: {shape.tokens:,} terms and symbols; at most {limits.max_tokens:,}",
                     "too_long_tokens", n=shape.tokens, max=limits.max_tokens)
    if shape.connectives > limits.max_connectives:
        raise refuse(f"filter too long: {shape.connectives:,} ANDs and ORs; at most {limits.max_connectives:,} "
                     "(use IN for a list of values)", "too_long_connectives", n=shape.connectives,
                     max=limits.max_connectives)
    if (shape.parens > limits.max_parens or shape.chain > limits.max_chain or shape.nots > limits.max_not
            or shape.signs > limits.max_signs):
        raise refuse(
            f"filter nested too deeply: at most {limits.max_parens} levels of parentheses, "
            f"{limits.max_chain} operators chained in one condition (as in a = b = c), "
            f"{limits.max_not} NOTs and {limits.max_signs} signs in a row", "too_deep",
            parens=limits.max_parens, chain=limits.max_chain, nots=limits.max_not, signs=limits.max_signs)
    return shape


def fits_inline(shape: Shape, limits: FilterLimits) -> bool:
    """Small and shallow: parsed in the request (a typical filter: 10 µs of checks + 40 µs of
    parsing) rather than in a worker (0.2–0.3 ms more a round trip; measured on 2 busy cores).
    Needs at most 16 × 5.4 + 16 × 2.1 + 16 × 2.4 + 200 × 0.5 kB ≈ 260 kB of stack."""
    return shape.chars <= limits.inline_chars and max(shape.parens, shape.chain, shape.nots) <= INLINE_DEPTH
