"""Photos of tourism places and routes: uploaded by whoever may edit the listing, served by content.

For each of `tourism_places` and `tourism_routes` (`…/items/{featureId}/photos`):
- `POST` multipart/form-data with `file` (JPEG, PNG, WebP or HEIC, recognised by content, at most
  geo.photos.MAX_BYTES and MAX_PIXELS), `alt_vi` (required; `alt` is taken for it) and `alt_en`
  (optional) → 201 with the photo and the listing's photos. The body is read up to that limit and
  no further; the image is decoded in a bounded worker, never on the event loop.
- `GET` the listing's photos in order: public once the listing is published, else only to its
  editors (404 to everyone else, as for the listing itself).
- `PATCH …/photos/{photoId}` JSON `alt_vi`, `alt_en`, `cover: true`, `reviewed: true` (tourism staff:
  a photo a promoter adds to an already published listing is public only once reviewed);
  `PUT …/photos/order` JSON
  `{"order": [ids]}`; `DELETE …/photos/{photoId}`.
Writes are for the listing's editors (layers.write.tourism.access: 403 for anyone else).
`GET /media/tourism/{sha256}[-800|-400].webp` serves the files: public, immutable.
"""
from __future__ import annotations

from fastapi import APIRouter, Body, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse

from api.auth import User, actor_of, current_user, optional_user
from api.http.limits import expensive
from api.i18n.refusal import Refusal
from api.routes.lots import answer
from api.routes.product_photos import IMMUTABLE, _body, _form
from geo import photo_variants
from geo.said import Said
from layers.read import tourism_pages
from layers.write.growing.errors import BadBody, Forbidden
from layers.write.tourism import access
from layers.write.tourism_media import files, photos
from layers.write.tourism_media.session import changing

router = APIRouter(tags=["tourism photos"])
KINDS = {"tourism_places": "place", "tourism_routes": "route"}
Id = Path(..., alias="featureId", ge=1, le=2**31 - 1)
PhotoId = Path(..., alias="photoId", ge=1, le=2**31 - 1)
PHOTO_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file", "alt_vi"], "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": f"JPEG, PNG, WebP or HEIC, at most {photo_variants.MAX_BYTES:,} bytes and "
                                f"{photo_variants.MAX_PIXELS:,} pixels"},
        "alt_vi": {"type": "string", "maxLength": 300, "description": "what the photo shows, in Vietnamese"},
        "alt_en": {"type": "string", "maxLength": 300, "description": "the same in English (optional)"}}}}}}}
REFUSALS = {400: "not an image of those formats, a damaged one, or no alt text", 403: "not this listing's editor",
            404: "no such listing or photo", 409: "the same photo twice, too many photos, or an order naming others",
            413: "over the byte or pixel limits"}


def _alt(form_or_body: dict, name: str, required: bool):
    value = form_or_body.get(name)
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return files.alt_text(value, required, name)


def _changes(body, user: User) -> dict:
    if not isinstance(body, dict) or not body or set(body) - {"alt_vi", "alt_en", "cover", "reviewed"}:
        raise BadBody(Said("send a JSON object with alt_vi, alt_en, cover (true) and/or reviewed (true)",
                           "tourism_share.error.photo_body"))
    out = {}
    if "alt_vi" in body:
        out["alt_vi"] = _alt(body, "alt_vi", True)
    if "alt_en" in body:
        out["alt_en"] = _alt(body, "alt_en", False)
    if "cover" in body:
        if body["cover"] is not True:
            raise BadBody(Said("cover can only be set to true (the cover moves to this photo)",
                               "tourism_share.error.cover_true"))
        out["cover"] = True
    if "reviewed" in body:
        if body["reviewed"] is not True:
            raise BadBody(Said("reviewed can only be set to true (the photo may be shown)",
                               "tourism_share.error.reviewed_true"))
        if not access.is_moderator(user):
            raise Forbidden(Said(f"only tourism staff review photos; {user.name} is a {user.role}",
                                 "tourism_share.error.not_reviewer", name=user.name, role=user.role))
        out["reviewed"] = True
    return out


def install(collection: str) -> None:
    kind = KINDS[collection]
    base = f"/collections/{collection}/items/{{featureId}}/photos"

    @router.post(base, status_code=201, summary=f"Add a photo to a {kind} (multipart: file, alt_vi, alt_en)",
                 openapi_extra=PHOTO_BODY, responses={s: {"description": d} for s, d in REFUSALS.items()},
                 name=f"add_{kind}_photo")
    async def add(request: Request, listing_id: int = Id, user: User = Depends(current_user),
                  _slot: None = Depends(expensive)):
        engine, settings = request.app.state.engine, request.app.state.settings
        async with engine.connect() as conn:  # refused early, before any image work
            await access.check_edit(conn, user, collection, listing_id, lock=False)
        form = _form(request.headers.get("content-type", ""), await _body(request))
        alt_vi = _alt({"alt_vi": form.get("alt_vi", form.get("alt"))}, "alt_vi", True)
        alt_en = _alt(form, "alt_en", False)
        if not form.get("file"):
            raise BadBody(Said("no file in the form field 'file' (or it is empty)", "lots.photo.no_file"))
        variants = await files.prepare(settings, form.pop("file"))
        await run_in_threadpool(files.store, settings, variants)
        async with changing(engine, actor_of(user)) as conn:
            item = await access.check_edit(conn, user, collection, listing_id)
            waits = item.status == "published" and not access.is_moderator(user)  # a change to what is public
            photo = await photos.add(conn, kind, listing_id, variants, alt_vi, alt_en, reviewed=not waits)
            every = await photos.of_listing(conn, kind, listing_id)
        photo["source_format"] = variants.source_format
        return answer({"photo": photo, "photos": every}, status=201,
                      location=f"/collections/{collection}/items/{listing_id}/photos")

    @router.get(base, summary=f"A {kind}'s photos in order (public once published)", name=f"{kind}_photos")
    async def listed(request: Request, listing_id: int = Id, user: User | None = Depends(optional_user)):
        async with request.app.state.engine.connect() as conn:
            shown = await tourism_pages.public_photos(conn, kind, listing_id)
            if shown is None and user is not None and user.role in access.WRITERS:
                item = await access.listing(conn, collection, listing_id)
                if access.may_edit(user, item):
                    shown = await photos.of_listing(conn, kind, listing_id)
        if shown is None:
            raise Refusal(404, "tourism_share.error.no_listing", what=photos.what(kind, listing_id))
        return answer({"photos": shown})

    @router.patch(base + "/{photoId}", summary=f"Describe a {kind}'s photo or make it the cover",
                  responses={s: {"description": d} for s, d in REFUSALS.items()}, name=f"describe_{kind}_photo")
    async def describe(request: Request, listing_id: int = Id, photo_id: int = PhotoId, body=Body(...),
                       user: User = Depends(current_user)):
        changes = _changes(body, user)
        async with changing(request.app.state.engine, actor_of(user)) as conn:
            await access.check_edit(conn, user, collection, listing_id)
            photo = await photos.describe(conn, kind, listing_id, photo_id, changes)
            every = await photos.of_listing(conn, kind, listing_id)
        return answer({"photo": photo, "photos": every})

    @router.put(base + "/order", summary=f"Put a {kind}'s photos in order", name=f"order_{kind}_photos",
                responses={s: {"description": d} for s, d in REFUSALS.items()})
    async def order(request: Request, listing_id: int = Id, body=Body(...), user: User = Depends(current_user)):
        wanted = photos.check_order(body.get("order") if isinstance(body, dict) else None)
        async with changing(request.app.state.engine, actor_of(user)) as conn:
            await access.check_edit(conn, user, collection, listing_id)
            every = await photos.reorder(conn, kind, listing_id, wanted)
        return answer({"photos": every})

    @router.delete(base + "/{photoId}", summary=f"Remove a photo from a {kind}", name=f"remove_{kind}_photo",
                   responses={s: {"description": d} for s, d in REFUSALS.items()})
    async def remove(request: Request, listing_id: int = Id, photo_id: int = PhotoId, user: User = Depends(current_user)):
        async with changing(request.app.state.engine, actor_of(user)) as conn:
            await access.check_edit(conn, user, collection, listing_id)
            every = await photos.remove(conn, kind, listing_id, photo_id)
        return answer({"photos": every})


for _collection in KINDS:
    install(_collection)


@router.get("/media/tourism/{name}", summary="A tourism photo in one of its sizes (WebP, immutable)",
            response_class=FileResponse)
async def tourism_media_file(request: Request, name: str = Path(..., max_length=80)):
    path = files.file_of(request.app.state.settings, name)
    if path is None or not await run_in_threadpool(path.is_file):
        raise Refusal(404, "lots.photo.no_media", name=name[:80])
    return FileResponse(path, media_type="image/webp", headers={"Cache-Control": IMMUTABLE})
