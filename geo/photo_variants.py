"""Tourism photos: JPEG, PNG, WebP or a phone's HEIC in, three clean WebP sizes out.

The same safety as product photos (geo.photos: recognised by content, bytes and declared pixels
bounded before decoding so a decompression bomb is refused unread, EXIF orientation applied,
sRGB, re-encoded from pixels alone so EXIF/GPS/XMP are not copied), with HEIC/HEIF added
(pillow-heif: iPhones save HEIC by default; its decoder turns the image by the file's own
rotation, so it comes out upright too) and three sizes a tourism page needs:

- full: long side at most 1,600 px (the photo opened on its own);
- card: 800 px (the place's page and its Open Graph image: link previews want about 1,200×630,
  and 800 keeps a card light on a phone);
- thumbnail: 400 px (lists, the photo manager).

All three are named by the sha256 of the full file, so the same photo uploaded twice is one set.
Run `process` in a bounded worker (layers.workers.bounded): decoding is CPU and memory work.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import pillow_heif
from PIL import Image

from geo import photos
from geo.said import Said

pillow_heif.register_heif_opener()  # adds the "HEIF" decoder; geo.photos' own list stays without it

FORMATS = (*photos.FORMATS, "HEIF")
MAX_HEIF_PIXELS = 24_000_000  # decoded whole (no reduced scale): 24 MP is 72 MB of RGB plus libheif's planes
SIZES = {"full": photos.LONG_SIDE, "card": 800, "thumb": photos.THUMB_SIDE}
SUFFIX = {"full": "", "card": "-800", "thumb": "-400"}
MAX_BYTES = photos.MAX_BYTES
MAX_PIXELS = photos.MAX_PIXELS


@dataclass(frozen=True)
class Variants:
    sha256: str
    files: dict[str, bytes]  # size name → WebP bytes
    width: int  # of the full size
    height: int
    source_format: str

    def name(self, size: str) -> str:
        return f"{self.sha256}{SUFFIX[size]}.webp"


def process(data: bytes) -> Variants:
    """The three WebP sizes, or photos.PhotoProblem (a Said) saying why not."""
    try:
        im = photos._open(data, FORMATS)
    except photos.PhotoProblem as exc:
        if exc.args[0].key == "lots.photo.not_image":
            raise photos.PhotoProblem(Said("the file is not a JPEG, PNG, WebP or HEIC image",
                                           "tourism_share.photo.not_image")) from None
        raise
    source = im.format
    if source == "HEIF" and im.size[0] * im.size[1] > MAX_HEIF_PIXELS:
        raise photos._too_many(im.size[0] * im.size[1], MAX_HEIF_PIXELS)
    clean = photos._pixels(im)
    files = {size: photos._webp(clean, side) for size, side in SIZES.items()}
    with Image.open(io.BytesIO(files["full"])) as done:
        width, height = done.size
    return Variants(hashlib.sha256(files["full"]).hexdigest(), files, width, height, source)
