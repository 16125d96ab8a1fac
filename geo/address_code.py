"""Household address codes: ``CCCC-SSSS-K``, e.g. ``7Q4K-0012-H`` (letters illustrative).

Why this scheme
---------------
* **Stable.** Communes and provinces merge (2025 saw both), so a code built from administrative
  codes would have to change with every reorganisation. The code is built from a fixed
  geographic grid instead; boundaries can move around it without touching it.
* **Short and human.** Nine characters from Crockford base 32 (``0-9`` and ``A-Z`` without
  I, L, O, U): no characters that look alike, case-insensitive, and easy to read over a phone.
* **Typo-proof.** The last character is a Luhn mod 32 check (`geo.check_character`) over the
  eight others, so any single wrong character and almost every swap of neighbours is rejected
  instead of silently pointing at another house. The one swap it misses is "0" <-> "Z".

Layout
------
* ``CCCC`` — the **cell**: a 0.0125° x 0.0125° cell (about 1.4 km) of the box lon 102.0–110.0,
  lat 8.0–23.5, which holds mainland Vietnam and its near-shore islands (Phú Quốc, Thổ Chu,
  Côn Đảo, Phú Quý, Lý Sơn, Bạch Long Vĩ). 640 columns x 1240 rows = 793,600 cells; index =
  row * 640 + col (row 0 in the south, col 0 in the west), 4 base-32 digits. Cells are half-open
  (west and south edges belong to the cell), except that points on the box's east or north edge
  go to the last column or row.
* ``SSSS`` — the **serial** of the household within its cell, 4 base-32 digits (0..1,048,575).
  `assign_serials` numbers from 1, so serial 0 is never handed out automatically.
* ``K`` — the check character.

The code says where the household was when it was registered; it does not move with it. The
cell only makes codes short and locally unique, the point in the database stays authoritative.

Islands outside the box
-----------------------
Hoàng Sa and Trường Sa lie east of 110°E, outside the box. For now a point outside the box, and
a cell index >= 793,600, is rejected with ValueError. The 254,976 spare 4-digit indices
(793,600..1,048,575) are reserved for extension blocks appended after the mainland grid at the
same resolution, e.g. 111–113°E x 15.5–17.5°N (25,600 cells) for Hoàng Sa and 111.5–117.5°E x
6.5–12°N (211,200 cells) for Trường Sa. Appending never renumbers an existing cell, so codes
issued today stay valid.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geo import check_character
from geo.said import Said

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BASE = 32
MIN_LON, MIN_LAT, MAX_LON, MAX_LAT = 102.0, 8.0, 110.0, 23.5
CELLS_PER_DEGREE = 80  # 1 / 0.0125; multiplying avoids the inexact 0.0125
CELL_SIZE = 1 / CELLS_PER_DEGREE
N_COLS = 640
N_ROWS = 1240
N_CELLS = N_COLS * N_ROWS  # 793,600
MAX_SERIAL = BASE**4 - 1  # 1,048,575

_INDEX = {ch: i for i, ch in enumerate(ALPHABET)}
_ALIASES = {"O": "0", "I": "1", "L": "1"}
_SEPARATORS = frozenset("-\u2010\u2011\u2012\u2013\u2014_.")
_ASCII = np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)
_AREA = f"lon {MIN_LON}–{MAX_LON}, lat {MIN_LAT}–{MAX_LAT}"


@dataclass(frozen=True)
class AddressCode:
    code: str
    cell: int
    serial: int
    lon: float  # centre of the cell, not the household's point
    lat: float

    def __str__(self) -> str:
        return self.code


def _edge_lon(col):
    # Shared by cells_of and cell_bounds so a point and its cell's bounds always agree.
    return MIN_LON + col / CELLS_PER_DEGREE


def _edge_lat(row):
    return MIN_LAT + row / CELLS_PER_DEGREE


def _snap(values, edge, origin, count):
    idx = np.clip(np.floor((values - origin) * CELLS_PER_DEGREE).astype(np.int64), 0, count - 1)
    # Correct the rare off-by-one from rounding in the multiplication against the exact edges.
    idx = idx - (values < edge(idx))
    idx = idx + ((idx < count - 1) & (values >= edge(idx + 1)))
    return np.clip(idx, 0, count - 1)


def cells_of(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Cell index of each point; the whole batch fails if one point is outside the box."""
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    if lon.shape != lat.shape:
        raise ValueError(f"lon and lat shapes differ: {lon.shape} vs {lat.shape}")
    inside = (lon >= MIN_LON) & (lon <= MAX_LON) & (lat >= MIN_LAT) & (lat <= MAX_LAT)
    if not inside.all():
        bad = np.flatnonzero(~inside.ravel())
        i = int(bad[0])
        raise ValueError(
            f"{bad.size} point(s) outside the address-code area ({_AREA}); first at index {i}: "
            f"lon={float(lon.ravel()[i])!r}, lat={float(lat.ravel()[i])!r}. Islands east of 110°E (Hoàng Sa, "
            "Trường Sa) are not covered yet"
        )
    col = _snap(lon, _edge_lon, MIN_LON, N_COLS)
    row = _snap(lat, _edge_lat, MIN_LAT, N_ROWS)
    return row * N_COLS + col


def cell_of(lon: float, lat: float) -> int:
    try:
        return int(cells_of(np.array([lon]), np.array([lat]))[0])
    except ValueError:
        raise ValueError(
            f"point lon={lon!r}, lat={lat!r} is outside the address-code area ({_AREA}); "
            "islands east of 110°E (Hoàng Sa, Trường Sa) are not covered yet"
        ) from None


def _check_cell(cell: int) -> int:
    if isinstance(cell, bool) or not isinstance(cell, (int, np.integer)):
        raise TypeError(f"cell must be an int, got {type(cell).__name__}")
    if not 0 <= cell < N_CELLS:
        raise ValueError(
            f"cell {cell} is outside the address-code grid (0..{N_CELLS - 1}); "
            f"indices {N_CELLS}..{BASE**4 - 1} are reserved for island extensions"
        )
    return int(cell)


def cell_bounds(cell: int) -> tuple[float, float, float, float]:
    """(minlon, minlat, maxlon, maxlat); the cell is half-open on its east and north edges."""
    row, col = divmod(_check_cell(cell), N_COLS)
    return (_edge_lon(col), _edge_lat(row), _edge_lon(col + 1), _edge_lat(row + 1))


def _digits4(values: np.ndarray) -> np.ndarray:
    return np.stack([(values >> s) & (BASE - 1) for s in (15, 10, 5, 0)], axis=1)


def _as_int_array(values, name: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must hold integers, got dtype {arr.dtype}")
    return arr.astype(np.int64)


def _check_range(arr: np.ndarray, hi: int, name: str) -> None:
    bad = np.flatnonzero((arr < 0) | (arr > hi))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"{bad.size} {name} value(s) outside 0..{hi}; first at index {i}: {int(arr[i])}")


def make_many(cells: np.ndarray, serials: np.ndarray) -> list[str]:
    """Codes for many (cell, serial) pairs; stays in integer arrays until one final decode."""
    cells = _as_int_array(cells, "cells")
    serials = _as_int_array(serials, "serials")
    if cells.shape != serials.shape:
        raise ValueError(f"cells and serials lengths differ: {cells.size} vs {serials.size}")
    _check_range(cells, N_CELLS - 1, "cell")
    _check_range(serials, MAX_SERIAL, "serial")
    payload = np.concatenate([_digits4(cells), _digits4(serials)], axis=1)
    check = check_character.compute_many(payload, BASE)
    out = np.empty((cells.size, 11), dtype=np.uint8)
    out[:, 0:4] = _ASCII[payload[:, 0:4]]
    out[:, 5:9] = _ASCII[payload[:, 4:8]]
    out[:, 10] = _ASCII[check]
    out[:, 4] = out[:, 9] = ord("-")
    return out.view("S11").ravel().astype("U11").tolist()


def make(cell: int, serial: int) -> str:
    _check_cell(cell)
    if isinstance(serial, bool) or not isinstance(serial, (int, np.integer)):
        raise TypeError(f"serial must be an int, got {type(serial).__name__}")
    if not 0 <= serial <= MAX_SERIAL:
        raise ValueError(f"serial {serial} is outside 0..{MAX_SERIAL}")
    return make_many(np.array([cell]), np.array([serial]))[0]


def assign_serials(cells: np.ndarray, taken: dict[int, int] | None = None) -> np.ndarray:
    """Serials for new households, in input order: per cell, input order after the highest taken.

    `taken` maps cell -> highest serial already used there (0 or absent: none), so numbering
    starts at 1 and a re-run with the database's current maxima never reissues a serial.
    """
    cells = _as_int_array(cells, "cells")
    _check_range(cells, N_CELLS - 1, "cell")
    n = cells.size
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(cells, kind="stable")  # stable: ties keep input order
    sorted_cells = cells[order]
    first = np.empty(n, dtype=bool)
    first[0] = True
    np.not_equal(sorted_cells[1:], sorted_cells[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    group = np.cumsum(first) - 1
    rank = np.arange(n) - starts[group]
    base = np.zeros(starts.size, dtype=np.int64)
    if taken:
        keys = np.fromiter(taken.keys(), dtype=np.int64, count=len(taken))
        values = np.fromiter(taken.values(), dtype=np.int64, count=len(taken))
        _check_range(values, MAX_SERIAL, "taken serial")
        key_order = np.argsort(keys)
        keys, values = keys[key_order], values[key_order]
        unique_cells = sorted_cells[starts]
        pos = np.clip(np.searchsorted(keys, unique_cells), 0, keys.size - 1)
        hit = keys[pos] == unique_cells
        base[hit] = values[pos[hit]]
    serial_sorted = base[group] + 1 + rank
    full = np.flatnonzero(serial_sorted > MAX_SERIAL)
    if full.size:
        cell = int(sorted_cells[full[0]])
        raise ValueError(f"cell {cell} would need serial {int(serial_sorted[full[0]])} > {MAX_SERIAL}")
    serials = np.empty(n, dtype=np.int64)
    serials[order] = serial_sorted
    return serials


def decode(digits: str) -> int:
    """Value of base-32 digits (a cell or a serial as written in a code)."""
    value = 0
    for ch in digits:
        value = value * BASE + _INDEX[ch]
    return value


def normalize(text: str) -> str:
    """Canonical ``CCCC-SSSS-K`` from what a person typed; errors say what to fix."""
    if not isinstance(text, str):
        raise TypeError(f"address code must be a string, got {type(text).__name__}")
    chars = []
    for pos, ch in enumerate(text, 1):
        if ch in _SEPARATORS or ch.isspace():
            continue
        up = ch.upper()
        up = _ALIASES.get(up, up)
        if up not in _INDEX:
            raise ValueError(Said(
                f"bad character {ch!r} at position {pos} of {text!r}: address codes use digits "
                "and letters except U (O is read as 0, I and L as 1)", "errors.address.character",
                ch=repr(ch), pos=pos, text=repr(text)))
        chars.append(up)
    if len(chars) != 9:
        raise ValueError(Said(f"an address code has 9 characters (CCCC-SSSS-K), got {len(chars)} in {text!r}",
                              "errors.address.length", n=len(chars), text=repr(text)))
    code = "".join(chars)
    if not check_character.is_valid(code, ALPHABET):
        raise ValueError(Said(f"check character mismatch: maybe a typo in {text!r}", "errors.address.check",
                              text=repr(text)))
    cell = decode(code[:4])
    if cell >= N_CELLS:
        raise ValueError(Said(
            f"{text!r} names cell {cell}, outside the address-code grid (0..{N_CELLS - 1}); "
            "that range is reserved for island extensions", "errors.address.cell", text=repr(text), cell=str(cell),
            last=str(N_CELLS - 1)))
    return f"{code[:4]}-{code[4:8]}-{code[8]}"


def parse(text: str) -> AddressCode:
    code = normalize(text)
    cell, serial = decode(code[:4]), decode(code[5:9])
    minlon, minlat, maxlon, maxlat = cell_bounds(cell)
    return AddressCode(code, cell, serial, (minlon + maxlon) / 2, (minlat + maxlat) / 2)


def is_valid(text: str) -> bool:
    try:
        normalize(text)
    except (TypeError, ValueError):
        return False
    return True
