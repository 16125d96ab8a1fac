"""A client's mistake said in the catalogue's words, in the language the request asks for.

Routes and parameter parsers raise `Refusal(400, "errors.api.…", name=value)` instead of an
HTTPException with an English text; api.errors answers with the same JSON shape and the text in
the request's language (lang=, then Accept-Language). A request that asks no language gets the
English text, which is also `detail` (logs, the tile fast path, tests that read it): programs
keep the messages they always had. A value that is itself a word (`Key`) is translated too, so
"start"/"end" of an interval read as "đầu"/"cuối" in a Vietnamese sentence; a value that is a
message from geo/ or layers/ (`geo.said.Said`: a CQL2 filter's mistake, a bbox's) is said in the
language too, its English being the text the lower layer wrote.
"""
from __future__ import annotations

from fastapi import HTTPException  # also a Starlette HTTPException: every handler and `except` sees it

from api.i18n.catalogue import t
from geo import formatting
from geo.said import Said


class Key(str):
    """A placeholder value that is a catalogue key: it is put in the message in its language."""


def say(value, lang: str):
    """A placeholder value in `lang`: a Key's or a Said's words, anything else as it is."""
    if isinstance(value, Key):
        return t(value, lang)
    if isinstance(value, Said):  # in English, the very text the lower layer wrote
        return str(value) if lang == "en" else render(value, lang)
    return value


def render(said: Said, lang: str) -> str:
    """A Said in the catalogue's words (for English too: the tests compare that with its text)."""
    return t(said.key, lang, **{k: _inner(v, lang) for k, v in said.values.items()})


def _inner(value, lang: str):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return formatting.number(value, lang, 0 if float(value).is_integer() else 6)
    return render(value, lang) if isinstance(value, Said) else say(value, lang)


class Refusal(HTTPException):
    def __init__(self, status: int, key: str, headers: dict | None = None, **values) -> None:
        self.key, self.values = key, values
        super().__init__(status, self.words("en"), headers)

    def words(self, lang: str) -> str:
        return t(self.key, lang, **{k: say(v, lang) for k, v in self.values.items()})
