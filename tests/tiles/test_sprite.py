"""The web map's sprite holds every icon its style can ask for, drawn from the shipped SVGs
(issue 12, item 6: the style named 13 images no plain MapLibre client could find)."""
from __future__ import annotations

import itertools
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from rasterio.errors import NotGeoreferencedWarning
from rasterio.io import MemoryFile

from api.i18n import both
from tiles.map_style import map_style
from tiles.map_vocabulary import PLACE_KINDS
from tiles.sprite import GAP, icon_files, sprite
from tiles.tilesets import combined

ICONS = Path(__file__).resolve().parents[2] / "api" / "static" / "icons"
BOUNDS = (103.8, 18.5, 105.9, 20.0)
SPRITE_URL = "http://127.0.0.1:1/styles/map/sprite"
# What a `["get", prop]` inside an icon expression can return: the vocabularies the data obeys
# (tourism_places.kind has a CHECK constraint with exactly these).
PROPERTY_VALUES = {"kind": tuple(PLACE_KINDS)}


def names(expr) -> set[str]:
    """Every image name an `icon-image` value can produce (literals, match, case, coalesce, step,
    concat over the vocabularies above); "" is no image."""
    if isinstance(expr, str):
        return {expr} if expr else set()
    op, *args = expr
    if op == "literal":
        return names(args[0])
    if op in ("image", "to-string", "string"):
        return set().union(*(names(a) for a in args))
    if op == "match":
        outputs = args[2:-1:2] + [args[-1]]
        return set().union(*(names(o) for o in outputs))
    if op == "case":
        outputs = args[1:-1:2] + [args[-1]]
        return set().union(*(names(o) for o in outputs))
    if op == "coalesce":
        return set().union(*(names(a) for a in args))
    if op == "step":
        return set().union(*(names(o) for o in [args[1], *args[3::2]]))
    if op == "concat":
        parts = [sorted(PROPERTY_VALUES[a[1]]) if isinstance(a, list) and a[0] == "get" else sorted(names(a))
                 for a in args]
        return {"".join(p) for p in itertools.product(*parts)}
    raise AssertionError(f"icon-image expression the test cannot enumerate: {expr!r}")


def style_images(style: dict) -> set[str]:
    return set().union(*(names(layer["layout"]["icon-image"]) for layer in style["layers"]
                         if "icon-image" in layer.get("layout", {})))


def test_the_walker_reads_match_and_concat():
    assert names(["match", ["get", "kind"], "a", "tourism-a", ["b", "c"], "x", ""]) == {"tourism-a", "x"}
    assert names(["concat", "tourism-", ["get", "kind"]]) == {f"tourism-{k}" for k in PLACE_KINDS}
    assert names(["case", ["has", "k"], ["coalesce", "p", "q"], "r"]) == {"p", "q", "r"}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_image_the_style_names_is_in_its_sprite(lang):
    style = map_style(combined(), "http://127.0.0.1:1/t/{z}/{x}/{y}", BOUNDS, lang, sprite_url=SPRITE_URL, words=both)
    assert style["sprite"] == SPRITE_URL
    wanted = style_images(style)
    assert wanted == {f"tourism-{k}" for k in PLACE_KINDS}
    for ratio in (1, 2):
        assert wanted <= set(sprite(ICONS, ratio).index), ratio


def png_pixels(data: bytes) -> np.ndarray:
    """RGBA rows × columns × 4, read by GDAL's PNG driver."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        with MemoryFile(data) as mem, mem.open() as ds:
            assert ds.count == 4
            return np.moveaxis(ds.read(), 0, -1)


def circle_fill(svg: Path) -> tuple[int, int, int]:
    color = re.search(r'<circle[^>]*fill="#([0-9a-fA-F]{6})"', svg.read_text()).group(1)
    return tuple(int(color[i:i + 2], 16) for i in (0, 2, 4))


@pytest.mark.parametrize("ratio", [1, 2])
def test_sprite_sheet_is_drawn_from_the_svgs(ratio):
    sheet = sprite(ICONS, ratio)
    assert set(sheet.index) == set(icon_files(ICONS)) and "favicon" not in sheet.index
    pixels = png_pixels(sheet.png)
    height, width = pixels.shape[:2]
    boxes = []
    for name, box in sheet.index.items():
        x, y, w, h = box["x"], box["y"], box["width"], box["height"]
        assert box["pixelRatio"] == ratio and (w, h) == (28 * ratio, 28 * ratio), name
        assert x + w <= width and y + h <= height, name
        boxes.append((x, x + w))
        icon = pixels[y:y + h, x:x + w]
        assert icon[..., 3].mean() > 100, name  # a drawn disc, not an empty cell
        # Near the top of the disc, inside its white ring: the icon's own colour from its SVG.
        r, g, b, a = icon[4 * ratio, 14 * ratio]
        expected = circle_fill(icon_files(ICONS)[name])
        assert a == 255 and max(abs(int(v) - e) for v, e in zip((r, g, b), expected)) <= 2, (name, (r, g, b), expected)
    boxes.sort()
    assert all(b[0] - a[1] >= GAP * ratio for a, b in zip(boxes, boxes[1:]))  # apart: no bleeding
    assert pixels[:, boxes[0][1]:boxes[1][0], 3].max() == 0  # the gap is transparent
