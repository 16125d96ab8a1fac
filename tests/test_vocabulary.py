"""geo.vocabulary is the one list of each coded value and its words (issue 19): the tables are
complete in both languages, the guards that tie other tables to it refuse a stray code, and no
other module, template or script spells the words out again (fast: no database)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from api.routes.staff_pages import coded_words
from geo import vocabulary as vocab
from geo.crops import CROPS
from geo.lifecycle import ACTIONS, STATUSES
from layers.db.models.base import one_of
from layers.read.registry import CROP_COLORS, NTM_LEVEL_COLORS, PLACE_KIND_COLORS
from tiles.map_vocabulary import value_labels

ROOT = Path(__file__).resolve().parents[1]
TABLES = {name: table for name, table in vars(vocab).items()
          if name.isupper() and isinstance(table, dict)}


def test_every_code_has_words_in_both_languages():
    assert len(TABLES) >= 10
    for name, table in TABLES.items():
        assert table, name
        for code, (vi, en) in table.items():
            assert code.strip() == code and vi.strip() and en.strip(), (name, code)


def test_the_guards_refuse_a_stray_or_forgotten_code():
    assert vocab.per_code(vocab.CERTIFICATIONS, "t", organic=1, none=2, VietGAP=3, GlobalGAP=4) == {
        "none": 2, "VietGAP": 3, "GlobalGAP": 4, "organic": 1}  # the vocabulary's order
    with pytest.raises(ValueError, match="nothing for organic"):
        vocab.per_code(vocab.CERTIFICATIONS, "t", none=2, VietGAP=3, GlobalGAP=4)
    with pytest.raises(ValueError, match="Organic not in the vocabulary"):
        vocab.known(vocab.CERTIFICATIONS, ["VietGAP", "Organic"], "t")
    assert one_of("kind", ("a", "b")) == "kind IN ('a', 'b')"


def test_tables_keyed_by_code_follow_the_vocabulary():
    assert list(CROPS) == list(vocab.CROP_NAMES)
    assert all((c.name_vi, c.name_en) == vocab.CROP_NAMES[c.code] for c in CROPS.values())
    assert list(CROP_COLORS) == list(vocab.CROP_NAMES)
    assert list(NTM_LEVEL_COLORS) == list(vocab.NTM_LEVELS)
    assert list(PLACE_KIND_COLORS) == list(vocab.PLACE_KINDS)
    assert STATUSES == tuple(vocab.GROWING_STATUSES) and ACTIONS == tuple(vocab.GROWING_ACTIONS)


def test_pages_get_their_words_from_the_vocabulary():
    words = coded_words()
    assert words["vi"]["status.suspended"] == vocab.GROWING_STATUSES["suspended"][0]
    assert words["en"]["action.renew"] == vocab.GROWING_ACTIONS["renew"][1]
    assert words["vi"]["cert.organic"] == "Hữu cơ"
    assert set(words["vi"]) == set(words["en"])
    assert value_labels()["tourism_places"]["kind"]["craft_village"] == {"vi": "Làng nghề", "en": "Craft village"}


def _phrases() -> set[str]:
    """The Vietnamese words of more than one word: a copy of one elsewhere is a second list."""
    return {vi for table in TABLES.values() for vi, en in table.values() if " " in vi and vi != en}


def _python_copies(phrases: set[str]) -> list[str]:
    found = []
    for package in ("api", "layers", "tiles", "geo"):
        for path in (ROOT / package).rglob("*.py"):
            if path.name == "vocabulary.py" and path.parent.name == "geo":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and node.value in phrases:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}")
    return found


def _browser_copies(phrases: set[str]) -> list[str]:
    found = []
    for path in [*(ROOT / "api/static").rglob("*.js"), *(ROOT / "api/templates").rglob("*.html")]:
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(ROOT)} {p!r}" for p in phrases if f'"{p}"' in text or f">{p}<" in text]
    return found


def test_no_other_module_or_page_lists_the_words_again():
    phrases = _phrases()
    assert {"Đã cấp mã", "Nông thôn mới nâng cao", "Du lịch cộng đồng"} <= phrases
    assert _python_copies(phrases) == []
    assert _browser_copies(phrases) == []


def test_a_copy_would_be_found(tmp_path, monkeypatch):
    """The scan above can fail: a module holding a copy of a label is reported."""
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "words.py").write_text('SUSPENDED = ("Tạm đình chỉ", "Suspended")\n', encoding="utf-8")
    (tmp_path / "api" / "static").mkdir()
    (tmp_path / "api" / "static" / "i18n.js").write_text('const T = {"status.granted": "Đã cấp mã"};\n')
    for package in ("layers", "tiles", "geo", "api/templates"):
        (tmp_path / package).mkdir(exist_ok=True)
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    assert _python_copies(_phrases()) == ["api/words.py:1 'Tạm đình chỉ'"]
    assert _browser_copies(_phrases()) == ["api/static/i18n.js 'Đã cấp mã'"]
