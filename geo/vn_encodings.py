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
Vietnamese syllables (`geo.vn_syllables`); the byte tables are in
`geo.vn_charsets`. Everything here is pure: no I/O, standard library only.
"""

from __future__ import annotations

import unicodedata

from geo.vn_charsets import (
    TCVN3_DECODE, TCVN3_ENCODE, VIETNAMESE_LETTERS, VNI_BASES, VNI_ENCODE, VNI_MODIFIERS, VNI_SINGLE,
)
from geo.vn_syllables import MIN_SCORE, vietnamese_score

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
            ch = TCVN3_DECODE.get(b)
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
        if b in VNI_BASES and pos + 1 < n and raw[pos + 1] in VNI_MODIFIERS:
            base = chr(b) if b < 0x80 else VNI_SINGLE[b]
            letter = unicodedata.normalize("NFC", base + VNI_MODIFIERS[raw[pos + 1]])
            if letter in VIETNAMESE_LETTERS:
                out.append(letter)
                pos += 2
                continue
        if b < 0x80:
            out.append(chr(b))
        elif b in VNI_SINGLE:
            out.append(VNI_SINGLE[b])
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
        code = TCVN3_ENCODE.get(ch)
        if code is None and fold_capitals and ch in VIETNAMESE_LETTERS:
            code = TCVN3_ENCODE.get(ch.lower())
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
        seq = VNI_ENCODE.get(ch)
        if seq is None:
            raise _cannot_encode("VNI", ch, pos)
        out += seq
    return bytes(out)


def _scores(samples: list[bytes]) -> dict[str, float]:
    return {
        enc: vietnamese_score(_DECODERS[enc](raw, "replace") for raw in samples) for enc in _LEGACY
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
    if scores[best] < MIN_SCORE:
        tried = ", ".join(f"{enc} ({scores[enc]:.2f})" for enc in _LEGACY)
        raise UnknownEncodingError(
            f"the text does not look like Vietnamese in any supported encoding "
            f"(tried utf-8, {tried}; a score of 1 means every word read as Vietnamese); "
            f"if you know the encoding, pass it with --encoding (one of {', '.join(SUPPORTED)})"
        )
    return best
