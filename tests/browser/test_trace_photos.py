"""An OCOP product's photo (stored as its upload stores it) on the lot's trace page and
on the product's item page in Chromium: the 400 px thumbnail only (not the 1,600 px photo), its
alt text, lazy, its box reserved by width and height before it arrives, inside a phone's screen."""
from __future__ import annotations

import io

import httpx
import psycopg
import pytest
from PIL import Image, ImageDraw

from geo import photos
from layers.write.cooperatives.photos import store
from tests.api.trace_helpers import DL_PATH, make_lots

PHONE = {"width": 360, "height": 740}
ALT = 'Cam Vinh chín vàng trong giỏ tre <b>"đặc sản"</b>'


def orange_photo(width: int = 1200, height: int = 900) -> bytes:
    """A phone-sized JPEG with detail enough to weigh what a real photo weighs."""
    im = Image.new("RGB", (width, height), (34, 120, 40))
    draw = ImageDraw.Draw(im)
    for i in range(0, width, 150):
        for j in range(0, height, 150):
            draw.ellipse((i, j, i + 130, j + 130), fill=(230, 120 + (i * 7 + j * 3) % 100, 20))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=88)
    return out.getvalue()


@pytest.fixture
def photographed(demo_db, writable_live_url, settings):
    """The product of the lot with a GTIN gets a photo, made clean and stored as the photo route
    does it (geo.photos.process, layers.write.cooperatives.photos.store: the upload itself is
    tests/api/test_product_photos.py's)."""
    lots = make_lots(demo_db)
    photo = photos.process(orange_photo())
    store(settings, photo)
    with psycopg.connect(demo_db) as conn:
        product = conn.execute("SELECT product_id FROM harvest_lots WHERE id = %s", (lots["gs1"],)).fetchone()[0]
        conn.execute("SET ntm.actor = 'test:raw'")
        conn.execute("UPDATE ocop_products SET photo_sha256 = %s, photo_alt = %s WHERE id = %s",
                     (photo.sha256, ALT, product))
    with httpx.Client(base_url=writable_live_url) as api:
        thumb = api.get(f"/media/{photo.sha256}-400.webp").content
    return {**lots, "base": writable_live_url, "product": product, "sha": photo.sha256,
            "thumb_size": Image.open(io.BytesIO(thumb)).size, "thumb_bytes": len(thumb)}


def check_photo(page, found: dict, box_at_most: float) -> None:
    img = page.locator(f'img[src="/media/{found["sha"]}-400.webp"]')
    assert img.count() == 1
    assert img.get_attribute("alt") == ALT  # the words as typed, markup and quotes as text
    assert img.get_attribute("loading") == "lazy"
    width, height = found["thumb_size"]
    assert (int(img.get_attribute("width")), int(img.get_attribute("height"))) == (width, height) == (400, 300)
    assert img.evaluate("i => i.decode().then(() => i.naturalWidth)") == 400
    box = img.bounding_box()
    assert 0 < box["width"] <= box_at_most and box["x"] + box["width"] <= PHONE["width"]
    assert abs(box["height"] / box["width"] - height / width) < 0.02  # not stretched
    assert img.locator("xpath=..").get_attribute("href") == f"/media/{found['sha']}.webp"  # the full photo, on demand


@pytest.mark.parametrize("page", [PHONE], indirect=True, ids=["phone"])
def test_the_trace_page_shows_the_thumbnail_with_its_alt_text(page, page_log, photographed):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{photographed['base']}{DL_PATH}?lang=vi")
    check_photo(page, photographed, box_at_most=0.38 * PHONE["width"])
    # The page and the thumbnail, nothing else; the thumbnail is light.
    assert requests == [f"{photographed['base']}{DL_PATH}?lang=vi",
                        f"{photographed['base']}/media/{photographed['sha']}-400.webp"]
    assert photographed["thumb_bytes"] < 40_000, photographed["thumb_bytes"]
    # The areas still read beside it: the list is below the photo, not squeezed next to it.
    assert page.locator(".area-list li").count() == 2
    assert page.locator(".area-list").bounding_box()["width"] >= PHONE["width"] - 40
    page_log.assert_clean()
    # Machines read the same photo from the JSON-LD.
    doc = httpx.get(f"{photographed['base']}{DL_PATH}", headers={"Accept": "application/ld+json"}).json()
    assert doc["image"] == {"@type": "ImageObject", "encodingFormat": "image/webp", "caption": ALT,
                            "contentUrl": f"{photographed['base']}/media/{photographed['sha']}.webp",
                            "thumbnailUrl": f"{photographed['base']}/media/{photographed['sha']}-400.webp"}


@pytest.mark.parametrize("page", [PHONE], indirect=True, ids=["phone"])
def test_the_products_item_page_shows_the_photo_not_its_hash(page, page_log, photographed):
    page.goto(f"{photographed['base']}/collections/ocop_products/items/{photographed['product']}?f=html&lang=vi")
    check_photo(page, photographed, box_at_most=PHONE["width"])
    assert photographed["sha"] not in page.locator("table.props").inner_text()
    page_log.assert_clean()
