import numpy as np
import pytest
from openlocationcode import openlocationcode as olc

from geo import plus_code as pc


def _reference(lon, lat, length=10):
    return [olc.encode(float(y), float(x), length) for x, y in zip(lon, lat)]


def test_known_code():
    # Example from the Open Location Code documentation (Google Zurich area): 8FVC9G8F+6X.
    assert pc.encode(8.5452, 47.3656) == olc.encode(47.3656, 8.5452, 10)
    assert pc.encode(105.85, 21.03) == "7PH72VJ2+22"


def test_random_points_in_vietnam_match_reference():
    rng = np.random.default_rng(42)
    # Mainland box plus the islands further east.
    lon = rng.uniform(102.0, 117.5, 20_000)
    lat = rng.uniform(6.0, 23.5, 20_000)
    assert pc.encode_many(lon, lat) == _reference(lon, lat)


@pytest.mark.parametrize("length", [2, 4, 6, 8, 10, 11, 12, 13, 15, 16])
def test_all_lengths_match_reference(length):
    rng = np.random.default_rng(length)
    lon = np.concatenate([rng.uniform(-180, 180, 1000), rng.uniform(102, 110, 1000)])
    lat = np.concatenate([rng.uniform(-90, 90, 1000), rng.uniform(8, 23.5, 1000)])
    lon = np.concatenate([lon, [180.0, -180.0, 0.0, 105.0]])
    lat = np.concatenate([lat, [90.0, -90.0, 90.0, 90.0]])
    assert pc.encode_many(lon, lat, length) == _reference(lon, lat, length)


def test_cell_boundaries_match_reference():
    lon, lat = [], []
    for res in (20.0, 1.0, 0.05, 0.0025, 0.000125, 0.000125 / 4):
        ks = np.arange(-3, 4)
        xs = 105.0 + ks * res
        ys = 21.0 + ks * res
        for dx in (0.0, 1e-12, -1e-12, 1e-9, -1e-9):
            lon.extend(xs + dx)
            lat.extend(ys + dx)
    # Exact multiples of the finest lat/lon steps around Hà Nội and near the wrap-around.
    steps = np.arange(0, 200)
    lon.extend(105.85 + steps / pc.FINAL_LNG_PRECISION)
    lat.extend(21.03 + steps / pc.FINAL_LAT_PRECISION)
    lon.extend(180.0 - steps / pc.FINAL_LNG_PRECISION)
    lat.extend(90.0 - steps / pc.FINAL_LAT_PRECISION)
    lon, lat = np.array(lon), np.array(lat)
    for length in (10, 11, 15):
        assert pc.encode_many(lon, lat, length) == _reference(lon, lat, length)


def test_rounding_borderline_values_match_reference():
    # Values whose scaled form sits just under an integer: the reference's round(v, 6) decides.
    n = np.arange(2_700_000_000, 2_700_000_050)
    eps = np.array([1e-7, 4e-7, 4.9e-7, 5e-7, 5.1e-7, 6e-7, 1e-6])
    lat = ((n[:, None] - eps[None, :]) / pc.FINAL_LAT_PRECISION - 90).ravel()
    lon = ((n[:, None] - eps[None, :]) / pc.FINAL_LNG_PRECISION - 180).ravel() - 75
    for length in (10, 15):
        assert pc.encode_many(lon, lat, length) == _reference(lon, lat, length)


def test_edge_values_match_reference():
    pts = [
        (180.0, 0.0), (-180.0, 0.0), (179.99999999999997, 89.99999999999999), (-179.9999999, -89.9999999),
        (0.0, 90.0), (0.0, -90.0), (0.0, 95.0), (0.0, -95.0), (360.0, 10.0), (540.5, 10.0),
        (-540.5, -10.0), (-900.0, 5.0), (109.99999999999999, 23.5), (102.0, 8.0),
    ]
    lon, lat = np.array(pts).T
    for length in (2, 8, 10, 11, 15):
        assert pc.encode_many(lon, lat, length) == _reference(lon, lat, length)
    assert pc.encode(180.0, 90.0) == olc.encode(90.0, 180.0)


def test_invalid_input():
    with pytest.raises(ValueError, match="length"):
        pc.encode(105.0, 21.0, 9)
    with pytest.raises(ValueError, match="length"):
        pc.encode(105.0, 21.0, 1)
    with pytest.raises(ValueError, match="non-finite"):
        pc.encode_many(np.array([105.0, np.nan]), np.array([21.0, 21.0]))
    with pytest.raises(ValueError, match="differ"):
        pc.encode_many(np.array([105.0]), np.array([21.0, 22.0]))
    assert pc.encode_many(np.array([]), np.array([])) == []
