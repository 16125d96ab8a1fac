"""Open Location Codes (Plus Codes), vectorised with numpy.

Households get a Plus Code next to their address code because it is a global open standard
that maps apps and delivery services already read. The `openlocationcode` package encodes one
point at a time in pure Python, too slow for a million households per import, so this module
re-implements `encode` over numpy arrays. Output must be identical to the reference: like it,
each coordinate is first turned into an integer count of the finest cell (1/25,000,000° of
latitude, 1/8,192,000° of longitude) and all digits are taken from those integers, so no
floating point error accumulates across digit positions.

Arguments are (lon, lat), the order used everywhere else in this project; the reference
package takes (lat, lon).
"""
from __future__ import annotations

import math

import numpy as np

ALPHABET = "23456789CFGHJMPQRVWX"
SEPARATOR = "+"
SEPARATOR_POSITION = 8
PADDING = "0"
ENCODING_BASE = 20
PAIR_CODE_LENGTH = 10
MAX_DIGIT_COUNT = 15
GRID_ROWS = 5
GRID_COLUMNS = 4
GRID_CODE_LENGTH = MAX_DIGIT_COUNT - PAIR_CODE_LENGTH
PAIR_PRECISION = ENCODING_BASE**3  # pair resolution 0.000125° = 1/8000°
FINAL_LAT_PRECISION = PAIR_PRECISION * GRID_ROWS**GRID_CODE_LENGTH  # 25,000,000
FINAL_LNG_PRECISION = PAIR_PRECISION * GRID_COLUMNS**GRID_CODE_LENGTH  # 8,192,000

_ASCII = np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)


def _check_length(length: int) -> int:
    if isinstance(length, bool) or not isinstance(length, int):
        raise TypeError(f"code length must be an int, got {type(length).__name__}")
    if length < 2 or (length < PAIR_CODE_LENGTH and length % 2 == 1):
        raise ValueError(f"invalid Open Location Code length {length}: use 2, 4, 6, 8 or 10..15")
    return min(length, MAX_DIGIT_COUNT)


def _lat_precision(length: int) -> float:
    # Same expression as the reference, so lat 90 is nudged down by the identical float.
    if length <= 10:
        return pow(20, math.floor((length / -2) + 2))
    return pow(20, -3) / pow(GRID_ROWS, length - 10)


def _to_int(values: np.ndarray) -> np.ndarray:
    """``int(round(v, 6))`` of the reference, element-wise, for non-negative v.

    Rounding to 6 decimals only matters when the fraction is just below 1; those rare
    borderline values go through Python's own `round` so ties resolve exactly as there.
    """
    whole = np.floor(values)
    frac = values - whole
    out = whole.astype(np.int64) + (frac > 0.9999995)
    border = np.flatnonzero(np.abs(frac - 0.9999995) < 1e-6)
    for i in border:
        out[i] = int(round(float(values[i]), 6))
    return out


def encode_many(lon: np.ndarray, lat: np.ndarray, length: int = 10) -> list[str]:
    """Full Plus Codes for arrays of points, identical to ``openlocationcode.encode(lat, lon, length)``."""
    length = _check_length(length)
    lon = np.array(lon, dtype=np.float64, ndmin=1).ravel()
    lat = np.array(lat, dtype=np.float64, ndmin=1).ravel()
    if lon.shape != lat.shape:
        raise ValueError(f"lon and lat lengths differ: {lon.size} vs {lat.size}")
    bad = np.flatnonzero(~(np.isfinite(lon) & np.isfinite(lat)))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"{bad.size} non-finite coordinate(s); first at index {i}: lon={lon[i]}, lat={lat[i]}")
    n = lon.size

    lat = np.minimum(90.0, np.maximum(-90.0, lat))
    lat = np.where(lat == 90.0, lat - _lat_precision(length), lat)
    # Add or subtract 360 step by step, as the reference does, so results match to the bit.
    while (low := lon < -180).any():
        lon = np.where(low, lon + 360, lon)
    while (high := lon >= 180).any():
        lon = np.where(high, lon - 360, lon)

    lat_val = _to_int((lat + 90) * FINAL_LAT_PRECISION)
    lng_val = _to_int((lon + 180) * FINAL_LNG_PRECISION)

    digits = np.empty((n, MAX_DIGIT_COUNT), dtype=np.int64)
    if length > PAIR_CODE_LENGTH:
        for pos in range(MAX_DIGIT_COUNT - 1, PAIR_CODE_LENGTH - 1, -1):
            digits[:, pos] = (lat_val % GRID_ROWS) * GRID_COLUMNS + lng_val % GRID_COLUMNS
            lat_val //= GRID_ROWS
            lng_val //= GRID_COLUMNS
    else:
        lat_val //= GRID_ROWS**GRID_CODE_LENGTH
        lng_val //= GRID_COLUMNS**GRID_CODE_LENGTH
    for pos in range(PAIR_CODE_LENGTH - 2, -1, -2):
        digits[:, pos] = lat_val % ENCODING_BASE
        digits[:, pos + 1] = lng_val % ENCODING_BASE
        lat_val //= ENCODING_BASE
        lng_val //= ENCODING_BASE

    if length >= SEPARATOR_POSITION:
        width = length + 1
        chars = np.empty((n, width), dtype=np.uint8)
        chars[:, :SEPARATOR_POSITION] = _ASCII[digits[:, :SEPARATOR_POSITION]]
        chars[:, SEPARATOR_POSITION] = ord(SEPARATOR)
        chars[:, SEPARATOR_POSITION + 1 :] = _ASCII[digits[:, SEPARATOR_POSITION:length]]
    else:
        width = SEPARATOR_POSITION + 1
        chars = np.full((n, width), ord(PADDING), dtype=np.uint8)
        chars[:, :length] = _ASCII[digits[:, :length]]
        chars[:, SEPARATOR_POSITION] = ord(SEPARATOR)
    return chars.view(f"S{width}").ravel().astype(f"U{width}").tolist()


def encode(lon: float, lat: float, length: int = 10) -> str:
    return encode_many(np.array([lon]), np.array([lat]), length)[0]
