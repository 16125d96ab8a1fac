"""OCOP products: read one or a cooperative's (with ETags and photo paths), register one (province
staff, who award the stars), change some fields (the cooperative or staff)."""
from __future__ import annotations

from sqlalchemy import insert, select, text, update

from geo.said import Said
from layers.db.models.agriculture import OcopProduct
from layers.write.cooperatives import fields, profile
from layers.write.cooperatives.session import check_version, etag
from layers.write.growing.errors import NotFound

PRODUCTS = OcopProduct.__table__
_COLUMNS = ("o.id, o.name, o.category, o.stars, o.score, o.producer, o.cooperative_id, o.commune_code, "
            "o.certified_year, o.gtin, o.description, o.photo_sha256, o.photo_alt, o.created_at, o.updated_at, "
            "ST_AsGeoJSON(o.geom, 7)::json AS geometry, md5(row_to_json(o)::text) AS digest")
_ONE = f"SELECT {_COLUMNS} FROM ocop_products o WHERE o.id = :id"
_OF = text(f"SELECT {_COLUMNS} FROM ocop_products o WHERE o.cooperative_id = :coop ORDER BY o.name, o.id")


def photo_path(sha256: str | None, thumb: bool = False) -> str | None:
    """Where the photo is served (api.routes.product_photos): named by the sha256 of its bytes."""
    return None if sha256 is None else f"/media/{sha256}{'-400' if thumb else ''}.webp"


def what(product_id: int) -> Said:
    return Said(f"OCOP product {product_id}", "lots.what.product", id=str(product_id))


async def one(conn, product_id: int, lock: bool = False):
    row = (await conn.execute(text(_ONE + (" FOR UPDATE OF o" if lock else "")), {"id": product_id})).first()
    if row is None:
        raise NotFound(Said(f"no OCOP product {product_id}", "lots.error.no_product", id=str(product_id)))
    return row


def feature(row) -> tuple[dict, str]:
    m = dict(row._mapping)
    props = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in m.items()
             if k not in ("id", "geometry", "digest")}
    props["photo_url"] = photo_path(m["photo_sha256"])
    props["photo_thumbnail_url"] = photo_path(m["photo_sha256"], thumb=True)
    return ({"type": "Feature", "id": m["id"], "geometry": m["geometry"], "properties": props},
            etag("ocop", m["id"], m["digest"]))


async def of_cooperative(conn, cooperative_id: int) -> list[dict]:
    out = []
    for row in await conn.execute(_OF, {"coop": cooperative_id}):
        feat, tag = feature(row)
        feat["etag"] = tag
        out.append(feat)
    return out


async def create(conn, values: dict) -> int:
    """A product of `values["cooperative_id"]` at the cooperative's place; the producer is the
    cooperative unless named."""
    coop = await profile.one(conn, values["cooperative_id"])
    values = {"producer": coop.name, "commune_code": coop.commune_code, **{k: v for k, v in values.items() if v is not None}}
    place = select(profile.COOPERATIVES.c.geom).where(profile.COOPERATIVES.c.id == coop.id).scalar_subquery()
    stmt = insert(PRODUCTS).values(**values, geom=place).returning(PRODUCTS.c.id)
    return (await conn.execute(stmt)).scalar_one()


async def patch(conn, product_id: int, body, if_match: str | None, staff: bool) -> None:
    row = await one(conn, product_id, lock=True)
    check_version(if_match, feature(row)[1], what(product_id))
    values = fields.product(fields.properties_of(body), staff)
    if values:
        await conn.execute(update(PRODUCTS).where(PRODUCTS.c.id == product_id).values(**values))


async def set_photo(conn, product_id: int, sha256: str | None, alt: str | None, if_match: str | None) -> None:
    """Point the product at a stored photo (or at none), If-Match checked."""
    row = await one(conn, product_id, lock=True)
    check_version(if_match, feature(row)[1], what(product_id))
    await conn.execute(update(PRODUCTS).where(PRODUCTS.c.id == product_id).values(photo_sha256=sha256, photo_alt=alt))
