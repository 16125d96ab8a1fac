"""A client's mistake said in the catalogue's words, in the language the request asks for.

Routes and parameter parsers raise `Refusal(400, "errors.api.…", name=value)` instead of an
HTTPException with an English text; api.errors answers with the same JSON shape and the text in
the request's language (lang=, then Accept-Language). A request that asks no language gets the
English text, which is also `detail` (logs, the tile fast path, tests that read it): programs
keep the messages they always had. A value that is itself a word (`Key`) is translated too, so
"start"/"end" of an interval read as "đầu"/"cuối" in a Vietnamese sentence.
"""
from __future__ import annotations

from starlette.exceptions import HTTPException

from api.i18n.catalogue import t


class Key(str):
    """A placeholder value that is a catalogue key: it is put in the message in its language."""


class Refusal(HTTPException):
    def __init__(self, status: int, key: str, headers: dict | None = None, **values) -> None:
        self.key, self.values = key, values
        super().__init__(status, self.words("en"), headers)

    def words(self, lang: str) -> str:
        return t(self.key, lang, **{k: t(v, lang) if isinstance(v, Key) else v for k, v in self.values.items()})
