"""Product photos (issue 15): re-encoded WebP without EXIF (no GPS), turned upright, bounded in
bytes and pixels, recognised by content, alt text required, served immutable by sha256, named in
the public OCOP items."""
from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from geo import photos
from tests.api.cooperative_helpers import PRODUCTS, error_of, in_both_languages, people
from tests.layers.test_harvest_lots import farm  # noqa: F401  (fixture)

RED, BLUE = (220, 20, 20), (20, 20, 220)


@pytest.fixture
def coop(writer, demo_db, farm):  # noqa: F811
    return {"client": writer, "farm": farm, "pid": farm["product"], **people(demo_db, farm)}


def halves(width: int, height: int) -> Image.Image:
    """Left half red, right half blue: which way is up shows after turning."""
    im = Image.new("RGB", (width, height), BLUE)
    im.paste(RED, (0, 0, width // 2, height))
    return im


def jpeg_from_a_phone(width=3000, height=2000, orientation=6) -> bytes:
    """Taken sideways (EXIF orientation 6: turn 90° clockwise to view) with a GPS position."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (18.0, 40.0, 12.5), 3: "E", 4: (105.0, 41.0, 3.25)})
    out = io.BytesIO()
    halves(width, height).save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def put(coop, data: bytes, alt="Cam Vinh trong giỏ tre", who="htx", name="photo.jpg", if_match="*", **kw):
    headers = {**coop[who], **({"If-Match": if_match} if if_match else {})}
    form = {"alt": alt} if alt is not None else {}
    return coop["client"].put(f"{PRODUCTS}/{coop['pid']}/photo", headers=headers,
                              files={"file": (name, data, "image/jpeg")}, data=form, **kw)


def test_a_phone_photo_comes_out_upright_without_exif_and_is_served_immutable(coop):
    source = jpeg_from_a_phone()
    assert Image.open(io.BytesIO(source)).getexif().get_ifd(0x8825)  # the test's own GPS is there to lose
    r = put(coop, source)
    assert r.status_code == 200, r.text
    props = r.json()["properties"]
    sha, client = props["photo_sha256"], coop["client"]
    assert props["photo_alt"] == "Cam Vinh trong giỏ tre" and props["photo_url"] == f"/media/{sha}.webp"
    full = client.get(props["photo_url"])
    assert full.status_code == 200 and full.headers["content-type"] == "image/webp"
    assert full.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert hashlib.sha256(full.content).hexdigest() == sha
    im = Image.open(io.BytesIO(full.content))
    assert im.format == "WEBP" and im.size == (1067, 1600)  # upright (portrait), long side 1,600
    assert not im.getexif() and "exif" not in im.info and "xmp" not in im.info
    assert b"Exif" not in full.content and b"PhoneMaker" not in full.content
    rgb = im.convert("RGB")
    top, bottom = rgb.getpixel((533, 100)), rgb.getpixel((533, 1500))  # the left (red) half went to the top
    assert top[0] > 150 > top[2] and bottom[2] > 150 > bottom[0]
    thumb = Image.open(io.BytesIO(client.get(props["photo_thumbnail_url"]).content))
    assert max(thumb.size) == 400 and thumb.size[1] > thumb.size[0]
    # Public: the OCOP item names the photo and its alt text.
    public = client.get(f"{PRODUCTS}/{coop['pid']}?f=json").json()["properties"]
    assert public["photo_sha256"] == sha and public["photo_alt"] == "Cam Vinh trong giỏ tre"
    # Removed: the reference goes, If-Match checked.
    error_of(client.delete(f"{PRODUCTS}/{coop['pid']}/photo", headers=coop["htx"]), 428)
    gone = client.delete(f"{PRODUCTS}/{coop['pid']}/photo", headers={**coop["htx"], "If-Match": r.headers["etag"]})
    assert gone.status_code == 200 and gone.json()["properties"]["photo_sha256"] is None
    assert client.get(f"{PRODUCTS}/{coop['pid']}?f=json").json()["properties"]["photo_sha256"] is None


def test_png_with_transparency_and_webp_are_taken_by_content_not_name(coop):
    im = Image.new("RGBA", (800, 500), (0, 128, 0, 0))
    im.paste((0, 128, 0, 255), (200, 100, 600, 400))
    png = io.BytesIO()
    im.save(png, "PNG")
    r = put(coop, png.getvalue(), name="anh.jpg")  # the name says JPEG: the content decides
    assert r.status_code == 200, r.text
    out = Image.open(io.BytesIO(coop["client"].get(r.json()["properties"]["photo_url"]).content))
    assert out.mode == "RGBA" and out.getpixel((10, 10))[3] == 0 and out.getpixel((400, 250))[3] == 255
    assert r.json()["photo"]["source_format"] == "PNG"
    webp = io.BytesIO()
    halves(300, 200).save(webp, "WEBP")
    assert put(coop, webp.getvalue(), name="x.png").json()["photo"]["source_format"] == "WEBP"


def test_bombs_non_images_and_missing_alt_are_refused(coop):
    client = coop["client"]
    bomb = io.BytesIO()
    Image.new("1", (20000, 20000)).save(bomb, "PNG")  # 48 kB of file, 400 million pixels
    assert len(bomb.getvalue()) < 100_000
    body = error_of(put(coop, bomb.getvalue()), 413)
    assert "400,000,000 pixels" in body["description"] and f"{photos.MAX_PIXELS:,}" in body["description"]
    vi, _ = in_both_languages(client, "PUT", f"{PRODUCTS}/{coop['pid']}/photo", 413,
                              headers={**coop["htx"], "If-Match": "*"},
                              files={"file": ("b.png", bomb.getvalue(), "image/png")}, data={"alt": "x"})
    assert "400.000.000 điểm ảnh" in vi
    just_over = io.BytesIO()
    Image.new("1", (6001, 6000)).save(just_over, "PNG")  # over the limit, under Pillow's 2x error
    assert "36,006,000 pixels" in error_of(put(coop, just_over.getvalue()), 413)["description"]
    assert "not a JPEG, PNG or WebP" in error_of(put(coop, b"GIF89a not really", name="a.jpg"), 400)["description"]
    gif = io.BytesIO()
    halves(50, 50).save(gif, "GIF")
    error_of(put(coop, gif.getvalue(), name="a.webp"), 400)
    error_of(put(coop, b"<svg xmlns='http://www.w3.org/2000/svg'/>", name="a.png"), 400)
    truncated = jpeg_from_a_phone()[:5000]
    assert put(coop, truncated).status_code == 400
    assert "alt" in error_of(put(coop, jpeg_from_a_phone(), alt=None), 400)["description"]
    error_of(put(coop, jpeg_from_a_phone(), alt="  "), 400)
    error_of(put(coop, jpeg_from_a_phone(), if_match=None), 428)
    error_of(put(coop, jpeg_from_a_phone(), who="other"), 403)
    error_of(put(coop, jpeg_from_a_phone(), if_match='"ocop-1-0"'), 412)
    too_big = b"\xff\xd8" + b"0" * (photos.MAX_BYTES + 70_000)
    assert error_of(put(coop, too_big), 413)
    error_of(client.put(f"{PRODUCTS}/{coop['pid']}/photo", headers={**coop["htx"], "If-Match": "*"},
                        content=b"raw bytes", ), 400)
    assert client.get(f"{PRODUCTS}/{coop['pid']}?f=json").json()["properties"]["photo_sha256"] is None
    for name in ("../../etc/passwd", "x" * 64 + ".webp", "0" * 64 + ".png"):
        assert client.get(f"/media/{name}").status_code == 404
