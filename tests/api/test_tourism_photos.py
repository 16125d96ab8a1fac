"""Tourism photos (issue 14): uploaded by the listing's editors only, re-encoded to WebP in three
sizes without EXIF, ordered with one cover, served immutable by content, listed publicly only
once the listing is published; bombs, huge files and non-images refused in the caller's language."""
from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from tests.api.tourism_media_helpers import PLACES, ROUTES, demo_commune, new_place, new_route, people, set_status
from tests.geo.test_photo_variants import encoded, halves, phone_exif, png_bomb

VI = {"Accept-Language": "vi"}


@pytest.fixture
def t(writer, demo_db):
    commune, lon, lat = demo_commune(demo_db)
    who = people(demo_db, commune)
    place = new_place(demo_db, commune, lon, lat)
    return {"client": writer, "db": demo_db, "place": place, "commune": commune, "lon": lon, "lat": lat, **who}


def upload(t, data: bytes, alt_vi="Nhà sàn nhìn từ sân", alt_en=None, who="promoter", listing=None,
           collection=PLACES, name="photo.jpg", headers=None):
    form = {k: v for k, v in (("alt_vi", alt_vi), ("alt_en", alt_en)) if v is not None}
    return t["client"].post(f"{collection}/{listing or t['place']}/photos", headers={**t[who], **(headers or {})},
                            files={"file": (name, data, "application/octet-stream")}, data=form)


def test_a_promoter_uploads_photos_they_come_back_clean_and_become_public_when_published(t):
    client, place = t["client"], t["place"]
    phone = encoded(halves(3000, 2000), "JPEG", quality=90, exif=phone_exif(6))
    r = upload(t, phone, alt_en="The stilt house from the yard")
    assert r.status_code == 201, r.text
    first = r.json()["photo"]
    assert first["cover"] and first["position"] == 0 and first["alt_en"] == "The stilt house from the yard"
    assert (first["width"], first["height"]) == (1067, 1600) and r.json()["photo"]["source_format"] == "JPEG"
    sizes = {}
    for size, url in first["urls"].items():
        got = client.get(url)
        assert got.status_code == 200 and got.headers["content-type"] == "image/webp"
        assert got.headers["cache-control"] == "public, max-age=31536000, immutable"
        im = Image.open(io.BytesIO(got.content))
        assert im.format == "WEBP" and not im.getexif() and b"PhoneMaker" not in got.content
        sizes[size] = im.size
    assert sizes == {"full": (1067, 1600), "card": (533, 800), "thumb": (267, 400)}
    assert hashlib.sha256(client.get(first["urls"]["full"]).content).hexdigest() == first["sha256"]
    heic = encoded(halves(1200, 800), "HEIF", quality=80)
    second = upload(t, heic, name="IMG_0001.HEIC").json()["photo"]
    assert second["position"] == 1 and not second["cover"]
    # A draft's photos are not public: the list is 404 to everyone but its editors; the files are served.
    assert client.get(f"{PLACES}/{place}/photos").status_code == 404
    assert client.get(f"{PLACES}/{place}/photos", headers=t["rival"]).status_code == 404
    assert [p["id"] for p in client.get(f"{PLACES}/{place}/photos", headers=t["promoter"]).json()["photos"]] == \
        [first["id"], second["id"]]
    assert client.get(f"{PLACES}/{place}/photos", headers=t["staff"]).status_code == 200
    set_status(t["db"], "tourism_places", place, "submitted", "published")
    public = client.get(f"{PLACES}/{place}/photos").json()["photos"]
    assert [(p["id"], p["cover"]) for p in public] == [(first["id"], True), (second["id"], False)]
    set_status(t["db"], "tourism_places", place, "unpublished")
    assert client.get(f"{PLACES}/{place}/photos").status_code == 404
    assert client.get(first["urls"]["card"]).status_code == 200  # a file by its hash stays served


def test_order_cover_description_and_removal(t):
    client, place = t["client"], t["place"]
    ids = [upload(t, encoded(Image.new("RGB", (300 + i, 200), (40 * i, 90, 20)), "PNG"), alt_vi=f"Ảnh {i}")
           .json()["photo"]["id"] for i in range(3)]
    base = f"{PLACES}/{place}/photos"
    r = client.put(f"{base}/order", headers=t["promoter"], json={"order": [ids[2], ids[0], ids[1]]})
    assert r.status_code == 200, r.text
    assert [(p["id"], p["position"]) for p in r.json()["photos"]] == [(ids[2], 0), (ids[0], 1), (ids[1], 2)]
    bad = client.put(f"{base}/order", headers={**t["promoter"], **VI}, json={"order": [ids[0], ids[1]]})
    assert bad.status_code == 409 and "mỗi ảnh" in bad.json()["description"]
    assert client.put(f"{base}/order", headers=t["promoter"], json={"order": "1,2"}).status_code == 400
    r = client.patch(f"{base}/{ids[1]}", headers=t["promoter"], json={"cover": True, "alt_en": "Tea terraces"})
    assert r.status_code == 200 and r.json()["photo"]["cover"] and r.json()["photo"]["alt_en"] == "Tea terraces"
    assert [p["id"] for p in r.json()["photos"] if p["cover"]] == [ids[1]]
    assert client.patch(f"{base}/{ids[1]}", headers=t["promoter"], json={"cover": False}).status_code == 400
    assert client.patch(f"{base}/{ids[1]}", headers=t["promoter"], json={"alt_vi": "  "}).status_code == 400
    assert client.patch(f"{base}/{ids[1]}", headers=t["promoter"], json={"status": "x"}).status_code == 400
    r = client.delete(f"{base}/{ids[1]}", headers=t["promoter"])
    assert r.status_code == 200
    left = r.json()["photos"]
    assert [(p["id"], p["position"], p["cover"]) for p in left] == [(ids[2], 0, True), (ids[0], 1, False)]
    assert client.delete(f"{base}/{ids[1]}", headers=t["promoter"]).status_code == 404
    # The same photo twice on one listing is refused; on a route it is welcome.
    again = encoded(Image.new("RGB", (300, 200), (0, 90, 20)), "PNG")
    assert upload(t, again, headers=VI).status_code == 409
    route = new_route(t["db"], t["lon"], t["lat"])
    on_route = upload(t, again, listing=route, collection=ROUTES)
    assert on_route.status_code == 201 and on_route.json()["photo"]["cover"]


def test_only_the_listings_editors_may_change_photos(t):
    client, place = t["client"], t["place"]
    photo = encoded(Image.new("RGB", (64, 48), (1, 2, 3)), "PNG")
    for who in ("rival", "viewer"):
        r = upload(t, photo, who=who)
        assert r.status_code == 403, (who, r.text)
    first = upload(t, photo, who="staff")  # province tourism staff moderate every listing of the province
    assert first.status_code == 201
    pid = first.json()["photo"]["id"]
    base = f"{PLACES}/{place}/photos"
    assert client.delete(f"{base}/{pid}", headers=t["rival"]).status_code == 403
    assert client.patch(f"{base}/{pid}", headers=t["viewer"], json={"cover": True}).status_code == 403
    assert client.put(f"{base}/order", headers=t["rival"], json={"order": [pid]}).status_code == 403
    assert client.post(f"{base}", files={"file": ("a.png", photo)}, data={"alt_vi": "x"}).status_code == 401
    assert upload(t, photo, listing=2**31 - 1).status_code == 404
    # A guessed photo id of another listing is not found on this one.
    other = new_place(t["db"], t["commune"], t["lon"], t["lat"], name="Làng nghề")
    assert client.delete(f"{PLACES}/{other}/photos/{pid}", headers=t["promoter"]).status_code == 404


def test_bombs_huge_files_non_images_and_missing_alt_are_refused_in_the_callers_language(t):
    r = upload(t, png_bomb(), headers=VI, name="bomb.png")
    assert r.status_code == 413 and "điểm ảnh" in r.json()["description"], r.text
    r = upload(t, b"\xff\xd8\xff" + b"\0" * (50 * 1024 * 1024), name="big.jpg")
    assert r.status_code == 413 and "bytes" in r.json()["description"]
    r = upload(t, b"%PDF-1.7 a brochure", headers=VI, name="x.jpg")
    assert r.status_code == 400 and r.json()["description"] == "Tệp không phải ảnh JPEG, PNG, WebP hay HEIC"
    r = upload(t, encoded(Image.new("RGB", (64, 48)), "PNG"), alt_vi=None, headers=VI)
    assert r.status_code == 400 and "alt_vi" in r.json()["description"] and "mô tả ảnh" in r.json()["description"]
    r = upload(t, encoded(Image.new("RGB", (64, 48)), "PNG"), alt_vi="a\nb")
    assert r.status_code == 400
    assert t["client"].get(f"{PLACES}/{t['place']}/photos", headers=t["promoter"]).json()["photos"] == []


def test_media_names_are_only_ours(t):
    client = t["client"]
    for name in ("../../etc/passwd", "abc.webp", "0" * 64 + "-1600.webp", "0" * 64 + ".png"):
        assert client.get(f"/media/tourism/{name}").status_code == 404
    assert client.get("/media/tourism/" + "0" * 64 + "-800.webp").status_code == 404  # ours, not stored


def test_a_photo_added_to_a_published_listing_waits_for_tourism_staff(t):
    client, place = t["client"], t["place"]
    set_status(t["db"], "tourism_places", place, "submitted", "published")
    first = upload(t, encoded(Image.new("RGB", (64, 48), (9, 9, 9)), "PNG")).json()["photo"]
    assert first["reviewed"] is False
    assert client.get(f"{PLACES}/{place}/photos").json()["photos"] == []  # the published page stays as it was
    page = client.get(f"/tourism/places/{place}")
    assert page.status_code == 200 and first["sha256"] not in page.text
    base = f"{PLACES}/{place}/photos/{first['id']}"
    refused = client.patch(base, headers={**t["promoter"], **VI}, json={"reviewed": True})
    assert refused.status_code == 403 and "cán bộ du lịch" in refused.json()["description"]
    assert client.patch(base, headers=t["staff"], json={"reviewed": False}).status_code == 400
    assert client.patch(base, headers=t["staff"], json={"reviewed": True}).json()["photo"]["reviewed"] is True
    assert [p["id"] for p in client.get(f"{PLACES}/{place}/photos").json()["photos"]] == [first["id"]]
    assert first["sha256"] in client.get(f"/tourism/places/{place}").text
    by_staff = upload(t, encoded(Image.new("RGB", (64, 48), (90, 9, 9)), "PNG"), who="staff").json()["photo"]
    assert by_staff["reviewed"] is True  # tourism staff's own photo needs no second look


def test_twenty_photos_at_most_and_positions_stay_in_sequence(t):
    from layers.write.tourism_media.photos import MAX_PHOTOS
    for i in range(MAX_PHOTOS):
        r = upload(t, encoded(Image.new("RGB", (32, 24), (i * 10, 5, 5)), "PNG"), alt_vi=f"Ảnh {i}")
        assert r.status_code == 201, r.text
    r = upload(t, encoded(Image.new("RGB", (32, 24), (255, 255, 5)), "PNG"), headers=VI)
    assert r.status_code == 409 and "20 ảnh" in r.json()["description"]
    listed = t["client"].get(f"{PLACES}/{t['place']}/photos", headers=t["promoter"]).json()["photos"]
    assert [p["position"] for p in listed] == list(range(MAX_PHOTOS))
    assert sum(p["cover"] for p in listed) == 1 and listed[0]["cover"]
