"""The byte tables of the legacy 8-bit Vietnamese encodings (TCVN3, VNI-Windows) and the
repertoire of Vietnamese letters, checked against the public tables named below. Data, read by
the codecs in `geo.vn_encodings`.
"""

from __future__ import annotations

import unicodedata

# --------------------------------------------------------------------------
# The Vietnamese repertoire
# --------------------------------------------------------------------------

# Combining tone marks in the order the tables below list their columns.
GRAVE, HOOK, TILDE, ACUTE, DOT = "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"
TONES = (GRAVE, HOOK, TILDE, ACUTE, DOT)
_BASE_VOWELS = "aăâeêioôơuưy"


def _with_tone(base: str, tone: str) -> str:
    return unicodedata.normalize("NFC", base + tone)


def _build_letters() -> frozenset[str]:
    letters = {"đ", "Đ"}
    for base in _BASE_VOWELS:
        for b in (base, base.upper()):
            if not b.isascii():
                letters.add(b)
            letters.update(_with_tone(b, t) for t in TONES)
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
        for tone, code in zip(TONES, codes):
            dec[code] = _with_tone(base, tone)
    enc = {ch: code for code, ch in dec.items()}
    return dec, enc


TCVN3_DECODE, TCVN3_ENCODE = _build_tcvn3()


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
    0xF8: GRAVE, 0xFB: HOOK, 0xF5: TILDE, 0xF9: ACUTE, 0xEF: DOT,
    0xE2: _CIRC, 0xE0: _CIRC + GRAVE, 0xE5: _CIRC + HOOK,
    0xE3: _CIRC + TILDE, 0xE1: _CIRC + ACUTE, 0xE4: _CIRC + DOT,
    0xEA: _BREVE, 0xE8: _BREVE + GRAVE, 0xFA: _BREVE + HOOK,
    0xFC: _BREVE + TILDE, 0xE9: _BREVE + ACUTE, 0xEB: _BREVE + DOT,
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


VNI_SINGLE, VNI_MODIFIERS, VNI_ENCODE = _build_vni()
VNI_BASES = frozenset(ord(c) for c in "aeiouyAEIOUY") | {
    code for code, ch in VNI_SINGLE.items() if ch in "ơưƠƯ"
}
