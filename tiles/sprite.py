"""The web map's MapLibre sprite: every map icon (the SVG files the app ships) in one PNG sheet
plus its JSON index, at pixel ratio 1 and 2 (`sprite.json`/`.png`, `sprite@2x.json`/`.png`).

The style names its icons (`icon-image`); without a `sprite` only our own page, which added
them at run time with map.addImage, could draw them, and any other MapLibre client using the
style got `styleimagemissing`. The sheet is drawn from the SVGs themselves, so it cannot go
stale: the icons are laid in one row (a gap between them, so a scaled icon never picks up its
neighbour's edge), composed into one SVG and rasterised by resvg (the resvg-py wheel carries it:
no system library), once per process and ratio.
"""
from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SVG_NS = "http://www.w3.org/2000/svg"
NOT_MAP_ICONS = {"favicon"}
GAP = 2  # CSS pixels between icons
RATIOS = (1, 2)

ET.register_namespace("", SVG_NS)


@dataclass(frozen=True)
class Sprite:
    index: dict[str, dict]  # name → {x, y, width, height, pixelRatio}, in device pixels
    png: bytes
    etag: str


def icon_files(directory: Path) -> dict[str, Path]:
    """The map icons: every SVG in `directory` but the favicon, by name."""
    return {p.stem: p for p in sorted(directory.glob("*.svg")) if p.stem not in NOT_MAP_ICONS}


def _size(root: ET.Element, path: Path) -> tuple[int, int]:
    width, height = root.get("width"), root.get("height")
    if width is None or height is None:
        box = (root.get("viewBox") or "").replace(",", " ").split()
        if len(box) != 4:
            raise ValueError(f"{path.name}: an icon needs width/height or a viewBox")
        width, height = box[2], box[3]
    return round(float(str(width).removesuffix("px"))), round(float(str(height).removesuffix("px")))


def sheet(directory: Path) -> tuple[str, dict[str, tuple[int, int, int, int]]]:
    """(one SVG holding every icon, name → (x, y, width, height) in CSS pixels)."""
    placed: dict[str, tuple[int, int, int, int]] = {}
    children, x, height = [], 0, 0
    for name, path in icon_files(directory).items():
        root = ET.parse(path).getroot()
        w, h = _size(root, path)
        if root.get("viewBox") is None:
            root.set("viewBox", f"0 0 {w} {h}")
        root.attrib.update({"x": str(x), "y": "0", "width": str(w), "height": str(h)})
        children.append(root)
        placed[name] = (x, 0, w, h)
        x, height = x + w + GAP, max(height, h)
    outer = ET.Element(f"{{{SVG_NS}}}svg", {"width": str(max(x - GAP, 1)), "height": str(max(height, 1))})
    outer.extend(children)
    return ET.tostring(outer, encoding="unicode"), placed


@cache
def sprite(directory: Path, ratio: int) -> Sprite:
    import resvg_py

    if ratio not in RATIOS:
        raise ValueError(f"pixel ratio {ratio}: sprites are drawn at {RATIOS}")
    svg, placed = sheet(directory)
    png = bytes(resvg_py.svg_to_bytes(svg_string=svg, zoom=ratio, skip_system_fonts=True))
    index = {name: {"x": x * ratio, "y": y * ratio, "width": w * ratio, "height": h * ratio, "pixelRatio": ratio}
             for name, (x, y, w, h) in placed.items()}
    return Sprite(index, png, hashlib.sha256(png).hexdigest()[:32])
