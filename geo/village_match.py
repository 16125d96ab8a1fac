"""Match the village a register row names to a village of its commune (issue 16).

Registers are typed by hand over years: "Xóm 5", "xom 5", "XÓM 05", "Thôn Đồng Tâm", "Dong Tam",
"bản Na Lạc", "Ấp 3", in Unicode, composed or not, or decoded from TCVN3. A name is compared by
its *key*: NFC, lower case, diacritics and đ folded, punctuation dropped, the kind of settlement
("thôn", "xóm", "bản", "ấp", "khối", "làng", "tổ dân phố", …) taken off the front and leading
zeros off numbers. Equal keys match; otherwise rapidfuzz's token-sort ratio over the commune's
keys (word order free, every word counted), at `CUTOFF` or above, with two guards: numbers must agree exactly ("Xóm 5" is never
"Xóm 15", however close the letters) and a tie between two villages is ambiguous, not a guess.
When keys tie, a village of the same kind wins ("Thôn 5" over "Xóm 5" for "thon 5").

Pure: rapidfuzz and the standard library, no database.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process

CUTOFF = 85.0
# Kinds of settlement as they begin a name, folded; longer first so "to dan pho" beats "to".
KINDS = ("to dan pho", "khu pho", "thon", "xom", "ban", "buon", "plei", "ap", "khoi", "lang", "soc", "khom",
         "doi", "to", "khu", "cum", "village", "hamlet")
_KIND_RE = re.compile(r"^(?:" + "|".join(k.replace(" ", r"\s+") for k in KINDS) + r")(?:\s+|$)")
_DIGITS = re.compile(r"\d+")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")  # "xom5" → "xom 5"


def fold(text: str | None) -> str:
    """Lower case without diacritics (đ → d), punctuation as spaces, spaces collapsed."""
    if not text:
        return ""
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFC", str(text)).lower().replace("đ", "d"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_LETTER_DIGIT.sub(" ", _NOT_WORD.sub(" ", text)).split())


def split_kind(text: str | None) -> tuple[str, str]:
    """(kind, key): "Xóm 05" → ("xom", "5"); "Thôn Đồng Tâm" → ("thon", "dong tam")."""
    folded = fold(text)
    kind = ""
    found = _KIND_RE.match(folded)
    if found and found.end() < len(folded):  # a name that is only "Thôn" keeps it as its key
        kind = " ".join(found.group(0).split())
        folded = folded[found.end():]
    key = _DIGITS.sub(lambda m: str(int(m.group(0))), folded)
    return kind, key


def _numbers(key: str) -> tuple[str, ...]:
    return tuple(_DIGITS.findall(key))


@dataclass(frozen=True)
class Match:
    village_id: int | None
    how: str  # "exact", "fuzzy", "ambiguous", "none", "empty"
    score: float
    candidates: tuple[int, ...] = ()  # the villages that tied, when ambiguous


class VillageMatcher:
    """The villages of one commune, ready to match many names (each distinct name once)."""

    def __init__(self, villages: list[tuple[int, str]], cutoff: float = CUTOFF) -> None:
        self.cutoff = cutoff
        self.ids = [vid for vid, _ in villages]
        split = [split_kind(name) for _, name in villages]
        self.kinds = [k for k, _ in split]
        self.keys = [k for _, k in split]
        self._exact: dict[str, list[int]] = {}
        for i, key in enumerate(self.keys):
            self._exact.setdefault(key, []).append(i)
        self._seen: dict[str, Match] = {}

    def match(self, name: str | None) -> Match:
        if name not in self._seen:
            self._seen[name] = self._match(name)
        return self._seen[name]

    def _pick(self, kind: str, hits: list[int], how: str, score: float) -> Match:
        if len(hits) > 1 and kind:
            same = [i for i in hits if self.kinds[i] == kind]
            hits = same or hits
        if len({self.ids[i] for i in hits}) > 1:
            return Match(None, "ambiguous", score, tuple(sorted(self.ids[i] for i in hits)))
        return Match(self.ids[hits[0]], how, score)

    def _match(self, name: str | None) -> Match:
        kind, key = split_kind(name)
        if not key:
            return Match(None, "empty", 0.0)
        if key in self._exact:
            return self._pick(kind, self._exact[key], "exact", 100.0)
        numbers = _numbers(key)
        found = process.extract(key, self.keys, scorer=fuzz.token_sort_ratio, score_cutoff=self.cutoff, limit=8)
        found = [(s, i) for _, s, i in found if _numbers(self.keys[i]) == numbers]
        if not found:
            return Match(None, "none", 0.0)
        best = max(s for s, _ in found)
        return self._pick(kind, [i for s, i in found if s == best], "fuzzy", round(best, 1))
