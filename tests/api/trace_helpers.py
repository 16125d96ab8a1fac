"""Lots for the resolver and trace-page tests, written with raw SQL (the lot write API is built
elsewhere): a product with a GTIN and names full of HTML, a lot of it from two granted areas, and a
lot of a product without a GTIN."""
from __future__ import annotations

from datetime import timedelta

import psycopg

from layers.db.engines import connection
from layers.write import accounts
from tests.layers.test_harvest_lots import LINK, LOT, lot_values, vn_today
from tests.support import scalar

GTIN = "09506000134352"  # GS1's own example GTIN-13 9506000134352, as 14 digits
LOT_CODE = "CV-2026/11"
DL_PATH = f"/01/{GTIN}/10/CV-2026%2F11"
PRODUCT = 'Cam <b>Vinh</b> "Xã Đoài" & <script>alert(1)</script>'
COOPERATIVE = "HTX <img src=x onerror=alert(2)> Nghi Diên"


def granted_pair(conn) -> tuple[int, list[int]]:
    """A cooperative with an OCOP product and two areas granted 30 days ago and still valid."""
    today = vn_today(conn)
    return conn.execute(
        "SELECT g.cooperative_id, (array_agg(g.id ORDER BY g.id))[1:2] FROM growing_areas g "
        "WHERE g.status = 'granted' AND g.valid_from <= %s AND g.valid_to > %s AND g.cooperative_id IS NOT NULL "
        "AND EXISTS (SELECT 1 FROM ocop_products p WHERE p.cooperative_id = g.cooperative_id) "
        "GROUP BY 1 HAVING count(*) >= 2 ORDER BY 1 LIMIT 1", (today - timedelta(days=30), today)).fetchone()


def make_lots(url: str) -> dict:
    """Two lots of one cooperative: `gs1` (product with a GTIN, lot CV-2026/11, areas a and b,
    quantity public, VietGAP) and `short` (a product without GTIN, area a, quantity confidential)."""
    with psycopg.connect(url) as conn:
        today = vn_today(conn)
        coop, areas = granted_pair(conn)
        product = scalar(conn, "SELECT min(id) FROM ocop_products WHERE cooperative_id = %s", coop)
        conn.execute("UPDATE ocop_products SET gtin = %s, name = %s WHERE id = %s", (GTIN, PRODUCT, product))
        conn.execute("UPDATE cooperatives SET name = %s, phone = '0238 3861 234' WHERE id = %s", (COOPERATIVE, coop))
        plain = scalar(conn, "INSERT INTO ocop_products (name, category, stars, producer, cooperative_id, commune_code, geom) "
                             "SELECT 'Chè xanh Thanh Chương', 'Đồ uống', 3, producer, cooperative_id, commune_code, geom "
                             "FROM ocop_products WHERE id = %s RETURNING id", product)
        conn.execute("SET ntm.actor = 'test:raw'")
        farm = {"coop": coop, "product": product, "day": today - timedelta(days=10)}
        gs1_lot = conn.execute(LOT, lot_values(farm, cert="VietGAP", cert_from=today - timedelta(days=200),
                                               cert_to=today + timedelta(days=165))).fetchone()[0]
        for area in areas:
            conn.execute(LINK, (gs1_lot, area))
        short = conn.execute(LOT, lot_values(farm, product=plain, code="TX-07", quantity=None,
                                             confidential=True)).fetchone()[0]
        conn.execute("UPDATE private.harvest_lot_private SET quantity = 7531 WHERE lot_id = %s", (short,))
        conn.execute(LINK, (short, areas[0]))
        for area in areas:  # owners the page must never name
            conn.execute("INSERT INTO private.growing_area_private (growing_area_id, owner_name, owner_phone) "
                         "VALUES (%s, 'Trần Thị Bí Mật', '0987654321') ON CONFLICT (growing_area_id) DO UPDATE "
                         "SET owner_name = EXCLUDED.owner_name, owner_phone = EXCLUDED.owner_phone", (area,))
        codes = [scalar(conn, "SELECT code FROM growing_areas WHERE id = %s", a) for a in areas]
        province = scalar(conn, "SELECT province_code FROM communes c JOIN cooperatives k ON k.commune_code = c.code "
                                "WHERE k.id = %s", coop)
    return {"coop": coop, "areas": areas, "codes": codes, "gs1": gs1_lot, "short": short, "today": today,
            "harvest": farm["day"], "province": province, "url": url}


def private_values(url: str, areas: list[int]) -> list[str]:
    """The owners' names and phones of the areas: what no public answer may hold."""
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT owner_name, owner_phone FROM private.growing_area_private "
                            "WHERE growing_area_id = ANY(%s)", (areas,)).fetchall()
    return [v for row in rows for v in row if v]


def token(url: str, name: str, role: str, areas=(), cooperative_id: int | None = None) -> dict:
    with connection(url) as conn:
        accounts.create_user(conn, name, role, areas, cooperative_id=cooperative_id)
        return {"Authorization": f"Bearer {accounts.issue_token(conn, name)}"}
