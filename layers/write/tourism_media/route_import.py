"""A route's track imported from a GPX/KML/KMZ file: read in a bounded worker, stored as the
route's line with its ordered stops (published places only) and, when the file has heights,
its elevation profile keyed by the line it was measured on (migration 0015).

A published route is not changed this way: its change would have to wait for moderation while
the published line stays up, and the listing's revision is the listings' own workflow. So the
import is for a route being written (draft, submitted, unpublished): 409 otherwise.
"""
from __future__ import annotations

import sqlalchemy as sa

from geo import route_files
from geo.said import Said
from layers.db.models.tourism import TourismPlace, TourismRoute
from layers.workers.bounded import Unbounded, runner_for
from layers.write.growing.errors import BadBody, Conflict, GrowingError, TooLarge
from layers.write.tourism_media.tables import profiles, track_key

READ_TIMEOUT_S = 30.0  # a 16 MB GPX of 120,000 points reads in 1.7 s on the 2-core machine
MAX_STOPS = 50
ROUTES, PLACES = TourismRoute.__table__, TourismPlace.__table__


class StopsRefused(GrowingError):
    """Stops that are not published places (422)."""
    status = 422


async def read(settings, data: bytes, filename: str) -> route_files.Track:
    try:
        return await runner_for(settings).run(route_files.read, data, filename, timeout=READ_TIMEOUT_S)
    except route_files.RouteFileProblem as exc:
        raise (TooLarge if exc.status == 413 else BadBody)(exc.args[0]) from None
    except Unbounded as exc:
        raise TooLarge(Said(f"the route file could not be read within its limits ({exc.reason}: {exc}); "
                            "send a smaller file", "tourism_share.route_file.unbounded", reason=str(exc))) from None


def parse_stops(value: str | None) -> list[int] | None:
    """'12, 15, 9' → [12, 15, 9]; None when the form sent no stops (the route keeps its own)."""
    if value is None or not value.strip():
        return None
    try:
        ids = [int(v) for v in value.replace(";", ",").split(",") if v.strip()]
    except ValueError:
        raise BadBody(Said("stops must be place ids separated by commas, in the route's order",
                           "tourism_share.route.stops_format")) from None
    if len(ids) > MAX_STOPS or len(set(ids)) != len(ids) or any(i < 1 or i > 2**31 - 1 for i in ids):
        raise BadBody(Said(f"stops name at most {MAX_STOPS} different places", "tourism_share.route.stops_many",
                           max=MAX_STOPS))
    return ids


async def check_stops(conn, ids: list[int]) -> None:
    published = set((await conn.execute(sa.select(PLACES.c.id).where(
        PLACES.c.id.in_(ids), PLACES.c.status == "published"))).scalars().all())
    missing = [i for i in ids if i not in published]
    if missing:
        listed = ", ".join(map(str, missing))
        raise StopsRefused(Said(f"a route's stops are published places; these are not: {listed}",
                                "tourism_share.route.stops_unpublished", ids=listed))


async def store(conn, item, track: route_files.Track, stops: list[int] | None) -> dict:
    """The new line (and stops) on the route, its profile; the route's new state. `item` is the
    locked layers.write.tourism.access.Listing the caller was allowed to edit."""
    if item.status == "published":
        raise Conflict(Said(f"tourism route {item.id} is published: unpublish it (or make a new route) before "
                            "replacing its track, so the published line stays until the new one is moderated",
                            "tourism_share.route.published", id=str(item.id)))
    if stops is not None:
        await check_stops(conn, stops)
    values = {"geom": sa.func.ST_Multi(sa.func.ST_GeomFromText(track.wkt, 4326))}
    if stops is not None:
        values["place_ids"] = stops
    row = (await conn.execute(ROUTES.update().where(ROUTES.c.id == item.id).values(**values).returning(
        ROUTES.c.length_km, ROUTES.c.place_ids, ROUTES.c.row_version, track_key(ROUTES.c.geom).label("key")))).one()
    await conn.execute(profiles.delete().where(profiles.c.route_id == item.id))
    if track.profile is not None:
        await conn.execute(profiles.insert().values(
            route_id=item.id, track_key=row.key, distance_m=list(track.profile.distance_m),
            elevation_m=list(track.profile.elevation_m), climb_m=track.profile.climb_m,
            source_format=track.source_format, points_read=track.points_read, points_kept=track.points_kept))
    return {"id": item.id, "length_km": row.length_km, "place_ids": list(row.place_ids or []),
            "row_version": row.row_version, "points_read": track.points_read, "points_kept": track.points_kept,
            "source_format": track.source_format, "name_in_file": track.name,
            "profile": None if track.profile is None else {
                **track.profile.as_json(), "climb_m": track.profile.climb_m,
                "lowest_m": track.profile.lowest_m, "highest_m": track.profile.highest_m}}
