"""Every message geo/ and layers/ raise as a `geo.said.Said` names a key the catalogue holds.

A refusal is said in Vietnamese while the error is being answered: a mistyped key there would be
a KeyError in the error handler, a 500 instead of the 400 the client earned, found only when that
mistake is made. So the source is read (ast): each `Said(english, "key", …)` and each CQL2
`refuse(english, "name", …)` (key `cql.<name>`) must name an entry, an f-string key must start
like at least one entry, and a conditional key is checked on both branches.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from api.i18n.catalogue import Catalogue

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("geo", "layers", "api", "tiles")


def _keys(arg: ast.expr, prefix: str) -> list[tuple[str, bool]]:
    """(key, exact) for a key argument; exact False when only its start is known (an f-string)."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return [(prefix + arg.value, True)]
    if isinstance(arg, ast.IfExp):
        return _keys(arg.body, prefix) + _keys(arg.orelse, prefix)
    if isinstance(arg, ast.JoinedStr) and isinstance(arg.values[0], ast.Constant):
        return [(prefix + arg.values[0].value, False)]
    return []  # a helper passing its own argument along: checked where its callers are tested


def said_keys() -> list[tuple[str, int, str, bool]]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if not isinstance(node, ast.Call) or len(node.args) < 2:
                    continue
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
                in_cql = "cql" in path.parts
                if name == "Said" or (name == "refuse" and in_cql):
                    prefix = "cql." if name == "refuse" else ""
                    where = str(path.relative_to(ROOT))
                    found += [(where, node.lineno, key, exact) for key, exact in _keys(node.args[1], prefix)]
    return found


def test_every_said_names_a_catalogue_entry():
    entries = Catalogue().entries
    found = said_keys()
    assert len(found) > 120  # the reading finds them (CQL2, bbox, auth, writes, dates, database)
    missing = [(where, line, key) for where, line, key, exact in found
               if not (key in entries if exact else any(k.startswith(key) for k in entries))]
    assert missing == []


def test_the_traceability_refusals_have_their_catalogue_entries():
    """geo.gs1, geo.qr and geo.labels keep their English by key (ENGLISH): each key is in the
    catalogue with that English and the same placeholders in Vietnamese."""
    import string

    from geo import gs1, labels, qr

    entries = Catalogue().entries
    for key, english in {**gs1.ENGLISH, **qr.QRProblem.ENGLISH, **labels.LabelProblem.ENGLISH}.items():
        vi, en = entries[key]
        assert en == english, key
        names = {f for _, f, _, _ in string.Formatter().parse(english) if f}
        assert {f for _, f, _, _ in string.Formatter().parse(vi) if f} == names, key
