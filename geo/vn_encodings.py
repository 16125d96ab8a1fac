"""Decode the legacy 8-bit Vietnamese encodings found in old shapefiles.

Most commune, district and land-use shapefiles in Vietnam were digitised in
the 1990s and 2000s with MapInfo/ArcView and the ".VnTime" (TCVN3, also called
ABC) or "VNI-Times" (VNI-Windows) fonts. Those fonts did not change the
encoding: they drew Vietnamese letters in place of the Western 8-bit ones.
The DBF attribute tables therefore hold bytes that mean "Nghĩa Đàn" only
when read with the right font, and nothing in the file says which font that
was (a .cpg sidecar, if any, names a Windows code page). GDAL then hands us
the text decoded as Latin-1, e.g. "NghÜa §µn".

Python has no TCVN3 or VNI codec, so this module provides them (and treats
Windows-1258, which Python does know, the same way), plus a detector that
guesses which of them a file uses by checking which reading looks like
Vietnamese syllables. Everything here is pure: no I/O, standard library only.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from collections.abc import Iterable

__all__ = [
    "SUPPORTED",
    "UnknownEncodingError",
    "decode",
    "decode_tcvn3",
    "decode_vni",
    "detect_encoding",
    "encode_tcvn3",
    "encode_vni",
    "from_latin1",
    "VIETNAMESE_LETTERS",
]

SUPPORTED = ("utf-8", "tcvn3", "vni", "cp1258")

_LEGACY = ("tcvn3", "vni", "cp1258")

# Spellings people type for --encoding; all map onto SUPPORTED.
_ALIASES = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "tcvn3": "tcvn3",
    "tcvn": "tcvn3",
    "tcvn-3": "tcvn3",
    "vn3": "tcvn3",
    "abc": "tcvn3",
    "vni": "vni",
    "vni-windows": "vni",
    "vniwin": "vni",
    "cp1258": "cp1258",
    "windows-1258": "cp1258",
    "windows1258": "cp1258",
}


class UnknownEncodingError(ValueError):
    """No candidate encoding turns the samples into plausible Vietnamese."""


# --------------------------------------------------------------------------
# The Vietnamese repertoire
# --------------------------------------------------------------------------

# Combining tone marks in the order the tables below list their columns.
_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT = "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"
_TONES = (_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT)
_BASE_VOWELS = "aăâeêioôơuưy"


def _with_tone(base: str, tone: str) -> str:
    return unicodedata.normalize("NFC", base + tone)


def _build_letters() -> frozenset[str]:
    letters = {"đ", "Đ"}
    for base in _BASE_VOWELS:
        for b in (base, base.upper()):
            if not b.isascii():
                letters.add(b)
            letters.update(_with_tone(b, t) for t in _TONES)
    return frozenset(letters)


#: The 134 letters with diacritics (67 lowercase incl. đ, 67 uppercase incl. Đ).
VIETNAMESE_LETTERS = _build_letters()


# --------------------------------------------------------------------------
# TCVN3 (TCVN 5712:1993 "VN3", the .VnTime / ABC fonts)
# --------------------------------------------------------------------------
#
# Byte values checked against four public tables, which agree on every
# position used here:
#   * GNU libiconv / XFree86 lcUniConv ``tcvn.h`` (TCVN5712-1 = VN1, a
#     superset of VN3),
#   * xvnkb ``tcvn.h`` (Dao Hai Lam),
#   * npm ``vietnamese-conversion`` (duydev) ``src/charsets.ts``,
#   * VBKey ``Modules/mdlCodeTable.bas`` (TCVN3_TABLE).
# Disagreements, none of which affects the positions below:
#   * VN1 (libiconv) also puts capitals with tone marks at 0x01-0x17,
#     0x80-0x9F, 0xAF, 0xBA, 0xBF-0xC5, 0xCD, 0xD9-0xDB, 0xE0, 0xF0, 0xFF and
#     combining tone marks at 0xB0-0xB4. VN3 leaves those out (the .VnTimeH
#     capital fonts reuse the lowercase codes), so we do too.
#   * For capitals with tone marks xvnkb uses a mix of VN1 positions and the
#     lowercase codes, VBKey uses the lowercase codes, and duydev writes the
#     plain capital followed by the lowercase toned code (e.g. "A" + 0xB5 for
#     "À"), which reads back as two letters. We follow VBKey only as an
#     opt-in when encoding (``fold_capitals=True``).

# Vowel, then the bytes for grave, hook, tilde, acute, dot below.
_TCVN3_TONED = (
    ("a", 0xB5, 0xB6, 0xB7, 0xB8, 0xB9),
    ("ă", 0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    ("â", 0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    ("e", 0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    ("ê", 0xD2, 0xD3, 0xD4, 0xD5, 0xD6),
    ("i", 0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    ("o", 0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
    ("ô", 0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    ("ơ", 0xEA, 0xEB, 0xEC, 0xED, 0xEE),
    ("u", 0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    ("ư", 0xF5, 0xF6, 0xF7, 0xF8, 0xF9),
    ("y", 0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
)
# Letters without tone marks; the only capitals VN3 has.
_TCVN3_PLAIN = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
}


def _build_tcvn3() -> tuple[dict[int, str], dict[str, int]]:
    dec: dict[int, str] = {0xA0: "\u00a0"}  # libiconv: 0xA0 is NO-BREAK SPACE
    dec.update(_TCVN3_PLAIN)
    for base, *codes in _TCVN3_TONED:
        for tone, code in zip(_TONES, codes):
            dec[code] = _with_tone(base, tone)
    enc = {ch: code for code, ch in dec.items()}
    return dec, enc


_TCVN3_DECODE, _TCVN3_ENCODE = _build_tcvn3()


# --------------------------------------------------------------------------
# VNI-Windows (VNI-Times fonts)
# --------------------------------------------------------------------------
#
# A letter is an ASCII vowel (or one of the one-byte letters below) followed
# by one modifier byte that carries the hat/breve and/or the tone. Checked
# against xvnkb ``vni.h``, duydev ``src/charsets.ts`` (VNI) and VBKey
# ``VNI_WINDOWS_TABLE``; all three agree. Capital letters take the capital
# modifier, which is always the lowercase modifier byte minus 0x20.

# Letters that are a single byte (lowercase code; capital = code - 0x20).
_VNI_SINGLE_LOWER = {
    0xF4: "ơ", 0xF6: "ư", 0xF1: "đ",
    0xEC: "ì", 0xED: "í", 0xE6: "ỉ", 0xF3: "ĩ", 0xF2: "ị",
    0xEE: "ỵ",
}
# Modifier byte (lowercase form) -> combining marks it adds to the base.
_CIRC, _BREVE = "\u0302", "\u0306"
_VNI_MODIFIER_LOWER = {
    0xF8: _GRAVE, 0xFB: _HOOK, 0xF5: _TILDE, 0xF9: _ACUTE, 0xEF: _DOT,
    0xE2: _CIRC, 0xE0: _CIRC + _GRAVE, 0xE5: _CIRC + _HOOK,
    0xE3: _CIRC + _TILDE, 0xE1: _CIRC + _ACUTE, 0xE4: _CIRC + _DOT,
    0xEA: _BREVE, 0xE8: _BREVE + _GRAVE, 0xFA: _BREVE + _HOOK,
    0xFC: _BREVE + _TILDE, 0xE9: _BREVE + _ACUTE, 0xEB: _BREVE + _DOT,
}


def _build_vni() -> tuple[dict[int, str], dict[int, str], dict[str, bytes]]:
    single: dict[int, str] = {}
    for code, ch in _VNI_SINGLE_LOWER.items():
        single[code] = ch
        single[code - 0x20] = ch.upper()
    modifiers: dict[int, str] = {}
    for code, marks in _VNI_MODIFIER_LOWER.items():
        modifiers[code] = marks
        modifiers[code - 0x20] = marks
    enc: dict[str, bytes] = {ch: bytes([code]) for code, ch in single.items()}
    bases = {ord(c): c for c in "aeiouyAEIOUY"}
    bases.update({c: ch for c, ch in single.items() if ch in "ơưƠƯ"})
    for bcode, bch in bases.items():
        for mcode, marks in _VNI_MODIFIER_LOWER.items():
            if bch.isupper():
                mcode -= 0x20
            letter = unicodedata.normalize("NFC", bch + marks)
            if letter in VIETNAMESE_LETTERS and letter not in enc:
                enc[letter] = bytes([bcode, mcode])
    return single, modifiers, enc


_VNI_SINGLE, _VNI_MODIFIERS, _VNI_ENCODE = _build_vni()
_VNI_BASES = frozenset(ord(c) for c in "aeiouyAEIOUY") | {
    code for code, ch in _VNI_SINGLE.items() if ch in "ơưƠƯ"
}


# --------------------------------------------------------------------------
# Decoding and encoding
# --------------------------------------------------------------------------

_ERRORS = ("strict", "replace")


def _undefined(name: str, raw: bytes, pos: int, errors: str) -> str:
    if errors == "strict":
        reason = f"byte 0x{raw[pos]:02X} is not defined in {name}"
        raise UnicodeDecodeError(name, raw, pos, pos + 1, reason)
    return "\ufffd"


def _check_errors(errors: str) -> None:
    if errors not in _ERRORS:
        raise ValueError(f"errors must be one of {_ERRORS}, not {errors!r}")


def decode_tcvn3(raw: bytes, errors: str = "replace") -> str:
    """Decode TCVN3 (VN3) bytes to NFC text.

    Undefined bytes become U+FFFD by default so that one stray byte does not
    stop a whole import; pass ``errors="strict"`` to get UnicodeDecodeError.
    Capitals with tone marks come back lowercase: VN3 has no codes for them.
    """
    _check_errors(errors)
    raw = bytes(raw)
    out = []
    for pos, b in enumerate(raw):
        if b < 0x80:
            out.append(chr(b))
        else:
            ch = _TCVN3_DECODE.get(b)
            out.append(ch if ch is not None else _undefined("tcvn3", raw, pos, errors))
    return unicodedata.normalize("NFC", "".join(out))


def decode_vni(raw: bytes, errors: str = "replace") -> str:
    """Decode VNI-Windows bytes to NFC text.

    A modifier byte is accepted after a base of either case (a case slip in
    the source costs nothing to forgive), but a modifier that does not make
    a Vietnamese letter with what precedes it is treated as undefined: passed
    through it would read as a plausible Latin-1 letter such as "ù".
    """
    _check_errors(errors)
    raw = bytes(raw)
    out = []
    pos, n = 0, len(raw)
    while pos < n:
        b = raw[pos]
        if b in _VNI_BASES and pos + 1 < n and raw[pos + 1] in _VNI_MODIFIERS:
            base = chr(b) if b < 0x80 else _VNI_SINGLE[b]
            letter = unicodedata.normalize("NFC", base + _VNI_MODIFIERS[raw[pos + 1]])
            if letter in VIETNAMESE_LETTERS:
                out.append(letter)
                pos += 2
                continue
        if b < 0x80:
            out.append(chr(b))
        elif b in _VNI_SINGLE:
            out.append(_VNI_SINGLE[b])
        else:
            out.append(_undefined("vni", raw, pos, errors))
        pos += 1
    return unicodedata.normalize("NFC", "".join(out))


def _decode_cp1258(raw: bytes, errors: str = "replace") -> str:
    # cp1258 writes most toned letters as base + combining mark.
    return unicodedata.normalize("NFC", bytes(raw).decode("cp1258", errors))


def _decode_utf8(raw: bytes, errors: str = "replace") -> str:
    return unicodedata.normalize("NFC", bytes(raw).decode("utf-8", errors))


_DECODERS = {
    "utf-8": _decode_utf8,
    "tcvn3": decode_tcvn3,
    "vni": decode_vni,
    "cp1258": _decode_cp1258,
}


def _canonical(encoding: str) -> str:
    key = encoding.strip().lower().replace("_", "-")
    if key not in _ALIASES:
        raise ValueError(f"unsupported encoding {encoding!r}; use one of {', '.join(SUPPORTED)}")
    return _ALIASES[key]


def decode(raw: bytes, encoding: str, errors: str = "replace") -> str:
    """Decode raw DBF bytes with any of SUPPORTED (aliases such as "abc" or
    "windows-1258" accepted), so callers holding bytes need not dispatch."""
    _check_errors(errors)
    return _DECODERS[_canonical(encoding)](raw, errors)


def from_latin1(text: str, encoding: str, errors: str = "replace") -> str:
    """Re-read text that GDAL decoded as Latin-1 using the real encoding.

    Latin-1 maps every byte to the code point of the same value, so encoding
    back to Latin-1 recovers the original bytes exactly.
    """
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError as exc:
        bad = text[exc.start]
        raise ValueError(
            f"{bad!r} (U+{ord(bad):04X}) is above U+00FF, so this text was not decoded as Latin-1"
        ) from None
    return decode(raw, encoding, errors)


def _cannot_encode(name: str, ch: str, pos: int, hint: str = "") -> ValueError:
    return ValueError(f"{name} has no code for {ch!r} (U+{ord(ch):04X}) at position {pos}{hint}")


def encode_tcvn3(text: str, *, fold_capitals: bool = False) -> bytes:
    """Encode text as TCVN3 (VN3), e.g. to write legacy fixture files.

    VN3 cannot represent capitals with tone marks. With ``fold_capitals``
    they are written with the lowercase code, as VBKey's table does (the
    .VnTimeH capital fonts draw those codes as capitals); otherwise
    ValueError.
    """
    out = bytearray()
    for pos, ch in enumerate(unicodedata.normalize("NFC", text)):
        if ch < "\x80":
            out.append(ord(ch))
            continue
        code = _TCVN3_ENCODE.get(ch)
        if code is None and fold_capitals and ch in VIETNAMESE_LETTERS:
            code = _TCVN3_ENCODE.get(ch.lower())
        if code is None:
            hint = ""
            if ch in VIETNAMESE_LETTERS:
                hint = " (VN3 has no capitals with tone marks; see fold_capitals)"
            raise _cannot_encode("TCVN3", ch, pos, hint)
        out.append(code)
    return bytes(out)


def encode_vni(text: str) -> bytes:
    """Encode text as VNI-Windows, e.g. to write legacy fixture files."""
    out = bytearray()
    for pos, ch in enumerate(unicodedata.normalize("NFC", text)):
        if ch < "\x80":
            out.append(ord(ch))
            continue
        seq = _VNI_ENCODE.get(ch)
        if seq is None:
            raise _cannot_encode("VNI", ch, pos)
        out += seq
    return bytes(out)


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

_TONE_SET = frozenset(_TONES)
_TOKEN_SPLIT = re.compile(r"[\s!-@\[-`{-~]+")  # whitespace, ASCII digits and punctuation

# Below this share of plausible words no candidate is believed.
_MIN_SCORE = 0.5
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
    if final in _STOP_FINALS and tone not in (None, _ACUTE, _DOT):
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


def _vietnamese_score(texts: Iterable[str]) -> float:
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


def _scores(samples: list[bytes]) -> dict[str, float]:
    return {
        enc: _vietnamese_score(_DECODERS[enc](raw, "replace") for raw in samples) for enc in _LEGACY
    }


def detect_encoding(samples: list[bytes]) -> str:
    """Guess the encoding of a file's text fields from raw byte samples.

    Returns "ascii" when there is nothing to tell encodings apart, "utf-8"
    when every sample is valid UTF-8, else the legacy encoding whose reading
    looks most like Vietnamese. One short value can be ambiguous (0xF4 reads
    as "ụ", "ơ" or "ô"), so pass as many distinct values as are at hand; on
    equal scores the order of SUPPORTED wins, TCVN3 (the national standard
    of the period) first.
    """
    raws = []
    for s in samples:
        if s is None:
            continue
        if isinstance(s, str):
            raise TypeError(
                "samples must be bytes; for text GDAL decoded as Latin-1 pass s.encode('latin-1')"
            )
        raws.append(bytes(s))
    if all(raw.isascii() for raw in raws):
        return "ascii"
    try:
        for raw in raws:
            raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    scores = _scores(raws)
    best = max(_LEGACY, key=lambda enc: scores[enc])  # max keeps the first on ties
    if scores[best] < _MIN_SCORE:
        tried = ", ".join(f"{enc} ({scores[enc]:.2f})" for enc in _LEGACY)
        raise UnknownEncodingError(
            f"the text does not look like Vietnamese in any supported encoding "
            f"(tried utf-8, {tried}; a score of 1 means every word read as Vietnamese); "
            f"if you know the encoding, pass it with --encoding (one of {', '.join(SUPPORTED)})"
        )
    return best
