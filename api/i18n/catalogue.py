"""One catalogue for every page and user-facing message, in Vietnamese and English.

Entries live in `messages/<area>.json` (one file per part of the site, so people working on
different pages do not edit the same file), each `{"key": ["tiếng Việt", "English"]}`; keys are
prefixed by their area (`map.`, `staff.`, `opendata.`, …) and `common.` holds what every page
shares. Loading fails loudly on a key defined twice or a text missing in either language, so a
page can never fall back to the other language. Placeholders are `{name}` (str.format in Python,
the same syntax in api/static/common/i18n.js).

Pages get the texts they need embedded (`i18n_script(lang, "map.", "common.")` in a template,
read by i18n.js), so a page never waits for a second request to be readable.
"""
from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

from markupsafe import Markup

LANGS = ("vi", "en")
HERE = Path(__file__).resolve().parent / "messages"


class CatalogueError(ValueError):
    pass


class Catalogue:
    def __init__(self, folder: Path = HERE):
        self.folder = folder

    @cached_property
    def entries(self) -> dict[str, tuple[str, str]]:
        out: dict[str, tuple[str, str]] = {}
        where: dict[str, str] = {}
        for path in sorted(self.folder.glob("*.json")):
            for key, pair in json.loads(path.read_text("utf-8")).items():
                if key in out:
                    raise CatalogueError(f"{key!r} is in both {where[key]} and {path.name}")
                if (not isinstance(pair, list) or len(pair) != 2
                        or not all(isinstance(s, str) and s.strip() for s in pair)):
                    raise CatalogueError(f"{path.name}: {key!r} needs [vi, en], both non-empty")
                out[key], where[key] = (pair[0], pair[1]), path.name
        return out

    def lookup(self, key: str, lang: str, **values) -> str:
        vi, en = self.entries[key]  # an unknown key is a bug: KeyError, caught by the tests
        s = vi if lang == "vi" else en
        return s.format(**values) if values else s

    def both(self, key: str) -> dict[str, str]:
        """A key's texts in both languages, for what a page switches between without reloading
        (the map's legends, titles and notes, whose keys tiles/ names)."""
        vi, en = self.entries[key]
        return {"vi": vi, "en": en}

    def subset(self, lang: str, *prefixes: str) -> dict[str, str]:
        i = 0 if lang == "vi" else 1
        return {k: v[i] for k, v in self.entries.items() if k.startswith(prefixes)}

    def script(self, lang: str, *prefixes: str) -> Markup:
        """A JSON <script> of the texts a page's scripts use (read by static/common/i18n.js)."""
        data = json.dumps(self.subset(lang, *prefixes), ensure_ascii=False).replace("</", "<\\/")
        return Markup(f'<script type="application/json" id="i18n" data-lang="{lang}">{data}</script>')


CATALOGUE = Catalogue()


def t(key: str, lang: str, **values) -> str:
    return CATALOGUE.lookup(key, lang, **values)


def both(key: str) -> dict[str, str]:
    return CATALOGUE.both(key)
