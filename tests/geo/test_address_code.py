import itertools

import numpy as np
import pytest

from geo import address_code as ac
from geo import check_character as cc

ALPHABET = ac.ALPHABET


def _sample_codes(n=200, seed=1):
    rng = np.random.default_rng(seed)
    cells = rng.integers(0, ac.N_CELLS, n)
    serials = rng.integers(0, ac.MAX_SERIAL + 1, n)
    return ac.make_many(cells, serials)


# --- check character -------------------------------------------------------------------------


def test_check_character_known_luhn_mod_10_value():
    # Classic Luhn example: 7992739871 has check digit 3.
    assert cc.compute("7992739871", "0123456789") == "3"
    assert cc.is_valid("79927398713", "0123456789")
    assert not cc.is_valid("79927398710", "0123456789")


def test_check_character_rejects_foreign_characters():
    with pytest.raises(ValueError, match="'U'.*position 3"):
        cc.compute("12U4", ALPHABET)
    with pytest.raises(ValueError, match="not in the alphabet"):
        cc.is_valid("12U4", ALPHABET)
    with pytest.raises(ValueError, match="even"):
        cc.compute("12", "012")


def test_compute_many_matches_compute():
    rng = np.random.default_rng(7)
    cps = rng.integers(0, 32, (500, 8))
    many = cc.compute_many(cps, 32)
    for row, check in zip(cps, many):
        payload = "".join(ALPHABET[i] for i in row)
        assert ALPHABET[check] == cc.compute(payload, ALPHABET)


def test_check_catches_every_single_character_substitution():
    for code in _sample_codes():
        raw = code.replace("-", "")
        for pos, wrong in itertools.product(range(len(raw)), ALPHABET):
            if wrong != raw[pos]:
                assert not cc.is_valid(raw[:pos] + wrong + raw[pos + 1 :], ALPHABET)


def test_check_catches_adjacent_transpositions_except_first_and_last_character():
    # Luhn mod N misses exactly one transposition: the alphabet's first and last characters
    # ("0" <-> "Z"), which random codes contain next to each other in ~0.2% of adjacent pairs.
    blind_spot = {ALPHABET[0], ALPHABET[-1]}
    total = caught = 0
    for code in _sample_codes(2000):
        raw = list(code.replace("-", ""))
        for i in range(len(raw) - 1):
            a, b = raw[i], raw[i + 1]
            if a == b:
                continue
            swapped = raw[:i] + [b, a] + raw[i + 2 :]
            detected = not cc.is_valid("".join(swapped), ALPHABET)
            total += 1
            caught += detected
            assert detected == ({a, b} != blind_spot), (code, i)
    assert total > 15_000
    assert caught / total > 0.99


def test_transposition_blind_spot_is_real():
    for i in range(7):
        raw = ["1"] * 8
        raw[i : i + 2] = ["0", "Z"]
        payload = "".join(raw)
        code = payload + cc.compute(payload, ALPHABET)
        swapped = code[:i] + "Z0" + code[i + 2 :]
        assert cc.is_valid(swapped, ALPHABET)


# --- grid -------------------------------------------------------------------------------------


def test_grid_constants_fit_four_base32_digits():
    assert ac.N_COLS * ac.CELL_SIZE == pytest.approx(ac.MAX_LON - ac.MIN_LON)
    assert ac.N_ROWS * ac.CELL_SIZE == pytest.approx(ac.MAX_LAT - ac.MIN_LAT)
    assert ac.N_CELLS == 793_600 < 32**4


def test_point_cell_bounds_contains_point():
    rng = np.random.default_rng(11)
    lon = rng.uniform(ac.MIN_LON, ac.MAX_LON, 5000)
    lat = rng.uniform(ac.MIN_LAT, ac.MAX_LAT, 5000)
    # Exact grid edges are the risky points for floating point.
    edges_lon = ac.MIN_LON + np.arange(ac.N_COLS) / 80
    edges_lat = ac.MIN_LAT + np.arange(ac.N_ROWS) / 80
    lon = np.concatenate([lon, edges_lon, np.full(ac.N_ROWS, 105.0), [ac.MAX_LON, ac.MIN_LON]])
    lat = np.concatenate([lat, np.full(ac.N_COLS, 21.0), edges_lat, [ac.MAX_LAT, ac.MIN_LAT]])
    cells = ac.cells_of(lon, lat)
    for x, y, cell in zip(lon, lat, cells):
        minx, miny, maxx, maxy = ac.cell_bounds(int(cell))
        assert minx <= x <= maxx and miny <= y <= maxy
        # Half-open except on the box's east/north edge.
        assert x < maxx or x == ac.MAX_LON
        assert y < maxy or y == ac.MAX_LAT


def test_cell_of_matches_cells_of_and_known_cells():
    assert ac.cell_of(102.0, 8.0) == 0
    assert ac.cell_of(110.0, 23.5) == ac.N_CELLS - 1
    assert ac.cell_of(102.0125, 8.0) == 1
    assert ac.cell_of(102.0, 8.0125) == ac.N_COLS
    assert ac.cell_of(105.85, 21.03) == int(ac.cells_of(np.array([105.85]), np.array([21.03]))[0])
    assert ac.cell_bounds(0) == (102.0, 8.0, 102.0125, 8.0125)


@pytest.mark.parametrize("lon, lat", [(112.3, 16.5), (114.0, 10.0), (101.99, 20.0), (105.0, 7.9), (105.0, 23.6)])
def test_point_outside_box_is_rejected(lon, lat):
    with pytest.raises(ValueError, match="outside the address-code area"):
        ac.cell_of(lon, lat)


def test_cells_of_names_first_bad_index():
    lon = np.array([105.0, 105.0, 112.5, np.nan])
    lat = np.array([21.0, 10.0, 16.5, 10.0])
    with pytest.raises(ValueError, match=r"2 point\(s\).*index 2: lon=112.5, lat=16.5"):
        ac.cells_of(lon, lat)


# --- codes ------------------------------------------------------------------------------------


def test_make_parse_round_trip():
    for cell, serial in [(0, 0), (ac.N_CELLS - 1, ac.MAX_SERIAL), (ac.cell_of(105.85, 21.03), 12)]:
        code = ac.make(cell, serial)
        assert len(code) == 11 and code[4] == code[9] == "-"
        parsed = ac.parse(code)
        assert (parsed.cell, parsed.serial, parsed.code) == (cell, serial, code)
        minx, miny, maxx, maxy = ac.cell_bounds(cell)
        assert minx < parsed.lon < maxx and miny < parsed.lat < maxy


def test_make_many_matches_make():
    rng = np.random.default_rng(5)
    cells = rng.integers(0, ac.N_CELLS, 300)
    serials = rng.integers(0, ac.MAX_SERIAL + 1, 300)
    assert ac.make_many(cells, serials) == [ac.make(int(c), int(s)) for c, s in zip(cells, serials)]
    assert ac.make_many(np.array([], dtype=np.int64), np.array([], dtype=np.int64)) == []


def test_make_rejects_out_of_range():
    with pytest.raises(ValueError, match="reserved"):
        ac.make(ac.N_CELLS, 1)
    with pytest.raises(ValueError, match="serial"):
        ac.make(0, ac.MAX_SERIAL + 1)
    with pytest.raises(ValueError, match="index 1"):
        ac.make_many(np.array([0, -1]), np.array([1, 1]))


def test_normalize_accepts_sloppy_input():
    code = ac.make(ac.cell_of(106.7, 10.78), 1)
    raw = code.replace("-", "")
    assert ac.normalize(raw.lower()) == code
    assert ac.normalize(f"  {raw[:4]} {raw[4:8]} {raw[8]} ") == code
    assert ac.normalize(f"{raw[:4]}--{raw[4:]}") == code
    # Crockford aliases: O -> 0, I and L -> 1.
    code = ac.make(1, 0x21)  # serial 0011
    assert code.startswith("0001-0011-")
    check = code[-1]
    assert ac.normalize(f"ooo1-OOIL-{check}") == code
    assert ac.normalize(f"OOOi oOlI {check.lower()}") == code


def test_normalize_errors_are_specific():
    code = ac.make(ac.cell_of(105.85, 21.03), 12)
    wrong = ALPHABET[(ALPHABET.index(code[-1]) + 1) % 32]
    with pytest.raises(ValueError, match="check character mismatch: maybe a typo"):
        ac.normalize(code[:-1] + wrong)
    with pytest.raises(ValueError, match="9 characters.*got 8"):
        ac.normalize(code[:-1])
    with pytest.raises(ValueError, match="bad character 'U' at position 3"):
        ac.normalize("MBU" + code[3:])
    with pytest.raises(ValueError, match="bad character"):
        ac.normalize("MBHM-000C-#")
    with pytest.raises(TypeError):
        ac.normalize(None)


def test_reserved_cell_with_valid_check_is_rejected():
    payload = "ZZZZ0001"  # cell 1,048,575: valid base 32, but beyond the grid
    code = payload + cc.compute(payload, ALPHABET)
    with pytest.raises(ValueError, match="reserved"):
        ac.normalize(code)


def test_is_valid():
    code = ac.make(123_456, 7)
    assert ac.is_valid(code)
    assert ac.is_valid(code.lower().replace("-", ""))
    assert not ac.is_valid(code[:-1] + ("0" if code[-1] != "0" else "1"))
    assert not ac.is_valid("")
    assert not ac.is_valid(12345)


# --- serials ----------------------------------------------------------------------------------


def test_assign_serials_numbers_within_cell_in_input_order():
    cells = np.array([5, 3, 5, 5, 3, 9])
    assert ac.assign_serials(cells).tolist() == [1, 1, 2, 3, 2, 1]


def test_assign_serials_continues_after_taken():
    cells = np.array([5, 3, 5, 5, 3, 9])
    serials = ac.assign_serials(cells, taken={5: 10, 9: 0, 42: 7})
    assert serials.tolist() == [11, 1, 12, 13, 2, 1]


def test_assign_serials_is_deterministic_and_unique_per_cell():
    rng = np.random.default_rng(2)
    cells = rng.integers(0, 50, 5000)
    taken = {int(c): int(rng.integers(0, 100)) for c in range(0, 50, 3)}
    first = ac.assign_serials(cells, taken)
    assert np.array_equal(first, ac.assign_serials(cells.copy(), dict(taken)))
    pairs = set(zip(cells.tolist(), first.tolist()))
    assert len(pairs) == cells.size
    for c in range(50):
        got = np.sort(first[cells == c])
        start = taken.get(c, 0) + 1
        assert got.tolist() == list(range(start, start + got.size))


def test_assign_serials_edge_cases():
    assert ac.assign_serials(np.array([], dtype=np.int64)).tolist() == []
    with pytest.raises(ValueError, match="cell 4"):
        ac.assign_serials(np.array([4, 4]), taken={4: ac.MAX_SERIAL - 1})
    with pytest.raises(ValueError, match="cell"):
        ac.assign_serials(np.array([ac.N_CELLS]))
