"""A cooperative's public profile and its OCOP products, written by the cooperative account and
province staff (issue 15). Thin: parse, call layers.write.cooperatives in one transaction acting
as the user, answer the staff view with its ETag. The stars, score and certificate year are the
province's award: a cooperative sending them gets 403 naming them.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Header, Path, Request

from api.auth import User, actor_of, current_user
from api.routes.growing_areas import read_json
from api.routes.lots import answer, require_if_match
from geo.said import Said
from layers.write.cooperatives import access, fields, products, profile
from layers.write.cooperatives.session import writing
from layers.write.growing.errors import Forbidden
from layers.write.lots.access import check_read

router = APIRouter(tags=["cooperatives and OCOP products"])
PROFILE = "/collections/cooperatives/items"
PRODUCTS = "/collections/ocop_products/items"
STAFF_COOP = "/staff/api/cooperatives"
STAFF_PRODUCT = "/staff/api/ocop-products"
Id = Path(..., alias="featureId", ge=1, le=2**31 - 1)
CooperativeId = Path(..., ge=1, le=2**31 - 1, description="Cooperative id")
RESPONSES = {r: {"description": d} for r, d in (
    (400, "malformed body, a field nobody may set here or an unknown one (named), a GTIN with a wrong check digit"),
    (401, "no or bad credentials"),
    (403, "another cooperative, a role that may not write, or stars/score/certified_year sent by a cooperative"),
    (404, "no such record"), (409, "another product has this GTIN"), (412, "If-Match is stale"),
    (428, "If-Match is required"))}
BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "description": "the fields to change (or a GeoJSON Feature without geometry)"}}}}}


@router.get(STAFF_COOP + "/{cooperative_id}", summary="A cooperative's profile, with its ETag")
async def get_profile(request: Request, cooperative_id: int = CooperativeId, user: User = Depends(current_user)):
    async with request.app.state.engine.connect() as conn:
        await check_read(conn, user, cooperative_id, profile.what(cooperative_id))
        feat, tag = profile.feature(await profile.one(conn, cooperative_id))
    return answer(feat, tag)


@router.patch(PROFILE + "/{featureId}", summary="Change a cooperative's public profile (If-Match)",
              responses=RESPONSES, openapi_extra=BODY)
async def patch_profile(request: Request, cooperative_id: int = Id, user: User = Depends(current_user),
                        if_match: str | None = Header(None, alias="If-Match")):
    if_match = require_if_match(if_match, f"{STAFF_COOP}/{cooperative_id}")
    body = await read_json(request)
    async with writing(request.app.state.engine, actor_of(user)) as conn:
        await profile.one(conn, cooperative_id)  # 404 before 403
        await access.check_writer(conn, user, cooperative_id)
        await profile.patch(conn, cooperative_id, body, if_match)
        feat, tag = profile.feature(await profile.one(conn, cooperative_id))
    return answer(feat, tag)


@router.get(STAFF_COOP + "/{cooperative_id}/products", summary="A cooperative's OCOP products, each with its ETag")
async def list_products(request: Request, cooperative_id: int = CooperativeId, user: User = Depends(current_user)):
    async with request.app.state.engine.connect() as conn:
        await check_read(conn, user, cooperative_id, profile.what(cooperative_id))
        found = await products.of_cooperative(conn, cooperative_id)
    return answer({"cooperative_id": cooperative_id, "products": found})


@router.get(STAFF_PRODUCT + "/{featureId}", summary="One OCOP product, with its ETag")
async def get_product(request: Request, product_id: int = Id, user: User = Depends(current_user)):
    async with request.app.state.engine.connect() as conn:
        row = await products.one(conn, product_id)
        await access.check_product_reader(conn, user, row, products.what(product_id))
        feat, tag = products.feature(row)
    return answer(feat, tag)


@router.post(PRODUCTS, summary="Register an OCOP product (province staff, who award its stars)", status_code=201,
             responses=RESPONSES, openapi_extra=BODY)
async def create_product(request: Request, user: User = Depends(current_user)):
    body = fields.properties_of(await read_json(request))
    async with writing(request.app.state.engine, actor_of(user)) as conn:
        if user.role == "cooperative":
            raise Forbidden(Said("an OCOP product is registered by province staff when they award its stars; "
                                 "the cooperative then edits its name, category, description, GTIN and photo",
                                 "lots.error.product_by_staff"))
        values = fields.product(body, staff=True, creating=True)
        await profile.one(conn, values["cooperative_id"])
        await access.check_writer(conn, user, values["cooperative_id"])
        product_id = await products.create(conn, values)
        feat, tag = products.feature(await products.one(conn, product_id))
    return answer(feat, tag, 201, f"{str(request.base_url).rstrip('/')}{STAFF_PRODUCT}/{product_id}")


@router.patch(PRODUCTS + "/{featureId}", summary="Change an OCOP product (If-Match)", responses=RESPONSES,
              openapi_extra=BODY)
async def patch_product(request: Request, product_id: int = Id, user: User = Depends(current_user),
                        if_match: str | None = Header(None, alias="If-Match")):
    if_match = require_if_match(if_match, f"{STAFF_PRODUCT}/{product_id}")
    body = await read_json(request)
    async with writing(request.app.state.engine, actor_of(user)) as conn:
        staff = await access.check_product_writer(conn, user, await products.one(conn, product_id))
        await products.patch(conn, product_id, body, if_match, staff)
        feat, tag = products.feature(await products.one(conn, product_id))
    return answer(feat, tag)
