"""Crop colours a colour-blind person can tell apart (issue 21): Paul Tol's "muted" scheme, checked
by simulating protan, deutan and tritan vision (Machado, Oliveira & Fernandes 2009, severity 1)
on the fills as drawn (0.7 opacity over the map's land) and measuring CIELAB distances."""
from __future__ import annotations

import itertools
import math

import pytest

from tiles.map_layers import growing_group
from tiles.map_style import LAND
from tiles.style import CROP_PALETTE

pytestmark = pytest.mark.unit

MACHADO = {
    "normal": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
    "protan": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deutan": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "tritan": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}
CONFUSED = (("orange", "pineapple"), ("orange", "pomelo"), ("pineapple", "pomelo"),
            ("tea", "vegetables"), ("tea", "sugarcane"), ("vegetables", "sugarcane"))
OLD = {"orange": "#f39c12", "pineapple": "#e67e22", "pomelo": "#d35400", "tea": "#27ae60",
       "vegetables": "#2ecc71", "sugarcane": "#16a085"}  # before issue 21


def rgb(hex_: str) -> tuple[float, ...]:
    return tuple(int(hex_[i:i + 2], 16) for i in (1, 3, 5))


def linear(c: float) -> float:
    c /= 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def lab(lin: tuple[float, ...]) -> tuple[float, float, float]:
    r, g, b = lin
    x, y, z = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b, \
        (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
    f = [v ** (1 / 3) if v > 216 / 24389 else (24389 / 27 * v + 16) / 116 for v in (x, y, z)]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def seen(hex_: str, vision: str, opacity: float = 0.7) -> tuple[float, float, float]:
    drawn = [opacity * c + (1 - opacity) * bg for c, bg in zip(rgb(hex_), rgb(LAND))]
    lin = [linear(c) for c in drawn]
    m = MACHADO[vision]
    return lab(tuple(min(1.0, max(0.0, sum(m[i][j] * lin[j] for j in range(3)))) for i in range(3)))


def worst(palette: dict, pairs) -> float:
    return min(math.dist(seen(palette[a], v), seen(palette[b], v)) for v in MACHADO for a, b in pairs)


def test_confused_crops_are_far_apart_for_every_colour_vision():
    assert worst(CROP_PALETTE, CONFUSED) >= 30  # was about 5 (tea/sugarcane, tritan)
    assert worst(OLD, CONFUSED) < 10  # the check tells the old colours apart from the new
    every = list(itertools.combinations(CROP_PALETTE, 2))
    assert worst(CROP_PALETTE, every) >= 10  # any two crops, any vision


def test_the_legend_shows_the_colours_drawn():
    by_crop = growing_group().toggles[0]
    assert by_crop.layers[0]["paint"]["fill-color"][3:-1:2] == list(CROP_PALETTE.values())
    assert [e["color"] for e in by_crop.legend[:len(CROP_PALETTE)]] == list(CROP_PALETTE.values())
