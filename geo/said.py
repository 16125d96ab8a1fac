"""English words a lower layer writes that the API can say again in the reader's language.

geo/ and layers/ cannot import the catalogue (api/i18n, imports point down), but the messages
they raise reach people: a CQL2 filter's mistake, a bbox the service cannot use, a refused write.
Such a message is a `Said`: a `str` holding the English text (what logs, tests and clients asking
no language read, as before) that also names its catalogue entry and the values that fill it.
`api.i18n.refusal` says it in the language asked for; a value may be a `Said` itself (a type, a
property's label), said in the same language, and a number (int or float, not bool) is written
with that language's separators (geo.formatting). tests/api/test_error_language_more.py checks
that the catalogue's English equals the text written here, case by case.
"""
from __future__ import annotations


class Said(str):
    key: str
    values: dict

    def __new__(cls, english: str, key: str, /, **values) -> "Said":
        said = super().__new__(cls, english)
        said.key, said.values = key, values
        return said

    def __reduce__(self):  # pickled across a bounded worker's pipe (layers.workers.bounded)
        return (_rebuild, (str(self), self.key, self.values))


def _rebuild(english: str, key: str, values: dict) -> Said:
    return Said(english, key, **values)


def said_of(exc: BaseException) -> str:
    """An exception's message: its Said when it was raised with one, else its English text."""
    first = exc.args[0] if exc.args else ""
    return first if isinstance(first, Said) else str(exc)
