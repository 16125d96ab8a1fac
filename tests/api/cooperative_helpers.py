"""Helpers for the cooperative-account tests: accounts with tokens, the farm of
tests/layers/test_harvest_lots.py (two cooperatives, their products and granted areas)."""
from __future__ import annotations

import psycopg

from layers.db.engines import connection
from layers.write import accounts

LOTS = "/collections/harvest_lots/items"
STAFF_LOTS = "/staff/api/harvest-lots"
PRODUCTS = "/collections/ocop_products/items"


def token_for(url: str, name: str, role: str, areas=(), cooperative_id: int | None = None) -> dict:
    with connection(url) as conn:
        accounts.create_user(conn, name, role, list(areas), cooperative_id=cooperative_id)
        token = accounts.issue_token(conn, name)
    return {"Authorization": f"Bearer {token}"}


def people(url: str, farm: dict) -> dict:
    """Each cooperative's account, province staff of the demo's province, a commune staff member."""
    with psycopg.connect(url) as conn:
        commune = conn.execute("SELECT min(code) FROM communes").fetchone()[0]
    return {"htx": token_for(url, "htx.a", "cooperative", cooperative_id=farm["coop"]),
            "other": token_for(url, "htx.b", "cooperative", cooperative_id=farm["other_coop"]),
            "province": token_for(url, "tinh", "province_staff", ["40"]),
            "commune": token_for(url, "xa", "commune_staff", [commune])}


def lot_body(farm: dict, **over) -> dict:
    values = {"product_id": farm["product"], "lot_code": "CV-2026/11", "quantity": 1200.5, "unit": "kg",
              "harvest_date": farm["day"].isoformat(), "growing_area_ids": farm["areas"]}
    return {**values, **over}


def error_of(r, status: int) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["status"] == status and body["code"] and body["description"]
    return body


def counts(url: str) -> tuple:
    """What a refused request must leave unchanged: lots, their links and every history record."""
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT (SELECT count(*) FROM harvest_lots), (SELECT count(*) FROM harvest_lot_areas), "
                            "(SELECT count(*) FROM change_history), (SELECT count(*) FROM private.change_history)"
                            ).fetchone()


def in_both_languages(client, method: str, path: str, status: int, **kw) -> tuple[str, str]:
    """The refusal's words in Vietnamese and English; the English equals what a client asking no
    language reads (the lower layer's own text)."""
    said = {}
    for lang in ("vi", "en", None):
        url = path + (("&" if "?" in path else "?") + f"lang={lang}" if lang else "")
        said[lang] = error_of(client.request(method, url, **kw), status)["description"]
    assert said["en"] == said[None] and said["vi"] != said["en"]
    return said["vi"], said["en"]
