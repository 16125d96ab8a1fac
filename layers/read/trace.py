"""What a buyer's scan shows (issue 15): one harvest lot, its product, its cooperative and the
growing areas it came from, then and now. No HTTP here; api/routes/trace.py answers with it.

Only public tables are read, and of them only what a label may tell: the product (name, OCOP
stars, category, GTIN, photo file), the cooperative as a business (name, commune, address, its
public phone; never a person's name or phone: nothing in `private` is read), the lot (code,
harvest date, quantity unless confidential, certification, recall) and each source area (code,
crop, commune, hectares, its status on the harvest day as recorded by the database, and its
status today: the stored status, or expired once `valid_to` has passed even before the expiry
loop writes it).

The small map's shapes come from `map_shapes`: the areas simplified to what a 1000-unit-wide
picture can show and the commune boundaries clipped to the frame, so the page carries a few
hundred bytes of geometry, not the communes' thousands of vertices.
"""
from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from geo import svg_map

VN_TODAY = "(now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"
# Codes of statuses an area may have today, of which only `granted` is good news.
WARNING_STATUSES = ("suspended", "revoked", "expired")

_LOT = f"""
SELECT l.id, l.lot_code, l.quantity, l.unit, l.harvest_date, l.certification,
       l.certification_valid_from, l.certification_valid_to, l.status, l.recall_reason, l.recalled_at,
       l.row_version, p.id AS product_id, p.name AS product_name, p.category, p.stars, p.gtin,
       p.photo_sha256, p.photo_alt, c.id AS cooperative_id, c.name AS cooperative_name,
       c.address AS cooperative_address, c.phone AS cooperative_phone, c.commune_code AS cooperative_commune,
       cc.full_name_vi AS commune_vi, coalesce(cc.full_name_en, cc.full_name_vi) AS commune_en,
       {VN_TODAY} AS today
FROM harvest_lots l
JOIN ocop_products p ON p.id = l.product_id
JOIN cooperatives c ON c.id = l.cooperative_id
LEFT JOIN communes cc ON cc.code = c.commune_code
"""
BY_ID = text(_LOT + " WHERE l.id = :id")
BY_GS1 = text(_LOT + " WHERE p.gtin = :gtin AND l.lot_code = :lot")

AREAS = text(f"""
SELECT g.id, g.code, g.crop, g.commune_code, gc.full_name_vi AS commune_vi,
       coalesce(gc.full_name_en, gc.full_name_vi) AS commune_en, g.area_ha, a.status_at_harvest,
       CASE WHEN g.status IN ('granted', 'suspended') AND g.valid_to < {VN_TODAY} THEN 'expired'
            ELSE g.status END AS status_now,
       g.valid_from, g.valid_to,
       ST_XMin(g.geom) AS west, ST_YMin(g.geom) AS south, ST_XMax(g.geom) AS east, ST_YMax(g.geom) AS north,
       ST_X(lp.p) AS label_lon, ST_Y(lp.p) AS label_lat
FROM harvest_lot_areas a
JOIN growing_areas g ON g.id = a.growing_area_id
LEFT JOIN communes gc ON gc.code = g.commune_code
CROSS JOIN LATERAL (SELECT ST_PointOnSurface(g.geom) AS p) lp
WHERE a.lot_id = :id
ORDER BY g.code, g.id
""")

SHAPES = text("""
SELECT g.id, ST_AsGeoJSON(ST_SimplifyPreserveTopology(g.geom, :tol), 6) AS geometry
FROM harvest_lot_areas a JOIN growing_areas g ON g.id = a.growing_area_id
WHERE a.lot_id = :id
""")

# Every commune boundary crossing the frame, dissolved (a boundary two communes share is one line,
# so its dashes line up), clipped to the frame, merged back into long lines (the union cuts them at
# every vertex) and simplified to the map's detail.
BOUNDARIES = text("""
WITH f AS (SELECT ST_MakeEnvelope(:west, :south, :east, :north, 4326) AS f)
SELECT ST_AsGeoJSON(ST_Simplify(ST_LineMerge(ST_CollectionExtract(ST_Intersection(ST_Union(ST_Boundary(c.geom)), f.f), 2)), :tol), 6)
FROM communes c, f WHERE c.geom && f.f GROUP BY f.f
""")


def _lot(row) -> dict:
    return dict(row._mapping)


async def lot_by_id(conn: AsyncConnection, lot_id: int) -> dict | None:
    """The lot with its product and cooperative, or None when no lot has this id."""
    row = (await conn.execute(BY_ID, {"id": lot_id})).first()
    return None if row is None else _lot(row)


async def lot_by_gs1(conn: AsyncConnection, gtin: str, lot_code: str) -> dict | None:
    """The lot `lot_code` (exactly, case kept) of the product whose GTIN-14 is `gtin`, or None."""
    row = (await conn.execute(BY_GS1, {"gtin": gtin, "lot": lot_code})).first()
    return None if row is None else _lot(row)


async def areas(conn: AsyncConnection, lot_id: int) -> list[dict]:
    """Each source area: code, crop, commune, hectares, status at harvest and today, bounds and a
    point inside it for its label."""
    return [dict(r._mapping) for r in await conn.execute(AREAS, {"id": lot_id})]


def warnings(found: list[dict]) -> list[dict]:
    """The areas a buyer must be told about: not granted today, or not granted on the harvest day."""
    return [a for a in found if a["status_now"] in WARNING_STATUSES or a["status_at_harvest"] in WARNING_STATUSES]


async def map_shapes(conn: AsyncConnection, lot_id: int, found: list[dict]) -> dict | None:
    """The frame, the areas' simplified shapes (by id) and the clipped commune boundaries."""
    if not found:
        return None
    frame = svg_map.frame([(a["west"], a["south"], a["east"], a["north"]) for a in found])
    tol = frame.tolerance_deg
    shapes = {r.id: json.loads(r.geometry) for r in await conn.execute(SHAPES, {"id": lot_id, "tol": tol})}
    params = {"west": frame.west, "south": frame.south, "east": frame.east, "north": frame.north, "tol": tol}
    lines = [json.loads(r[0]) for r in await conn.execute(BOUNDARIES, params) if r[0]]
    return {"frame": frame, "shapes": shapes, "boundaries": lines}


async def trace(conn: AsyncConnection, lot: dict) -> dict:
    """Everything the trace page and its JSON-LD show about a lot already found."""
    found = await areas(conn, lot["id"])
    return {"lot": lot, "areas": found, "warnings": warnings(found), "map": await map_shapes(conn, lot["id"], found)}
