"""Product photos made safe to publish: any JPEG, PNG or WebP in, two clean WebP files out.

The file is recognised by its content (Pillow's decoders for those three formats only, never
its name or declared type). Limits, each refused with a `PhotoProblem` (a `geo.said.Said`):

- at most MAX_BYTES (10 MiB) of file: a phone's photo is 2–8 MB;
- at most MAX_PIXELS (36 million, e.g. 7,200 × 5,000; a WebP MAX_WEBP_PIXELS, 20 million)
  declared pixels, read from the header before anything is decoded: a decompression bomb (a few
  kB that unpack into gigabytes) is refused without unpacking it. Pillow's own MAX_IMAGE_PIXELS is
  set to the same number while the image is opened, so no decoder path goes around it.

Measured in a bounded worker with the default 512 MB cap (NTM_BOUNDED_MEMORY_MB): a 12 MP JPEG
0.3 s, a 36 MP JPEG 0.4 s (decoded at a reduced scale), a 36 MP RGBA PNG 1.4 s, a 20 MP WebP 2.4 s;
a 27 MP RGBA WebP reaches the cap, hence its lower limit.

Then the EXIF orientation is applied (ImageOps.exif_transpose: a photo taken sideways comes out
upright), the colours are converted to sRGB when the file carries an ICC profile, and the image
is re-encoded from its pixels alone: EXIF (GPS position, camera serial, date), XMP and comments
are not copied. Out: the photo with its long side at most LONG_SIDE (1,600 px) and a THUMB_SIDE
(400 px) thumbnail, both WebP (alpha kept when the image has it), the photo's sha256 naming both.
Run it in a bounded worker (layers.workers.bounded): decoding is CPU and memory work.
"""
from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from geo.said import Said

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 36_000_000
MAX_WEBP_PIXELS = 20_000_000  # its decoder holds two RGBA copies: 36 MP would need over 512 MB
LONG_SIDE = 1600
THUMB_SIDE = 400
FORMATS = ("JPEG", "PNG", "WEBP")
QUALITY = 82


class PhotoProblem(ValueError):
    """A file that cannot become a product photo; the message is a Said (lots.photo.*)."""

    def __init__(self, said: Said, status: int = 400):
        super().__init__(said)
        self.status = status

    def __reduce__(self):  # pickled back from a bounded worker
        return (PhotoProblem, (self.args[0], self.status))


@dataclass(frozen=True)
class Photo:
    sha256: str
    full: bytes  # WebP, long side <= LONG_SIDE
    thumb: bytes  # WebP, long side <= THUMB_SIDE
    width: int
    height: int
    source_format: str


def _open(data: bytes, formats: tuple[str, ...] = FORMATS) -> Image.Image:
    """`formats`: Pillow's names of the decoders tried (geo.photo_variants adds HEIF)."""
    if len(data) > MAX_BYTES:
        raise PhotoProblem(Said(f"the photo is {len(data):,} bytes; at most {MAX_BYTES:,}", "lots.photo.bytes",
                                n=len(data), max=MAX_BYTES), 413)
    limit = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data), formats=formats)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        found = re.search(r"\((\d+) pixels\)", str(exc))
        raise _too_many(int(found.group(1)) if found else None, MAX_PIXELS) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise PhotoProblem(Said("the file is not a JPEG, PNG or WebP image", "lots.photo.not_image")) from None
    finally:
        Image.MAX_IMAGE_PIXELS = limit
    width, height = im.size
    most = MAX_WEBP_PIXELS if im.format == "WEBP" else MAX_PIXELS
    if width * height > most or width < 1 or height < 1:
        raise _too_many(width * height, most)
    return im


def _too_many(pixels: int | None, most: int) -> PhotoProblem:
    if pixels is None:
        return PhotoProblem(Said(f"the image has more than {most:,} pixels", "lots.photo.pixels_over", max=most), 413)
    return PhotoProblem(Said(f"the image has {pixels:,} pixels; at most {most:,}", "lots.photo.pixels",
                             n=pixels, max=most), 413)


def _srgb(im: Image.Image) -> Image.Image:
    """Colours converted from the file's ICC profile to sRGB (what browsers assume untagged)."""
    icc = im.info.get("icc_profile")
    if not icc or im.mode not in ("RGB", "RGBA"):
        return im
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(im, source, ImageCms.createProfile("sRGB"), outputMode=im.mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return im  # a broken profile: keep the pixels as they are


def _pixels(im: Image.Image) -> Image.Image:
    """Upright, sRGB, in RGB or RGBA, at most LONG_SIDE, and a new image holding pixels only (no
    metadata). Shrunk as it is decoded (a JPEG at a reduced DCT scale, then in place), so a large
    photo never has more than one full-size copy in memory; turning after shrinking is the same
    as before, the bound being a square."""
    icc = im.info.get("icc_profile")
    try:
        if im.format == "JPEG" or im.mode in ("RGB", "RGBA", "L", "LA"):
            im.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS)  # decodes, shrinks in place
        else:
            im.load()
        upright = ImageOps.exif_transpose(im)
    except (OSError, SyntaxError, ValueError) as exc:
        raise PhotoProblem(Said(f"the image is damaged and cannot be read ({exc})", "lots.photo.damaged",
                                reason=str(exc)[:200])) from None
    alpha = upright.mode in ("RGBA", "LA", "PA") or (upright.mode == "P" and "transparency" in upright.info)
    mode = "RGBA" if alpha else "RGB"
    converted = upright.convert(mode) if upright.mode != mode else upright
    converted.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS)  # the other modes, decoded whole
    converted.info["icc_profile"] = icc
    converted = _srgb(converted)
    clean = Image.new(mode, converted.size)
    clean.paste(converted)
    return clean


def _webp(im: Image.Image, side: int) -> bytes:
    copy = im.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    copy.save(out, "WEBP", quality=QUALITY, method=4)
    return out.getvalue()


def process(data: bytes) -> Photo:
    """The photo and its thumbnail as clean WebP, or PhotoProblem saying what is wrong."""
    im = _open(data)
    source = im.format
    clean = _pixels(im)
    full = _webp(clean, LONG_SIDE)
    thumb = _webp(clean, THUMB_SIDE)
    with Image.open(io.BytesIO(full)) as done:
        width, height = done.size
    return Photo(hashlib.sha256(full).hexdigest(), full, thumb, width, height, source)
