"""An OCOP product's photo as the public pages show it (the trace page, the product's item page).

Pages show the 400 px thumbnail (a few tens of kB: a weak connection's budget), with its width and
height in the tag so the page keeps its box before the image arrives, and link to the full photo
(long side 1,600 px). The size is read from the WebP file's header (Pillow reads the header, not
the pixels) once per file: names are sha256 digests of the content, so a size never changes. A
product whose files are missing shows no photo rather than a broken one. Files and names:
layers.write.cooperatives.photos.
"""
from __future__ import annotations

import threading

from PIL import Image, UnidentifiedImageError

from layers.write.cooperatives.photos import file_of

_SIZES: dict[str, tuple[int, int]] = {}  # file path → (width, height); found files only
_LOCK = threading.Lock()
_MOST = 10_000  # sizes remembered (a few dozen bytes each)


def _size(path) -> tuple[int, int] | None:
    key = str(path)
    with _LOCK:
        if key in _SIZES:
            return _SIZES[key]
    try:
        with Image.open(path) as im:
            size = im.size
    except (OSError, UnidentifiedImageError):
        return None
    with _LOCK:
        if len(_SIZES) >= _MOST:
            _SIZES.clear()
        _SIZES[key] = size
    return size


def shown(settings, sha256: str | None, alt: str | None) -> dict | None:
    """{"src", "full", "alt", "width", "height"} of the product's photo, or None (no photo, or
    its files are not there)."""
    if not sha256:
        return None
    thumb = file_of(settings, f"{sha256}-400.webp")
    size = _size(thumb) if thumb is not None else None
    if size is None:
        return None
    return {"src": f"/media/{sha256}-400.webp", "full": f"/media/{sha256}.webp", "alt": alt or "",
            "width": size[0], "height": size[1]}
