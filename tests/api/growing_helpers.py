"""Helpers for the growing-area tests: staff accounts, free spots on the map, request shortcuts."""
from __future__ import annotations

import math

import psycopg

from layers.db.engines import connection
from layers.write import accounts
from tests.support import serve as live_server  # noqa: F401  (re-exported for the growing-area tests)


def make_user(url: str, name: str, role: str, areas: list[str]) -> dict:
    """Create a user and return the Authorization header of a fresh token."""
    with connection(url) as conn:
        accounts.create_user(conn, name, role, areas)
        token = accounts.issue_token(conn, name)
    return {"Authorization": f"Bearer {token}"}


def commune_with_room(url: str) -> tuple[str, str]:
    """A commune of the demo (and its province) with room for new areas."""
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT code, province_code FROM communes ORDER BY ST_Area(geom) DESC LIMIT 1").fetchone()


def free_spots(url: str, commune: str, n: int = 5, room_m: float = 700) -> list[tuple[float, float]]:
    """Points well inside the commune, at least room_m from any growing area and from each other.

    The box test first (index; a degree is over 100 km here, so r / 50,000 degrees is over 2r)
    spares the geodesic distance to every area: 8 s → 30 ms, same points."""
    with psycopg.connect(url) as conn:
        rows = conn.execute("""
            WITH c AS (SELECT geom FROM communes WHERE code = %(c)s),
            pts AS (SELECT (ST_Dump(ST_GeneratePoints(ST_Buffer(c.geom::geography, -800)::geometry, 400, 5))).geom p
                    FROM c)
            SELECT ST_X(p), ST_Y(p) FROM pts
            WHERE NOT EXISTS (SELECT 1 FROM growing_areas g WHERE g.geom && ST_Expand(p, %(r)s / 50000.0)
                              AND ST_DWithin(g.geom::geography, p::geography, %(r)s))
            """, {"c": commune, "r": room_m}).fetchall()
    chosen: list[tuple[float, float]] = []
    for x, y in rows:
        if all(math.hypot((x - a) * 105_000, (y - b) * 111_000) > 2 * room_m for a, b in chosen):
            chosen.append((x, y))
        if len(chosen) == n:
            break
    assert len(chosen) == n, "the demo commune has no room left for test areas"
    return chosen


def square(lon: float, lat: float, side_m: float = 300) -> dict:
    dx = side_m / (111_320 * math.cos(math.radians(lat))) / 2
    dy = side_m / 110_574 / 2
    return {"type": "Polygon", "coordinates": [[
        [lon - dx, lat - dy], [lon + dx, lat - dy], [lon + dx, lat + dy], [lon - dx, lat + dy], [lon - dx, lat - dy]]]}


def area_body(geometry: dict, commune: str, **props) -> dict:
    base = {"name": "Vùng cam Thử nghiệm", "crop": "orange", "commune_code": commune,
            "variety": "Cam Vinh Xã Đoài", "owner_name": "Nguyễn Văn A", "owner_phone": "0912345678"}
    return {"type": "Feature", "geometry": geometry, "properties": {**base, **props}}


def act(client, headers, area_id: int, action: str, etag: str, body: dict | None = None):
    return client.post(f"/collections/growing_areas/items/{area_id}/actions/{action}",
                       headers={**headers, "If-Match": etag}, json=body)


def counts(url: str) -> tuple[int, int]:
    """Growing areas and their history records: what a refused request must leave unchanged."""
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT (SELECT count(*) FROM growing_areas), (SELECT count(*) FROM change_history "
                            "WHERE table_name = 'growing_areas')").fetchone()


def settle_expiry(url: str) -> None:
    """Codes past their date expire on the first read or write; do it now so counts see only the test."""
    with psycopg.connect(url) as conn:
        conn.execute("SELECT ntm_expire_growing_areas((now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)")
