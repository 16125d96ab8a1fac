"""Cooperatives, growing areas, agricultural zones and OCOP products near real villages."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import shapely

from geo.crops import CROPS
from geo.growing_area_code import DEFAULT_SCHEME
from geo.vocabulary import CERTIFICATIONS, GROWING_STATUSES, known
from layers.jobs.demo.names import BUSINESS_KINDS, BUSINESS_NAMES, COOP_KINDS
from layers.jobs.demo.regions import CROPS_BY_REGION, HIGHLAND, LOWLAND, NAME_HINTS, WARD
from layers.jobs.demo.sampling import blob, offset

# Reference date of the generated world, so a seed always gives the same statuses.
DEMO_TODAY = date(2026, 6, 30)
STATUSES = (("granted", 70), ("draft", 5), ("submitted", 5), ("inspected", 4),
            ("suspended", 4), ("revoked", 7), ("expired", 5))
# Shares of certificates among generated areas (the order is the random stream's: keep it).
CERTIFICATION_SHARES = {"VietGAP": .55, "GlobalGAP": .1, "organic": .05, "none": .3}
known(GROWING_STATUSES, dict(STATUSES), "demo growing-area statuses")
known(CERTIFICATIONS, CERTIFICATION_SHARES, "demo certification shares")


def commune_crops(c) -> dict[str, float]:
    weights = dict(CROPS_BY_REGION[c.region])
    for hint, crop in NAME_HINTS.items():
        if hint in c.name_vi:
            weights[crop] = weights.get(crop, 0) + 6
    return weights


def _choice(rng, weights: dict):
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[rng.choice(len(keys), p=p / p.sum())]


def cooperatives(rng, communes: pd.DataFrame, villages: pd.DataFrame) -> pd.DataFrame:
    rows = []
    by_commune = dict(tuple(villages.groupby("commune_code")))
    for c in communes.itertuples():
        n = 1 if c.region == WARD else int(rng.integers(1, 5))
        vs = by_commune[c.code]
        crops = commune_crops(c)
        for i in range(n):
            v = vs.iloc[int(rng.integers(0, len(vs)))]
            crop = CROPS[_choice(rng, crops)]
            kind = COOP_KINDS[i % len(COOP_KINDS)] if i else "HTX Nông nghiệp"
            name = f"{kind} {c.name_vi}" if i == 0 else f"HTX {crop.name_vi} {v['name']} {c.name_vi}"
            rows.append({
                "code": f"29{int(rng.integers(0, 10**8)):08d}", "name": name, "commune_code": c.code,
                "address": f"{v['name']}, {c.full_name_vi}, Nghệ An",
                "main_products": crop.name_vi, "members": int(rng.integers(7, 160)),
                "founded_year": int(rng.integers(1997, 2025)),
                "phone": f"0238{int(rng.integers(0, 10**7)):07d}",
                "geom": shapely.Point(offset(rng, (v.lon, v.lat), 20, 300)),
                "crop": crop.code,
            })
    coops = pd.DataFrame(rows)
    coops.insert(0, "id", np.arange(1, len(coops) + 1))
    return coops


def growing_areas(rng, communes, villages, coops, owner_names) -> tuple[pd.DataFrame, dict]:
    """Non-overlapping areas near villages; granted ones get codes from the default scheme."""
    rows, counters = [], {}
    by_commune = dict(tuple(villages.groupby("commune_code")))
    coops_by_commune = dict(tuple(coops.groupby("commune_code")))
    statuses = [s for s, _ in STATUSES]
    status_p = np.array([w for _, w in STATUSES], dtype=float)
    for c in communes.itertuples():
        if c.region == WARD and rng.random() < 0.6:
            continue
        shapely.prepare(c.geom)
        crops = commune_crops(c)
        placed = []
        target = int(rng.integers(2, 9)) if c.region != WARD else 1
        for _ in range(target * 6):
            if len(placed) >= target:
                break
            crop = CROPS[_choice(rng, crops)]
            v = by_commune[c.code].iloc[int(rng.integers(0, len(by_commune[c.code])))]
            centre = offset(rng, (v.lon, v.lat), 400, 2500)
            shape = shapely.intersection(blob(rng, centre, rng.uniform(*crop.typical_ha)), c.geom)
            if shape.area == 0 or any(shapely.intersects(shape, p) for p in placed):
                continue
            polys = [g for g in shapely.get_parts(shape) if g.geom_type == "Polygon"]
            placed.append(shape)
            status = statuses[rng.choice(len(statuses), p=status_p / status_p.sum())]
            coop = coops_by_commune.get(c.code)
            use_coop = coop is not None and rng.random() < 0.6
            row = {
                "name": f"Vùng {crop.name_vi.lower()} {v['name']}", "crop": crop.code,
                "variety": crop.varieties[int(rng.integers(0, len(crop.varieties)))],
                "commune_code": c.code, "address": f"{v['name']}, {c.full_name_vi}, Nghệ An",
                "cooperative_id": int(coop.iloc[0]["id"]) if use_coop else None,
                "owner_name": None if use_coop else owner_names[int(rng.integers(0, len(owner_names)))],
                "owner_phone": None if use_coop else f"09{int(rng.integers(0, 10**8)):08d}",
                "households_count": int(rng.integers(3, 90)),
                "certification": tuple(CERTIFICATION_SHARES)[rng.choice(4, p=list(CERTIFICATION_SHARES.values()))],
                "farming_diary": bool(rng.random() < 0.8),
                "residue_monitoring": bool(rng.random() < 0.6),
                "target_markets": list(crop.markets[: int(rng.integers(1, len(crop.markets) + 1))]),
                "status": status, "code": None, "valid_from": None, "valid_to": None,
                "geom": shapely.MultiPolygon(polys),
            }
            row["expected_output_tonnes"] = round(crop.yield_t_per_ha * _ha(shape) * rng.uniform(0.7, 1.1), 1)
            if status not in ("draft", "submitted", "inspected"):
                scope = DEFAULT_SCHEME.counter_scope(province="40", commune=c.code)
                counters[scope] = counters.get(scope, 0) + 1
                row["code"] = DEFAULT_SCHEME.format(province="40", commune=c.code, serial=counters[scope])
                # Codes are valid for three years; expired ones were granted early enough to lapse.
                span = 365 * 3 if status == "expired" else 365 * 6
                granted = date(2019, 1, 1) + timedelta(days=int(rng.integers(0, span)))
                row["valid_from"] = granted
                row["valid_to"] = granted + timedelta(days=3 * 365)
                if status in ("granted", "suspended") and row["valid_to"] <= DEMO_TODAY:  # renewed
                    row["valid_to"] = DEMO_TODAY.replace(year=DEMO_TODAY.year + 1) + timedelta(days=int(rng.integers(0, 700)))
            rows.append(row)
    areas = pd.DataFrame(rows)
    areas.insert(0, "id", np.arange(1, len(areas) + 1))
    areas["cooperative_id"] = areas["cooperative_id"].astype("Int64")
    return areas, counters


def _ha(geom) -> float:
    lat = geom.centroid.y
    return geom.area * 110_600 * 111_320 * np.cos(np.radians(lat)) / 10_000


ZONE_KINDS = {
    LOWLAND: (("rice", "LUC", "Cánh đồng lúa"), ("annual_crops", "HNK", "Vùng màu"), ("aquaculture", "NTS", "Vùng nuôi trồng thủy sản")),
    "midland": (("perennial", "CLN", "Vùng cây ăn quả"), ("annual_crops", "HNK", "Vùng mía, dứa"), ("rice", "LUC", "Cánh đồng lúa")),
    HIGHLAND: (("production_forest", "RSX", "Rừng sản xuất"), ("perennial", "CLN", "Vùng chè, chanh leo"), ("rice", "LUC", "Ruộng lúa nước")),
    WARD: (("annual_crops", "HNK", "Vùng rau"),),
}


def agri_zones(rng, communes, villages) -> pd.DataFrame:
    rows = []
    by_commune = dict(tuple(villages.groupby("commune_code")))
    for c in communes.itertuples():
        kinds = ZONE_KINDS[c.region]
        for k in range(int(rng.integers(1, len(kinds) + 1))):
            kind, luc, label = kinds[k]
            v = by_commune[c.code].iloc[int(rng.integers(0, len(by_commune[c.code])))]
            size = rng.uniform(40, 300) * (3 if kind == "production_forest" else 1)
            shape = shapely.intersection(blob(rng, offset(rng, (v.lon, v.lat), 300, 1500), size, 14), c.geom)
            polys = [g for g in shapely.get_parts(shape) if g.geom_type == "Polygon"]
            if polys:
                rows.append({"name": f"{label} {v['name']}", "kind": kind, "land_use_code": luc,
                             "commune_code": c.code, "geom": shapely.MultiPolygon(polys)})
    zones = pd.DataFrame(rows)
    zones.insert(0, "id", np.arange(1, len(zones) + 1))
    return zones


OCOP_TEMPLATES = {
    "orange": ("Cam Vinh {place}", "Thực phẩm"), "tea": ("Chè xanh {place}", "Đồ uống"),
    "passion_fruit": ("Chanh leo sấy dẻo {place}", "Thực phẩm"), "rice": ("Gạo {variety} {place}", "Thực phẩm"),
    "pineapple": ("Dứa sấy {place}", "Thực phẩm"), "peanut": ("Kẹo lạc {place}", "Thực phẩm"),
    "sugarcane": ("Mật mía {place}", "Thực phẩm"), "pomelo": ("Bưởi {place}", "Thực phẩm"),
    "banana": ("Chuối sấy {place}", "Thực phẩm"), "vegetables": ("Rau an toàn {place}", "Thực phẩm"),
}
CRAFT_PRODUCTS = (
    ("Nhút mít {place}", "Thực phẩm"), ("Tương {place}", "Thực phẩm"), ("Nước mắm {place}", "Thực phẩm"),
    ("Mật ong rừng {place}", "Thực phẩm"), ("Rượu men lá {place}", "Đồ uống"),
    ("Thổ cẩm {place}", "Thủ công mỹ nghệ - trang trí"), ("Mây tre đan {place}", "Thủ công mỹ nghệ - trang trí"),
    ("Trà hoa vàng {place}", "Thảo dược"), ("Cao dược liệu {place}", "Thảo dược"),
)


def ocop_products(rng, communes, coops) -> pd.DataFrame:
    rows = []
    coops_by_commune = dict(tuple(coops.groupby("commune_code")))
    for c in communes.itertuples():
        for _ in range(int(rng.integers(0, 5))):
            coop_rows = coops_by_commune[c.code]
            coop = coop_rows.iloc[int(rng.integers(0, len(coop_rows)))]
            if rng.random() < 0.6:
                template, category = OCOP_TEMPLATES[coop["crop"]]
            else:
                template, category = CRAFT_PRODUCTS[int(rng.integers(0, len(CRAFT_PRODUCTS)))]
            crop = CROPS[coop["crop"]]
            stars = int(rng.choice([3, 4, 5], p=[0.72, 0.25, 0.03]))
            score = int(rng.integers(*{3: (50, 70), 4: (70, 90), 5: (90, 101)}[stars]))
            by_coop = rng.random() < 0.75
            producer = coop["name"] if by_coop else (
                f"{BUSINESS_KINDS[int(rng.integers(0, 3))]} {BUSINESS_NAMES[int(rng.integers(0, len(BUSINESS_NAMES)))]}")
            rows.append({
                "name": template.format(place=c.name_vi, variety=crop.varieties[0]),
                "category": category, "stars": stars, "score": score, "producer": producer,
                "cooperative_id": int(coop["id"]) if by_coop else None, "commune_code": c.code,
                "certified_year": int(rng.integers(2019, 2026)),
                "description": f"Sản phẩm OCOP {stars} sao của {c.full_name_vi}.",
                "geom": shapely.Point(offset(rng, (coop["geom"].x, coop["geom"].y), 0, 80)),
            })
    products = pd.DataFrame(rows)
    products.insert(0, "id", np.arange(1, len(products) + 1))
    products["cooperative_id"] = products["cooperative_id"].astype("Int64")
    return products
