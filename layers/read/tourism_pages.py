"""What a published tourism listing's shareable page shows, and what /sitemap.xml lists.

Every listing is read through `public_select` (the registry's public properties and its public
filter: published only), so a draft, a submitted or an unpublished listing has no page, no photos
listed and no sitemap entry, on the next request. Photos and elevation profiles (migration 0015)
are read only through a published listing.
"""
from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from layers.read.registry import BY_ID, get
from layers.read.relations import public_select
from layers.write.tourism_media.files import urls
from layers.write.tourism_media.tables import listing_column, photos, profiles, track_key

LAYERS = {"place": "tourism_places", "route": "tourism_routes", "event": "tourism_events"}
SITEMAP_MAX = 45_000  # a sitemap file holds at most 50,000 URLs


def _public(kind: str, listing_id: int, *extra) -> sa.Select:
    layer = get(LAYERS[kind])
    base = public_select(layer)
    c = base.selected_columns
    cols = [c[layer.id_column].label("id"), *(c[n] for n in layer.property_names), *extra]
    return base.with_only_columns(*cols).where(c[layer.id_column] == listing_id), c


async def is_public(conn: AsyncConnection, kind: str, listing_id: int) -> bool:
    layer = get(LAYERS[kind])
    base = public_select(layer)
    c = base.selected_columns
    stmt = base.with_only_columns(c[layer.id_column]).where(c[layer.id_column] == listing_id)
    return (await conn.execute(stmt)).first() is not None


async def public_photos(conn: AsyncConnection, kind: str, listing_id: int) -> list[dict] | None:
    """The reviewed photos in order (cover flagged), or None when the listing is not published."""
    if not await is_public(conn, kind, listing_id):
        return None
    col = listing_column(kind)
    rows = (await conn.execute(sa.select(photos).where(col == listing_id, photos.c.reviewed)
                               .order_by(photos.c.position, photos.c.id))).all()
    return [{"id": r.id, "sha256": r.sha256, "alt_vi": r.alt_vi, "alt_en": r.alt_en, "position": r.position,
             "cover": r.cover, "width": r.width, "height": r.height, "urls": urls(r.sha256)} for r in rows]


def cover_first(shown: list[dict]) -> list[dict]:
    return sorted(shown, key=lambda p: (not p["cover"], p["position"]))


async def place(conn: AsyncConnection, place_id: int) -> dict | None:
    """A published place's public properties with lon/lat and its photos (cover first)."""
    stmt, c = _public("place", place_id)
    stmt = stmt.add_columns(sa.func.ST_X(c.geom).label("lon"), sa.func.ST_Y(c.geom).label("lat"))
    row = (await conn.execute(stmt)).mappings().first()
    if row is None:
        return None
    return {**row, "photo_list": cover_first(await public_photos(conn, "place", place_id) or [])}


async def route(conn: AsyncConnection, route_id: int) -> dict | None:
    """A published route: properties, the line as GeoJSON (lon/lat, 6 decimals), its extent, the
    stops that are published places (in the route's order), its photos and its elevation profile
    (the one measured on the route's current line, if any)."""
    stmt, c = _public("route", route_id)
    stmt = stmt.add_columns(sa.func.ST_AsGeoJSON(c.geom, 6).label("geojson"),
                            sa.func.ST_XMin(c.geom).label("west"), sa.func.ST_YMin(c.geom).label("south"),
                            sa.func.ST_XMax(c.geom).label("east"), sa.func.ST_YMax(c.geom).label("north"),
                            track_key(c.geom).label("track_key"))
    row = (await conn.execute(stmt)).mappings().first()
    if row is None:
        return None
    out = dict(row)
    out["geometry"] = json.loads(out.pop("geojson"))
    out["stops"] = await stops(conn, list(row.get("place_ids") or []))
    out["photo_list"] = cover_first(await public_photos(conn, "route", route_id) or [])
    prof = (await conn.execute(sa.select(profiles).where(profiles.c.route_id == route_id,
                                                         profiles.c.track_key == row["track_key"]))).first()
    out["profile"] = None if prof is None else {
        "distance_m": list(prof.distance_m), "elevation_m": list(prof.elevation_m), "climb_m": prof.climb_m}
    return out


async def stops(conn: AsyncConnection, place_ids: list[int]) -> list[dict]:
    """The published places among `place_ids`, in that order (one left unpublished drops out)."""
    if not place_ids:
        return []
    layer = get("tourism_places")
    base = public_select(layer)
    c = base.selected_columns
    stmt = base.with_only_columns(c.id, c.name_vi, c.name_en, c.kind, sa.func.ST_X(c.geom).label("lon"),
                                  sa.func.ST_Y(c.geom).label("lat")).where(c.id.in_(place_ids))
    found = {r["id"]: dict(r) for r in (await conn.execute(stmt)).mappings().all()}
    return [found[i] for i in place_ids if i in found]


async def event(conn: AsyncConnection, event_id: int) -> dict | None:
    """A published event's public properties with lon/lat (None when events are not a layer yet)."""
    if "tourism_events" not in BY_ID:
        return None
    stmt, c = _public("event", event_id)
    stmt = stmt.add_columns(sa.func.ST_X(c.geom).label("lon"), sa.func.ST_Y(c.geom).label("lat"))
    row = (await conn.execute(stmt)).mappings().first()
    return None if row is None else dict(row)


async def sitemap_ids(conn: AsyncConnection) -> dict[str, list[int]]:
    """The ids of every published place, route and event, for /sitemap.xml."""
    out = {}
    for kind, layer_id in LAYERS.items():
        if layer_id not in BY_ID:
            continue
        layer = BY_ID[layer_id]
        base = public_select(layer)
        c = base.selected_columns
        stmt = base.with_only_columns(c[layer.id_column]).order_by(c[layer.id_column]).limit(SITEMAP_MAX)
        out[kind] = list((await conn.execute(stmt)).scalars().all())
    return out


async def commune_name(conn: AsyncConnection, code: str) -> tuple[str, str | None] | None:
    """A current commune's (name_vi, name_en), for a listing's address."""
    base = public_select(get("communes"))
    c = base.selected_columns
    row = (await conn.execute(base.with_only_columns(c.name_vi, c.name_en).where(c.code == code))).first()
    return None if row is None else (row[0], row[1])
