"""The largest photos geo.photos accepts are processed within the bounded worker's default memory
cap (512 MB): the limits are chosen to fit it, and this keeps them honest. One pixel over a limit
is refused before anything is decoded."""
from __future__ import annotations

import asyncio
import io
import math

import pytest
from PIL import Image

from geo import photos
from layers.workers.bounded import runner
from layers.workers.settings import BoundedSettings


def _picture(mode: str, size: tuple[int, int], fmt: str) -> bytes:
    g = Image.linear_gradient("L").resize(size)
    bands = (g, g.transpose(Image.Transpose.FLIP_LEFT_RIGHT), g, g)[:len(mode)]
    out = io.BytesIO()
    Image.merge(mode, bands).save(out, fmt, **({"quality": 80} if fmt != "PNG" else {}))
    return out.getvalue()


def _largest(most: int) -> tuple[int, int]:
    height = math.isqrt(most * 3 // 4)
    return most // height, height  # 4:3, at most `most` pixels


@pytest.mark.parametrize("mode, fmt, most", [("RGB", "JPEG", photos.MAX_PIXELS), ("RGBA", "PNG", photos.MAX_PIXELS),
                                             ("RGBA", "WEBP", photos.MAX_WEBP_PIXELS)])
def test_the_largest_accepted_photo_fits_the_default_worker(mode, fmt, most):
    size = _largest(most)
    data = _picture(mode, size, fmt)
    assert len(data) <= photos.MAX_BYTES
    work = runner(1, BoundedSettings().bounded_memory_mb)
    photo = asyncio.run(work.run(photos.process, data, timeout=60))
    assert max(photo.width, photo.height) == photos.LONG_SIDE and photo.source_format == fmt
    over = _picture("L" if fmt != "WEBP" else "RGB", (size[0] + 1, size[1] + 1), fmt)
    with pytest.raises(photos.PhotoProblem, match=f"at most {most:,}"):
        photos.process(over)
