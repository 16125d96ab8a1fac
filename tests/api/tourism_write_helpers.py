"""Shared set-up of the tourism write tests: accounts, a commune with a point inside, request bodies."""
from __future__ import annotations

import psycopg

from tests.api.growing_helpers import make_user

PLACES = "/collections/tourism_places/items"
ROUTES = "/collections/tourism_routes/items"
EVENTS = "/collections/tourism_events/items"
STAFF = "/staff/api/tourism"


def communes(url: str) -> list[tuple[str, str, float, float]]:
    """Two communes of the demo: code, province, and a point well inside each."""
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT code, province_code, ST_X(p), ST_Y(p) FROM (SELECT code, province_code, "
            "ST_PointOnSurface(geom) AS p FROM communes ORDER BY ST_Area(geom) DESC LIMIT 2) c").fetchall()


def people(url: str) -> dict:
    (c1, province, x1, y1), (c2, _, x2, y2) = communes(url)
    return {
        "commune": c1, "province": province, "point": [x1, y1], "other_commune": c2, "other_point": [x2, y2],
        "mai": make_user(url, "mai", "tourism_promoter", [c1]),
        "tuan": make_user(url, "tuan", "tourism_promoter", [c1]),  # a competitor in the same commune
        "far": make_user(url, "far", "tourism_promoter", [c2]),
        "staff": make_user(url, "ha.dulich", "tourism_staff", [province]),
        "viewer": make_user(url, "xem", "viewer", [province]),
        "agri": make_user(url, "hung", "province_staff", [province]),
    }


def place(point, **props) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": point},
            "properties": {"kind": "homestay", "name_vi": "Homestay Bản Mới", "name_en": "New Village homestay",
                           **props}}


def route(points, **props) -> dict:
    return {"type": "Feature", "geometry": {"type": "LineString", "coordinates": points},
            "properties": {"name_vi": "Tuyến mới", **props}}


def created(client, url, headers, body) -> tuple[int, str]:
    r = client.post(url, headers=headers, json=body)
    assert r.status_code == 201, r.text
    return r.json()["id"], r.headers["etag"]


def act(client, collection, fid, action, headers, etag, note=None) -> tuple[int, str | None]:
    r = client.post(f"/collections/{collection}/items/{fid}/actions/{action}",
                    headers={**headers, "If-Match": etag}, json={"note": note} if note else None)
    return r.status_code, r.headers.get("etag")


def error_of(r, status: int) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["status"] == status and body["code"] and body["description"]
    return body
