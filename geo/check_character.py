"""Luhn mod N check characters over an arbitrary alphabet.

Codes in this project are typed by people (from a door plate, a phone call, a paper form), so
each carries one check character. Luhn mod N is the generalisation of the credit-card Luhn
check to an alphabet of any even size N: one extra character catches every single-character
substitution and every transposition of two adjacent characters except the pair made of the
alphabet's first and last characters (for Crockford base 32: "0" <-> "Z"). It needs no tables,
unlike Damm or Verhoeff, which matters because the same arithmetic must be reproducible in
SQL, JavaScript and spreadsheets.

Positions are weighted 1, 2, 1, 2, ... from the right of the full code (check included); a
doubled value v >= N becomes v - N + 1 (the sum of its base-N "digits").
"""
from __future__ import annotations

import numpy as np


def _index(alphabet: str) -> dict[str, int]:
    n = len(alphabet)
    if n < 2 or n % 2:
        raise ValueError(f"Luhn mod N needs an even alphabet size >= 2, got {n}")
    index = {ch: i for i, ch in enumerate(alphabet)}
    if len(index) != n:
        raise ValueError("alphabet has repeated characters")
    return index


def _codepoints(text: str, alphabet: str) -> list[int]:
    index = _index(alphabet)
    try:
        return [index[ch] for ch in text]
    except KeyError as exc:
        pos = next(i for i, ch in enumerate(text) if ch not in index) + 1
        raise ValueError(f"character {exc.args[0]!r} at position {pos} is not in the alphabet") from None


def _weighted_sum(codepoints: list[int], n: int, double_rightmost: bool) -> int:
    total = 0
    double = double_rightmost
    for cp in reversed(codepoints):
        v = cp * 2 if double else cp
        total += v - n + 1 if v >= n else v
        double = not double
    return total


def compute(payload: str, alphabet: str) -> str:
    """Check character to append to `payload` (the rightmost payload character gets weight 2)."""
    n = len(alphabet)
    total = _weighted_sum(_codepoints(payload, alphabet), n, double_rightmost=True)
    return alphabet[(n - total % n) % n]


def is_valid(code_with_check: str, alphabet: str) -> bool:
    """True when the last character is the right check for the rest; ValueError on foreign characters."""
    cps = _codepoints(code_with_check, alphabet)
    if not cps:
        return False
    return _weighted_sum(cps, len(alphabet), double_rightmost=False) % len(alphabet) == 0


def compute_many(codepoints: np.ndarray, n: int) -> np.ndarray:
    """Check code points for each row of an (rows, payload_length) array of code points.

    Vectorised twin of `compute` for bulk issuing; it works on indices, not characters, so
    callers can stay in integer arrays until the final string conversion.
    """
    cps = np.asarray(codepoints, dtype=np.int64)
    if cps.ndim != 2:
        raise ValueError("codepoints must be a 2-D array (rows, payload_length)")
    if n < 2 or n % 2:
        raise ValueError(f"Luhn mod N needs an even alphabet size >= 2, got {n}")
    if cps.size and (cps.min() < 0 or cps.max() >= n):
        raise ValueError(f"code points must lie in 0..{n - 1}")
    width = cps.shape[1]
    # Weight 2 on the rightmost payload position, then alternate leftwards.
    weights = np.where((width - 1 - np.arange(width)) % 2 == 0, 2, 1)
    v = cps * weights
    v = np.where(v >= n, v - n + 1, v)
    return (n - v.sum(axis=1) % n) % n
