"""geo.photo_variants: JPEG/PNG/WebP/HEIC in, three clean WebP sizes out (upright, no EXIF);
decompression bombs, huge files and non-images refused before any decoding."""
from __future__ import annotations

import hashlib
import io
import struct
import time
import zlib

import pytest
from PIL import Image

from geo import photo_variants, photos

pytestmark = pytest.mark.unit

RED, BLUE = (220, 20, 20), (20, 20, 220)


def halves(width: int, height: int) -> Image.Image:
    """Left half red, right half blue: which way is up shows after turning."""
    im = Image.new("RGB", (width, height), BLUE)
    im.paste(RED, (0, 0, width // 2, height))
    return im


def phone_exif(orientation: int = 6) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825).update({1: "N", 2: (18.0, 40.0, 12.5), 3: "E", 4: (105.0, 41.0, 3.25)})
    return exif.tobytes()


def encoded(im: Image.Image, fmt: str, **kw) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **kw)
    return out.getvalue()


def png_bomb(width: int = 20_000, height: int = 20_000) -> bytes:
    """A real PNG of width × height grey pixels (400 MP): tiny on disk, 400 MB once decoded."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    rows = zlib.compressobj(9)
    body = b"".join(rows.compress(b"\x00" * (width + 1)) for _ in range(height)) + rows.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", body) + chunk(b"IEND", b""))


def upright_red_on_top(webp: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(webp))
    assert im.format == "WEBP" and not im.getexif() and "exif" not in im.info and "xmp" not in im.info
    assert b"PhoneMaker" not in webp and b"Exif" not in webp
    rgb = im.convert("RGB")
    w, h = rgb.size
    assert h > w  # taken sideways, shown upright (portrait)
    top, bottom = rgb.getpixel((w // 2, h // 10)), rgb.getpixel((w // 2, h - h // 10))
    assert top[0] > 150 > top[2] and bottom[2] > 150 > bottom[0]
    return im


def test_a_sideways_phone_jpeg_gives_three_upright_sizes_without_exif():
    source = encoded(halves(3000, 2000), "JPEG", quality=90, exif=phone_exif(6))
    assert b"PhoneMaker" in source
    v = photo_variants.process(source)
    assert v.source_format == "JPEG" and (v.width, v.height) == (1067, 1600)
    sizes = {name: upright_red_on_top(data).size for name, data in v.files.items()}
    assert sizes == {"full": (1067, 1600), "card": (533, 800), "thumb": (267, 400)}
    assert v.sha256 == hashlib.sha256(v.files["full"]).hexdigest()
    assert [v.name(s) for s in ("full", "card", "thumb")] == [f"{v.sha256}.webp", f"{v.sha256}-800.webp",
                                                                f"{v.sha256}-400.webp"]
    assert photo_variants.process(source).sha256 == v.sha256  # the same photo twice: one set of files


def test_a_heic_from_an_iphone_is_read_and_turned():
    source = encoded(halves(1200, 800), "HEIF", quality=85, exif=phone_exif(6))
    assert source[4:12] in (b"ftypheic", b"ftypmif1", b"ftypheix")
    v = photo_variants.process(source)
    assert v.source_format == "HEIF" and (v.width, v.height) == (800, 1200)
    upright_red_on_top(v.files["full"])
    assert max(Image.open(io.BytesIO(v.files["thumb"])).size) == 400


def test_png_and_webp_keep_transparency_small_images_are_not_enlarged():
    im = Image.new("RGBA", (300, 200), (0, 128, 0, 0))
    im.paste((0, 128, 0, 255), (0, 0, 150, 200))
    for fmt in ("PNG", "WEBP"):
        v = photo_variants.process(encoded(im, fmt))
        full = Image.open(io.BytesIO(v.files["full"]))
        assert full.mode == "RGBA" and full.size == (300, 200) and full.getpixel((250, 100))[3] == 0
        assert Image.open(io.BytesIO(v.files["card"])).size == (300, 200)


def test_a_20000_by_20000_png_is_refused_without_decoding():
    bomb = png_bomb()
    assert len(bomb) < 1_000_000
    started = time.process_time()
    with pytest.raises(photos.PhotoProblem) as caught:
        photo_variants.process(bomb)
    assert time.process_time() - started < 1.0  # 400 MB were never unpacked
    said = caught.value.args[0]
    assert caught.value.status == 413 and said.key == "lots.photo.pixels" and said.values["n"] == 400_000_000


def test_a_50_mb_file_and_a_non_image_are_refused():
    with pytest.raises(photos.PhotoProblem) as caught:
        photo_variants.process(b"\xff\xd8\xff" + b"\0" * (50 * 1024 * 1024))
    assert caught.value.status == 413 and caught.value.args[0].key == "lots.photo.bytes"
    for junk in (b"%PDF-1.4 not a photo", b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"GIF89a" + b"\0" * 50):
        with pytest.raises(photos.PhotoProblem) as caught:
            photo_variants.process(junk)
        assert caught.value.status == 400 and caught.value.args[0].key == "tourism_share.photo.not_image"
