"""An OCOP product's photo: uploaded by its cooperative (or staff), published as clean WebP files.

`PUT /collections/ocop_products/items/{id}/photo` takes multipart/form-data with a `file` (JPEG,
PNG or WebP, recognised by content, at most geo.photos.MAX_BYTES) and `alt` (required, the words
read instead of the photo), and If-Match. The body is read into memory up to that limit and no
further (a declared larger Content-Length is refused before reading); the image work runs in a
bounded worker with a deadline (layers.write.cooperatives.photos). `GET /media/{sha256}.webp`
and `/media/{sha256}-400.webp` serve the files: public, immutable (a name is its content).
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Header, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from python_multipart.multipart import MultipartParser, parse_options_header

from api.auth import User, actor_of, current_user
from api.http.limits import expensive
from api.i18n.refusal import Refusal
from api.routes.cooperatives import PRODUCTS, STAFF_PRODUCT
from api.routes.lots import answer, require_if_match
from geo import photos as clean_photos
from geo.said import Said
from layers.write.cooperatives import access, photos, products
from layers.write.cooperatives.session import check_version, writing
from layers.write.growing.errors import BadBody, TooLarge

router = APIRouter(tags=["cooperatives and OCOP products"])
Id = Path(..., alias="featureId", ge=1, le=2**31 - 1)
FORM_ROOM = 64 * 1024  # the multipart framing and the alt field, beside the file
IMMUTABLE = "public, max-age=31536000, immutable"
PHOTO_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file", "alt"], "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": f"JPEG, PNG or WebP, at most {clean_photos.MAX_BYTES:,} bytes and "
                                f"{clean_photos.MAX_PIXELS:,} pixels"},
        "alt": {"type": "string", "maxLength": photos.MAX_ALT, "description": "what the photo shows, in words"}}}}}}}


async def _body(request: Request) -> bytes:
    limit = clean_photos.MAX_BYTES + FORM_ROOM
    declared = request.headers.get("content-length")
    too_big = Said(f"the upload is over {clean_photos.MAX_BYTES:,} bytes", "lots.photo.upload_over",
                   max=clean_photos.MAX_BYTES)
    if declared and declared.isdigit() and int(declared) > limit:
        raise TooLarge(too_big)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(too_big)
        chunks.append(chunk)
    return b"".join(chunks)


def _form(content_type: str, raw: bytes) -> dict[str, bytes]:
    """The form's fields by name (the first of each), parsed from the bytes read."""
    ctype, options = parse_options_header(content_type)
    if ctype != b"multipart/form-data" or not options.get(b"boundary"):
        raise BadBody(Said("send multipart/form-data with a 'file' and its 'alt' text", "lots.photo.multipart"))
    fields: dict[str, bytes] = {}
    current = {"name": None, "header": b"", "value": b"", "headers": {}, "data": []}

    def header_end():
        current["headers"][current["header"].lower()] = current["value"]
        current["header"], current["value"] = b"", b""

    def headers_done():
        _, opts = parse_options_header(current["headers"].get(b"content-disposition", b""))
        current["name"] = opts.get(b"name", b"").decode("utf-8", "replace")

    def part_end():
        if current["name"] and current["name"] not in fields:
            fields[current["name"]] = b"".join(current["data"])
        current.update(name=None, headers={}, data=[])

    parser = MultipartParser(options[b"boundary"], {
        "on_header_field": lambda d, s, e: current.__setitem__("header", current["header"] + d[s:e]),
        "on_header_value": lambda d, s, e: current.__setitem__("value", current["value"] + d[s:e]),
        "on_header_end": header_end, "on_headers_finished": headers_done,
        "on_part_data": lambda d, s, e: current["data"].append(d[s:e]), "on_part_end": part_end})
    try:
        parser.write(raw)
        parser.finalize()
    except Exception as exc:  # python-multipart's own errors for a malformed body
        raise BadBody(Said(f"the form cannot be read ({exc})", "lots.photo.form", reason=str(exc)[:200])) from None
    return fields


@router.put(PRODUCTS + "/{featureId}/photo", summary="Set an OCOP product's photo (multipart: file, alt; If-Match)",
            openapi_extra=PHOTO_BODY, responses={r: {"description": d} for r, d in (
                (400, "not a JPEG, PNG or WebP image, a damaged one, or no alt text"), (403, "not this product's writer"),
                (412, "If-Match is stale"), (413, f"over {clean_photos.MAX_BYTES:,} bytes or "
                                                 f"{clean_photos.MAX_PIXELS:,} pixels"), (428, "If-Match is required"))})
async def put_photo(request: Request, product_id: int = Id, user: User = Depends(current_user),
                    if_match: str | None = Header(None, alias="If-Match"), _slot: None = Depends(expensive)):
    if_match = require_if_match(if_match, f"{STAFF_PRODUCT}/{product_id}")
    engine, settings = request.app.state.engine, request.app.state.settings
    async with engine.connect() as conn:  # refused early, before any image work
        row = await products.one(conn, product_id)
        await access.check_product_writer(conn, user, row)
        check_version(if_match, products.feature(row)[1], products.what(product_id))
    form = _form(request.headers.get("content-type", ""), await _body(request))
    alt = photos.alt_text(form.get("alt", b"").decode("utf-8", "replace"))
    if not form.get("file"):
        raise BadBody(Said("no file in the form field 'file' (or it is empty)", "lots.photo.no_file"))
    photo = await photos.prepare(settings, form.pop("file"))
    await run_in_threadpool(photos.store, settings, photo)
    async with writing(engine, actor_of(user)) as conn:
        await access.check_product_writer(conn, user, await products.one(conn, product_id))
        await products.set_photo(conn, product_id, photo.sha256, alt, if_match)
        feat, tag = products.feature(await products.one(conn, product_id))
    feat["photo"] = {"width": photo.width, "height": photo.height, "source_format": photo.source_format}
    return answer(feat, tag)


@router.delete(PRODUCTS + "/{featureId}/photo", summary="Remove an OCOP product's photo (If-Match)")
async def delete_photo(request: Request, product_id: int = Id, user: User = Depends(current_user),
                       if_match: str | None = Header(None, alias="If-Match")):
    if_match = require_if_match(if_match, f"{STAFF_PRODUCT}/{product_id}")
    async with writing(request.app.state.engine, actor_of(user)) as conn:
        await access.check_product_writer(conn, user, await products.one(conn, product_id))
        await products.set_photo(conn, product_id, None, None, if_match)
        feat, tag = products.feature(await products.one(conn, product_id))
    return answer(feat, tag)


@router.get("/media/{name}", summary="A product photo or its 400 px thumbnail (WebP, immutable)",
            response_class=FileResponse)
async def media(request: Request, name: str = Path(..., max_length=80)):
    path = photos.file_of(request.app.state.settings, name)
    if path is None or not await run_in_threadpool(path.is_file):
        raise Refusal(404, "lots.photo.no_media", name=name[:80])
    return FileResponse(path, media_type="image/webp", headers={"Cache-Control": IMMUTABLE})
