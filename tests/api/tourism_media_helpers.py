"""Helpers for the tourism photo, route-file and page tests: accounts, listings written straight
into the database (owner, status), the lifecycle's steps to publish them."""
from __future__ import annotations

import psycopg

from tests.api.cooperative_helpers import token_for

PLACES, ROUTES = "/collections/tourism_places/items", "/collections/tourism_routes/items"


def demo_commune(url: str) -> tuple[str, float, float]:
    """A commune of the demo with a point well inside it."""
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT code, ST_X(p), ST_Y(p) FROM (SELECT code, ST_PointOnSurface(geom) p "
                            "FROM communes ORDER BY ST_Area(geom) DESC LIMIT 1) c").fetchone()


def people(url: str, commune: str) -> dict:
    return {"promoter": token_for(url, "dl.promoter", "tourism_promoter", [commune]),
            "rival": token_for(url, "dl.rival", "tourism_promoter", [commune]),
            "staff": token_for(url, "dl.staff", "tourism_staff", ["40"]),
            "viewer": token_for(url, "dl.viewer", "viewer", [commune])}


def new_place(url: str, commune: str, lon: float, lat: float, owner: str | None = "dl.promoter",
              status: str = "draft", name: str = "Homestay Bản Khe", kind: str = "homestay", **more) -> int:
    cols = {"kind": kind, "name_vi": name, "commune_code": commune, "status": status, **more}
    with psycopg.connect(url) as conn:
        names = ", ".join(cols)
        marks = ", ".join(["%s"] * len(cols))
        return conn.execute(
            f"INSERT INTO tourism_places ({names}, owner_id, geom) VALUES ({marks}, "
            "(SELECT id FROM private.users WHERE name = %s), ST_SetSRID(ST_MakePoint(%s, %s), 4326)) RETURNING id",
            (*cols.values(), owner, lon, lat)).fetchone()[0]


def new_route(url: str, lon: float, lat: float, owner: str | None = "dl.promoter", status: str = "draft",
              name: str = "Tuyến chè Thanh An", place_ids=()) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "INSERT INTO tourism_routes (name_vi, status, place_ids, owner_id, geom) VALUES (%s, %s, %s, "
            "(SELECT id FROM private.users WHERE name = %s), ST_Multi(ST_MakeLine(ST_SetSRID(ST_MakePoint(%s, %s), 4326), "
            "ST_SetSRID(ST_MakePoint(%s, %s), 4326)))) RETURNING id",
            (name, status, list(place_ids), owner, lon, lat, lon + 0.01, lat + 0.01)).fetchone()[0]


def set_status(url: str, table: str, listing_id: int, *steps: str) -> None:
    """Walk the lifecycle (the database checks each step): e.g. 'submitted', 'published'."""
    with psycopg.connect(url) as conn:
        for status in steps:
            conn.execute(f"UPDATE {table} SET status = %s WHERE id = %s", (status, listing_id))
