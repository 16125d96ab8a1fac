"""How Vietnamese a text looks: the share of its words that are Vietnamese syllables (initial,
nucleus, final, tone where the spelling allows it). `geo.vn_encodings.detect_encoding` scores
each legacy reading of a file's bytes with it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from geo.vn_charsets import ACUTE, DOT, TONES, VIETNAMESE_LETTERS

# --------------------------------------------------------------------------
# Detection
# --------------------------------------------------------------------------
#
# Each legacy reading of the same bytes is scored by how much of it is made
# of Vietnamese syllables. Wrong readings fail in characteristic ways: VNI
# read as TCVN3 gives two toned vowels in one syllable ("chaứo"), TCVN3 read
# as VNI or cp1258 gives symbols ("§µn", "X·"), cp1258 read as VNI leaves
# modifiers with nothing to modify. Only words containing non-ASCII bytes are
# evidence: ASCII reads the same in every candidate.

_INITIALS = tuple(
    sorted(
        # kr, pr: minority-language place names (Krông Pắc, Chư Prông).
        "b c ch d đ g gh gi h k kh kr l m n ng ngh nh p ph pr qu r s t th tr v x".split() + [""],
        key=len,
        reverse=True,
    )
)
# "k" only in minority-language names of the Central Highlands (Đắk Lắk).
_FINALS = ("ng", "nh", "ch", "c", "k", "m", "n", "p", "t", "")
_STOP_FINALS = frozenset(("c", "ch", "k", "p", "t"))
# Spelling rules: gh/ngh only before front vowels, c/ng never before them.
# (k should follow the same rule but place names break it: Bắc Kạn, Kon Tum.)
_FRONT = frozenset("eêiy")
_BEFORE_FRONT_ONLY = frozenset(("gh", "ngh"))
_NEVER_BEFORE_FRONT = frozenset(("c", "ng"))

# Vowel cluster (tone marks removed) -> positions that may carry the tone.
# Old and new tone placement ("hoà"/"hòa", "thuỷ"/"thủy") are both allowed.
_NUCLEI = {
    **{v: (0,) for v in "a ă â e ê i o ô ơ u ư y".split()},
    **{v: (0,) for v in "ai ao au ay âu ây eo êu iu oi ôi ơi ui ưi ưu ia ua ưa".split()},
    **{v: (1,) for v in "iê yê uô ươ oă uâ uơ".split()},
    **{v: (0, 1) for v in "oa oe uê uy oo".split()},
    **{v: (1,) for v in "iêu yêu oai oao oay oeo uây uôi ươi ươu uyu uya".split()},
    "uyê": (2,),
}
_OPEN_ONLY = frozenset(
    "ai ao au ay âu ây eo êu iu oi ôi ơi ui ưi ưu iêu yêu oai oao oay oeo uây uôi ươi ươu uyu "
    "ia ua ưa uya uơ".split()
)
_CLOSED_ONLY = frozenset("ă â oă uâ iê yê uô ươ uyê oo".split())
# Real but rare clusters ("xoong", "thuở", "ngoằn ngoèo"): wrong readings
# hit them more often than real text does, so they earn less credit.
_RARE_NUCLEI = frozenset("oo uơ oao oeo uyu uya".split())
_RARE_CREDIT = 0.6
# Finals that only follow some vowels ("anh", "êch"; never "ônh", "ing").
_FINAL_NUCLEI = {
    "nh": frozenset("a ê i y oa uê uy".split()),
    "ch": frozenset("a ê i oa uê uy".split()),
}
_NOT_BEFORE_VELAR = frozenset("ê i y uê uy oe".split())  # no "êng", "ic", "uyc"

_TONE_SET = frozenset(TONES)
_TOKEN_SPLIT = re.compile(r"[\s!-@\[-`{-~]+")  # whitespace, ASCII digits and punctuation

# Below this share of plausible words no candidate is believed.
MIN_SCORE = 0.5
# Partial credit for a word of Vietnamese letters that is not one syllable
# (joined words, loanwords): better than garbage, worse than a syllable.
_LETTERS_ONLY_CREDIT = 0.25
# A lone toned vowel ("ở", "ý") is a word, but random bytes produce them
# easily; it is weak evidence.
_ONE_LETTER_CREDIT = 0.5


def _tone_of(ch: str) -> str | None:
    for c in unicodedata.normalize("NFD", ch):
        if c in _TONE_SET:
            return c
    return None


def _strip_tone(ch: str) -> str:
    decomposed = unicodedata.normalize("NFD", ch)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_SET))


@lru_cache(maxsize=8192)  # place names repeat across thousands of records
def _syllable_credit(word: str) -> float:
    """How plausible a lowercase word is as one Vietnamese syllable (0 to 1)."""
    toned = [(i, t) for i, t in enumerate(map(_tone_of, word)) if t is not None]
    if len(toned) > 1:
        return 0.0
    tone_at, tone = toned[0] if toned else (None, None)
    bare = "".join(map(_strip_tone, word))
    best = 0.0
    for initial in _INITIALS:
        if not bare.startswith(initial):
            continue
        rest = bare[len(initial):]
        for final in _FINALS:
            if final and not rest.endswith(final):
                continue
            nucleus = rest[: len(rest) - len(final)]
            if _fits(initial, nucleus, final, tone, tone_at):
                best = max(best, _RARE_CREDIT if nucleus in _RARE_NUCLEI else 1.0)
    return best


def _fits(initial: str, nucleus: str, final: str, tone: str | None, tone_at: int | None) -> bool:
    tone_positions = _NUCLEI.get(nucleus)
    if tone_positions is None:
        return False
    if final and nucleus in _OPEN_ONLY or not final and nucleus in _CLOSED_ONLY:
        return False
    if final in _FINAL_NUCLEI and nucleus not in _FINAL_NUCLEI[final]:
        return False
    if final in ("ng", "c", "k") and nucleus in _NOT_BEFORE_VELAR:
        return False
    if final in _STOP_FINALS and tone not in (None, ACUTE, DOT):
        return False
    if initial in _BEFORE_FRONT_ONLY and nucleus[0] not in _FRONT:
        return False
    if initial in _NEVER_BEFORE_FRONT and nucleus[0] in _FRONT:
        return False
    if tone_at is not None and tone_at - len(initial) not in tone_positions:
        return False
    return True


def _is_bad_char(c: str) -> bool:
    if c.isascii():
        # Control characters mean binary data; NUL is DBF padding.
        return (c < " " and c not in "\t\n\r\x00") or c == "\x7f"
    return c not in VIETNAMESE_LETTERS and not c.isspace()


def vietnamese_score(texts: Iterable[str]) -> float:
    """Share of plausible Vietnamese words, minus the share of bad characters.

    Words count only if they contain non-ASCII characters; a syllable earns
    1, a run of Vietnamese letters that is no syllable a little. Characters
    outside the repertoire (symbols, U+FFFD, controls) are then subtracted
    as a share of the characters that could tell encodings apart.
    """
    credit = 0.0
    words = 0
    bad = 0
    telling = 0
    for text in texts:
        for c in text:
            if not c.isascii() or (c < " " and c != "\x00") or c == "\x7f":
                telling += 1
                bad += _is_bad_char(c)
        for token in _TOKEN_SPLIT.split(text):
            if token.isascii():
                continue
            words += 1
            if not all((c.isascii() and c.isalpha()) or c in VIETNAMESE_LETTERS for c in token):
                continue
            syllable = _syllable_credit(token.lower())
            if len(token) == 1:
                syllable = min(syllable, _ONE_LETTER_CREDIT)
            credit += syllable or _LETTERS_ONLY_CREDIT
    if not words:
        return 0.0
    return credit / words - bad / telling
