"""The map panel's words come from the one catalogue (map.json, "map.theme.*"), not from tiles/.

tiles/ cannot import api/, so it names them by key and api/ puts the words in; these tests check
that no panel word is left written in tiles/ and that every key it names is in the catalogue.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from api.i18n import CATALOGUE, both
from api.pages.map_config import group_doc
from tiles.map_layers import groups
from tiles.map_style import map_style
from tiles.map_vocabulary import BOUNDARY_CREDIT, OUTSIDE_NTM
from tiles.tilesets import combined

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
MODULES = ("tiles/map_vocabulary.py", "tiles/map_layers.py", "tiles/map_style.py")
# Coded values' words (a data vocabulary, like geo.vocabulary), not the panel's.
CODED_TABLES = {"AGRI_ZONE_KINDS", "LAND_USE", "VILLAGE_KINDS", "CERTIFICATES"}
DATA_VALUES = {"Xã"}  # the communes layer's `kind` value a filter compares with
CODE_LIKE = re.compile(r"[a-z_-]+")
VIETNAMESE = re.compile("[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I)


def inline_words(source: str) -> list[str]:
    """String constants outside the coded-value tables that read as a person's words: Vietnamese
    letters, a (vi, en) pair, or a catalogue text. Docstrings and comments are not constants."""
    tree = ast.parse(source)
    skip: set[int] = set()
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id in CODED_TABLES for t in targets):
            skip |= {id(n) for n in ast.walk(node)}
        if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Module)) and ast.get_docstring(node, clean=False):
            skip.add(id(node.body[0].value))
    # A catalogue text, unless it is also a style keyword ("none", "line": lower-case, one word).
    texts = {s for pair in CATALOGUE.entries.values() for s in pair if len(s) > 3 and not CODE_LIKE.fullmatch(s)}
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Tuple) and len(node.elts) == 2 and all(
                isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts) and (
                VIETNAMESE.search(node.elts[0].value) or node.elts[1].value in texts):
            found.append(repr((node.elts[0].value, node.elts[1].value)))
            skip |= {id(e) for e in node.elts}
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value not in DATA_VALUES:
            if VIETNAMESE.search(node.value) or node.value in texts:
                found.append(repr(node.value))
    return found


def test_no_panel_word_is_written_in_tiles():
    for module in MODULES:
        assert inline_words((ROOT / module).read_text("utf-8")) == [], module


def test_the_check_finds_words_written_inline():
    """The check discriminates: the old PANEL table, a lone word and a catalogue text are found."""
    old = 'PANEL = {"model": ("Kiểu mẫu", "Model")}\nX = "Ranh giới"\nY = "Legend"\n'
    assert sorted(inline_words(old)) == sorted(["('Kiểu mẫu', 'Model')", "'Ranh giới'", "'Legend'"])
    assert inline_words('LAND_USE = {"LUC": ("Đất chuyên trồng lúa", "Paddy land")}\n') == []


def test_every_key_tiles_names_is_in_the_catalogue_in_both_languages():
    for lang in ("vi", "en"):
        for group in (group_doc(g) for g in groups(lang)):
            assert group["title"] == both(next(g.title for g in groups(lang) if g.id == group["id"]))
            for toggle in group["toggles"]:
                assert toggle["title"]["vi"] != toggle["title"]["en"], toggle["id"]
                assert all(e["label"]["vi"] and e["label"]["en"] for e in toggle["legend"])
    assert CATALOGUE.entries[OUTSIDE_NTM] and CATALOGUE.entries[BOUNDARY_CREDIT]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_style_carries_the_catalogues_credit_and_ward_note(lang):
    style = map_style(combined(), "http://127.0.0.1:1/t/{z}/{x}/{y}", (103.8, 18.5, 105.9, 20.0), lang, words=both)
    credit = style["sources"]["ntm"]["attribution"]
    assert credit == CATALOGUE.lookup(BOUNDARY_CREDIT, lang) and "©" in credit
    notes = [layer["metadata"]["ntm:note"] for layer in style["layers"] if "ntm:note" in layer.get("metadata", {})]
    assert notes and all(note == both(OUTSIDE_NTM) for note in notes)
    assert notes[0]["vi"].startswith("Phường") and notes[0]["en"].startswith("Wards")
