"""Harvest lots of the demo province (issue 15): GTINs, lots from granted areas, certificates,
confidential quantities, recalls and a few days of label scans.

Cooperatives with granted growing areas (granted today, after the demo's expiry) and OCOP products
of their own register lots: each such product gets one to three lots harvested in the months
before DEMO_TODAY from one or two of the cooperative's areas granted on that day. Some products get
a GTIN, some lots a VietGAP certificate valid on the harvest date, a few a confidential quantity,
one or two are recalled, and active lots are scanned on a few days. Everything goes through the
database's own lot rules (migration 0011: they hold during bulk loads too), so a demo lot is a lot
the API would have accepted.

GTINs are SYNTHETIC: `8930000` + a 5-digit item number + the GS1 check digit. 893 is GS1
Vietnam's prefix, but no company holds 8930000: the numbers are check-digit-correct and resolve
here, and name no real product anywhere.

Deterministic for a seed and the day it is loaded (which areas are still granted then).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from geo import gs1
from layers.jobs.bulk import copy_frame, reset_sequences
from layers.jobs.demo.agriculture import DEMO_TODAY

GTIN_PREFIX = "8930000"  # synthetic (see the module's docstring)
GTIN_SHARE = 0.6  # of the products that get lots
CERTIFIED_SHARE = 0.6  # of lots from areas certified VietGAP
CONFIDENTIAL_SHARE = 0.1
RECALL_REASONS = (
    "Mẫu kiểm tra phát hiện dư lượng thuốc bảo vệ thực vật vượt mức cho phép",
    "Bao bì in sai ngày thu hoạch; đã thu hồi để dán nhãn lại",
)
UNITS = {"orange": "kg", "pomelo": "kg", "passion_fruit": "kg", "pineapple": "kg", "banana": "kg", "tea": "kg",
         "vegetables": "kg", "rice": "tonne", "peanut": "bag", "sugarcane": "tonne"}
VN = timezone(timedelta(hours=7))

_CANDIDATES = sa.text("""
    SELECT g.cooperative_id, g.id, g.valid_from, g.valid_to, g.certification, c.crop
    FROM growing_areas g
    JOIN (SELECT cooperative_id, min(crop) AS crop FROM growing_areas GROUP BY 1) c USING (cooperative_id)
    WHERE g.status = 'granted' AND g.cooperative_id IS NOT NULL AND g.valid_from <= :last
      AND g.valid_to >= :first
      AND EXISTS (SELECT 1 FROM ocop_products p WHERE p.cooperative_id = g.cooperative_id)
    ORDER BY g.cooperative_id, g.id""")
_PRODUCTS = sa.text("SELECT id, cooperative_id FROM ocop_products WHERE cooperative_id IS NOT NULL ORDER BY id")


def gtin_for(item: int) -> str:
    body = f"{GTIN_PREFIX}{item:05d}"
    return gs1.gtin14(body + str(gs1.check_digit(body)))


def plan(rng, areas: pd.DataFrame, products: pd.DataFrame, last: date) -> tuple[list, list, dict]:
    """(lots, links, GTIN per product id): plain rows, checked against the areas' validity here
    and by the database again when they are written."""
    lots, links, gtins = [], [], {}
    by_coop = dict(tuple(products.groupby("cooperative_id")))
    for coop, mine in areas.groupby("cooperative_id", sort=True):
        for product in by_coop[coop]["id"].tolist()[:2]:
            if rng.random() < GTIN_SHARE:
                gtins[product] = gtin_for(product)
            for n in range(1, int(rng.integers(1, 4)) + 1):
                day = last - timedelta(days=int(rng.integers(5, 150)))
                valid = mine[(mine.valid_from <= day) & (mine.valid_to >= day)]
                if valid.empty:
                    continue
                chosen = valid.sample(n=min(len(valid), int(rng.integers(1, 3))), random_state=rng)
                lot_id = len(lots) + 1
                unit = UNITS.get(mine.crop.iloc[0], "box")
                quantity = round(float(rng.uniform(80, 4000)) * (0.001 if unit == "tonne" else 1), 3) or 1
                lot = {"id": lot_id, "cooperative_id": int(coop), "product_id": int(product),
                       "lot_code": f"L{day:%y%m%d}-{n}", "quantity": quantity, "unit": unit, "harvest_date": day,
                       "certification": "none", "certification_valid_from": None, "certification_valid_to": None,
                       "confidential_quantity": bool(rng.random() < CONFIDENTIAL_SHARE)}
                if (chosen.certification == "VietGAP").all() and rng.random() < CERTIFIED_SHARE:
                    start = day - timedelta(days=int(rng.integers(30, 700)))
                    lot.update(certification="VietGAP", certification_valid_from=start,
                               certification_valid_to=start + timedelta(days=3 * 365))
                lots.append(lot)
                links += [{"lot_id": lot_id, "growing_area_id": int(a)} for a in chosen.id]
    return lots, links, gtins


def scans(rng, lots: pd.DataFrame, last: date) -> pd.DataFrame:
    """A few days of scans per lot, after its harvest, up to `last`."""
    rows = []
    for lot in lots.itertuples():
        first = max(lot.harvest_date + timedelta(days=3), last - timedelta(days=20))
        span = (last - first).days + 1
        if span <= 0:
            continue
        for offset in sorted(rng.choice(span, size=min(span, int(rng.integers(2, 6))), replace=False)):
            rows.append({"lot_id": lot.id, "day": first + timedelta(days=int(offset)),
                         "scans": int(rng.integers(1, 26))})
    return pd.DataFrame(rows, columns=["lot_id", "day", "scans"])


def load_lots(conn: Connection, rng) -> dict[str, int]:
    """Writes the lots, their areas, GTINs, private quantities, recalls and scans; returns counts."""
    today = conn.execute(sa.text("SELECT (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date")).scalar_one()
    last = min(DEMO_TODAY, today)  # no harvest after the day it is registered
    areas = pd.DataFrame(conn.execute(_CANDIDATES, {"first": last - timedelta(days=150), "last": last}).all(),
                         columns=["cooperative_id", "id", "valid_from", "valid_to", "certification", "crop"])
    products = pd.DataFrame(conn.execute(_PRODUCTS).all(), columns=["id", "cooperative_id"])
    lot_rows, link_rows, gtins = plan(rng, areas, products, last)
    if not lot_rows:
        return {"harvest_lots": 0}
    if gtins:
        conn.execute(sa.text("UPDATE ocop_products p SET gtin = v.gtin FROM unnest(CAST(:ids AS int[]), "
                             "CAST(:gtins AS text[])) AS v(id, gtin) WHERE p.id = v.id"),
                     {"ids": list(gtins), "gtins": list(gtins.values())})
    lots = pd.DataFrame(lot_rows)
    hidden = lots[lots.confidential_quantity]
    public = lots.assign(quantity=lots.quantity.where(~lots.confidential_quantity))
    copy_frame(conn, "harvest_lots", public)
    copy_frame(conn, "harvest_lot_areas", pd.DataFrame(link_rows))
    if len(hidden):
        conn.execute(sa.text("UPDATE private.harvest_lot_private p SET quantity = v.q FROM unnest("
                             "CAST(:ids AS int[]), CAST(:qs AS numeric[])) AS v(id, q) WHERE p.lot_id = v.id"),
                     {"ids": hidden.id.tolist(), "qs": hidden.quantity.tolist()})
    seen = scans(rng, lots, last)
    copy_frame(conn, "lot_scans", seen)
    recalled = sorted(rng.choice(lots.id.to_numpy(), size=min(len(lots), 1 + (len(lots) >= 10)), replace=False))
    for lot_id, reason in zip(recalled, RECALL_REASONS):
        when = datetime.combine(last - timedelta(days=2), time(9, 30), VN)
        conn.execute(sa.text("UPDATE harvest_lots SET status = 'recalled', recall_reason = :reason, "
                             "recalled_at = :when WHERE id = :id"), {"id": int(lot_id), "reason": reason, "when": when})
    reset_sequences(conn, [("public", "harvest_lots")])
    return {"harvest_lots": len(lots), "lot_scans": len(seen)}

