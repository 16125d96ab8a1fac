"""The one vi/en catalogue: every text in both languages, no key twice, placeholders alike."""
from __future__ import annotations

import json
import re

import pytest

from api.i18n.catalogue import HERE, Catalogue, CatalogueError

pytestmark = pytest.mark.unit


def test_every_entry_has_both_languages_with_the_same_placeholders():
    entries = Catalogue().entries
    assert entries["common.nav.map"] == ("Bản đồ", "Map")
    for key, (vi, en) in entries.items():
        assert set(re.findall(r"\{(\w+)\}", vi)) == set(re.findall(r"\{(\w+)\}", en)), key
        area = key.split(".", 1)[0]
        assert (HERE / f"{area}.json").is_file(), f"{key}: keys start with their file's name"


def test_a_key_twice_or_a_missing_language_is_refused(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps({"a.x": ["một", "one"]}), "utf-8")
    (tmp_path / "b.json").write_text(json.dumps({"a.x": ["hai", "two"]}), "utf-8")
    with pytest.raises(CatalogueError, match="in both a.json and b.json"):
        Catalogue(tmp_path).entries
    (tmp_path / "b.json").write_text(json.dumps({"b.y": ["hai", ""]}), "utf-8")
    with pytest.raises(CatalogueError, match="needs \\[vi, en\\]"):
        Catalogue(tmp_path).entries


def test_a_page_script_holds_only_its_texts_and_cannot_end_the_script_tag():
    cat = Catalogue()
    html = str(cat.script("en", "common.nav."))
    assert '"common.nav.map": "Map"' in html and "common.yes" not in html and 'data-lang="en"' in html
    assert "</script" not in html[len('<script type="application/json" id="i18n" data-lang="en">'):-len("</script>")]
