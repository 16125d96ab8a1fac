"""Staff views of tourism listings: every field, the status, owner and pending revision, scope-filtered.

A promoter lists their own listings; tourism staff those in their areas (the moderation queue is
the submitted ones and the published ones with a revision waiting). Public reads never come
here: they go through the registry (published rows, public columns only).
"""
from __future__ import annotations

import json

from sqlalchemy import text

from layers.write.tourism import access
from layers.write.tourism.fields import COLUMNS

EXTRA = {"tourism_places": ("photos",), "tourism_routes": ("length_km",), "tourism_events": ()}
SYSTEM = ("status", "status_note", "pending", "pending_at", "row_version", "created_at", "updated_at")


def _select(table: str) -> str:
    table = access.table_of(table)
    cols = ", ".join(f"t.{c}" for c in ("id", *COLUMNS[table], *EXTRA[table], *SYSTEM))
    return (f"SELECT {cols}, u.name AS owner, c.province_code, ST_AsGeoJSON(t.geom, 7) AS geometry FROM {table} t "
            "LEFT JOIN private.users u ON u.id = t.owner_id LEFT JOIN communes c ON c.code = t.commune_code")


# The SQL truth of access.in_scope for the row's commune.
SCOPE = "(:admin OR t.commune_code = ANY(:areas) OR c.province_code = ANY(:areas))"


def _plain(v):
    return v.isoformat() if hasattr(v, "isoformat") else v


def feature(table: str, row) -> dict:
    m = dict(row._mapping)
    geometry = json.loads(m.pop("geometry"))
    m.pop("province_code", None)
    props = {k: _plain(v) for k, v in m.items() if k != "id"}
    return {"type": "Feature", "id": m["id"], "collection": table, "geometry": geometry, "properties": props}


async def row(conn, table: str, listing_id: int):
    found = (await conn.execute(text(_select(table) + " WHERE t.id = :id"), {"id": listing_id})).first()
    if found is None:
        await access.listing(conn, table, listing_id)  # raises the NotFound
    return found


async def one(conn, table: str, listing_id: int) -> tuple[dict, str]:
    """The staff view of one listing and its ETag."""
    found = await row(conn, table, listing_id)
    return feature(table, found), access.etag(table, found.id, found.row_version)


async def listing(conn, user, table: str, mine: bool, statuses: tuple[str, ...] | None = None,
                  pending_only: bool = False, limit: int = 200) -> list[dict]:
    """Listings for a staff page: `mine` (the user's own) or those in the user's areas;
    `statuses` and `pending_only` (published with a revision waiting) narrow the queue."""
    sql = _select(table)
    params: dict = {"limit": limit}
    if mine:
        sql += " WHERE u.name = :name"
        params["name"] = user.name
    else:
        sql += f" WHERE {SCOPE}"
        params.update(admin=user.role == "admin", areas=list(user.areas))
    conds = []
    if statuses:
        conds.append("t.status = ANY(:statuses)")
        params["statuses"] = list(statuses)
    if pending_only:
        conds.append("t.pending IS NOT NULL")
    if conds:
        sql += " AND (" + " OR ".join(conds) + ")"
    sql += " ORDER BY t.updated_at DESC, t.id DESC LIMIT :limit"
    return [feature(table, r) for r in await conn.execute(text(sql), params)]
