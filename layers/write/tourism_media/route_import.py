"""A route's track imported from a GPX/KML/KMZ file: read in a bounded worker, stored as the
route's line with its ordered stops (published places only) and, when the file has heights,
its elevation profile keyed by the line it was measured on (migration 0015).

The line and stops are written by the listings' own edit (layers.write.tourism.edits.update: the
version check, the commune and area scope, and for a promoter's change to a published route a
pending revision while the published line stays up). The profile is stored under the key of the
line it belongs to, the proposed one when the change waits for moderation: the route's page
shows a profile only while its key matches the route's current line, so the published page keeps
the old profile until the new line is published, then shows the new one.
"""
from __future__ import annotations

import sqlalchemy as sa

from geo import route_files
from geo.said import Said
from layers.db.models.tourism import TourismPlace, TourismRoute
from layers.workers.bounded import Unbounded, runner_for
from layers.write.growing.errors import BadBody, GrowingError, TooLarge
from layers.write.tourism import edits
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


def _geojson(track: route_files.Track) -> dict:
    return {"type": "MultiLineString", "coordinates": [[[x, y] for x, y in line] for line in track.lines]}


async def store(conn, user, route_id: int, track: route_files.Track, stops: list[int] | None,
                if_match: str | None) -> dict:
    """The new line (and stops) through the listings' edit, then its profile; the route's state."""
    if stops is not None:
        await check_stops(conn, stops)
    props = {"place_ids": stops} if stops is not None else {}
    await edits.update(conn, user, "tourism_routes", route_id,
                       {"type": "Feature", "geometry": _geojson(track), "properties": props}, if_match)
    pending_line = sa.func.ST_GeomFromGeoJSON(ROUTES.c.pending["geometry"].astext)
    row = (await conn.execute(sa.select(
        ROUTES.c.length_km, ROUTES.c.place_ids, ROUTES.c.row_version, ROUTES.c.status,
        track_key(ROUTES.c.geom).label("current"),
        sa.case((ROUTES.c.pending["geometry"].isnot(None), track_key(sa.func.ST_SetSRID(pending_line, 4326))),
                else_=None).label("proposed")).where(ROUTES.c.id == route_id))).one()
    key = row.proposed or row.current
    await conn.execute(profiles.delete().where(profiles.c.route_id == route_id,
                                               profiles.c.track_key.notin_([row.current])))
    if track.profile is not None:
        await conn.execute(profiles.delete().where(profiles.c.route_id == route_id, profiles.c.track_key == key))
        await conn.execute(profiles.insert().values(
            route_id=route_id, track_key=key, distance_m=list(track.profile.distance_m),
            elevation_m=list(track.profile.elevation_m), climb_m=track.profile.climb_m,
            source_format=track.source_format, points_read=track.points_read, points_kept=track.points_kept))
    return {"id": route_id, "pending": row.proposed is not None, "length_km": round(track.length_m / 1000, 3),
            "place_ids": stops if stops is not None else list(row.place_ids or []),
            "row_version": row.row_version, "points_read": track.points_read, "points_kept": track.points_kept,
            "source_format": track.source_format, "name_in_file": track.name,
            "profile": None if track.profile is None else {
                **track.profile.as_json(), "climb_m": track.profile.climb_m,
                "lowest_m": track.profile.lowest_m, "highest_m": track.profile.highest_m}}
