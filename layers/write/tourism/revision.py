"""A published listing's revision under moderation: proposed by its promoter, applied or discarded
by tourism staff, while the published version stays up for everyone else.

The revision lives in the listing's `pending` column (migration 0013): the fields that differ from
the published row and, when moved or redrawn, the geometry as GeoJSON (WGS 84). Proposing again
merges into it; a field set back to its published value leaves the revision.
"""
from __future__ import annotations

import json

import shapely
import shapely.geometry
from sqlalchemy import func, null, text
from sqlalchemy import update as sql_update

from geo.said import Said
from layers.db.models.tourism import TourismEvent, TourismPlace, TourismRoute
from layers.write.growing.errors import Stale
from layers.write.tourism import access
from layers.write.tourism.fields import clean

TABLES = {"tourism_places": TourismPlace.__table__, "tourism_routes": TourismRoute.__table__,
          "tourism_events": TourismEvent.__table__}


def _jsonable(values: dict) -> dict:
    return json.loads(json.dumps(values, default=lambda v: v.isoformat()))


def proposed(row) -> dict:
    """The pending revision of a listing row ({} when none)."""
    return dict(row.pending or {})


def geometry_of(pending: dict):
    geom = pending.get("geometry")
    return shapely.geometry.shape(geom) if geom else None


def _stale(table: str, listing_id: int) -> Stale:
    return Stale(Said(f"{access.what(table, listing_id)} changed while this request ran; read it again",
                      "tourism_write.error.changed_meanwhile", what=access.what(table, listing_id)))


async def propose(conn, table: str, item, version: int, current: dict, values: dict, geom, user) -> None:
    """Store `values` (the whole listing as the promoter wants it) as the pending revision."""
    row = (await conn.execute(text(f"SELECT pending FROM {access.table_of(table)} WHERE id = :id"),
                              {"id": item.id})).first()
    before = dict(row.pending or {})
    changed = _jsonable({k: v for k, v in values.items() if v != current[k]})
    pending: dict = {"properties": changed, "by": user.name}
    if geom is not None:
        pending["geometry"] = shapely.geometry.mapping(geom)
    elif before.get("geometry"):
        pending["geometry"] = before["geometry"]
    empty = not changed and not pending.get("geometry")
    t = TABLES[table]
    stmt = (sql_update(t).where(t.c.id == item.id, t.c.row_version == version)
            .values(pending=null() if empty else pending, pending_at=null() if empty else func.now()).returning(t.c.id))
    if (await conn.execute(stmt)).first() is None:
        raise _stale(table, item.id)


async def apply(conn, table: str, listing_id: int, version: int, note: str | None) -> None:
    """Publish the revision: its fields and geometry become the listing's, and it is cleared."""
    row = (await conn.execute(text(f"SELECT pending FROM {access.table_of(table)} WHERE id = :id"),
                              {"id": listing_id})).first()
    pending = dict(row.pending or {})
    changes = clean(table, pending.get("properties") or {})
    if pending.get("geometry"):
        geom = func.ST_SetSRID(func.ST_GeomFromGeoJSON(json.dumps(pending["geometry"])), 4326)
        changes["geom"] = func.ST_Multi(geom) if table == "tourism_routes" else geom
    t = TABLES[table]
    stmt = (sql_update(t).where(t.c.id == listing_id, t.c.row_version == version)
            .values(**changes, pending=null(), pending_at=null(), status_note=note).returning(t.c.id))
    if (await conn.execute(stmt)).first() is None:
        raise _stale(table, listing_id)
