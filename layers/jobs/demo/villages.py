"""Villages: well-spread centres in each commune and their Voronoi cells as boundaries."""
from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from layers.jobs.demo.names import BAN_NAMES
from layers.jobs.demo.regions import HIGHLAND, KM2_PER_VILLAGE, MIDLAND, WARD
from layers.jobs.demo.sampling import spread_in


def village_name(region: str, i: int, rng: np.random.Generator) -> tuple[str, str]:
    if region == WARD:
        return f"Khối {i}", "khoi"
    if region == HIGHLAND:
        base = BAN_NAMES[(i - 1) % len(BAN_NAMES)]
        suffix = "" if i <= len(BAN_NAMES) else f" {(i - 1) // len(BAN_NAMES) + 1}"
        return f"Bản {base}{suffix}", "ban"
    if region == MIDLAND and rng.random() < 0.5:
        return f"Thôn {i}", "thon"
    return f"Xóm {i}", "xom"


def generate(rng: np.random.Generator, communes: pd.DataFrame) -> pd.DataFrame:
    """One row per village: id, code, commune_code, name, kind, centre (lon, lat), geom."""
    rows = []
    for c in communes.itertuples():
        n = int(np.clip(round(c.area_km2 / KM2_PER_VILLAGE[c.region]), 8, 60))
        centres = spread_in(rng, c.geom, n)
        cells = shapely.voronoi_polygons(
            shapely.multipoints(centres), extend_to=c.geom, ordered=True
        )
        for i, (centre, cell) in enumerate(zip(centres, shapely.get_parts(cells)), start=1):
            shape = shapely.intersection(cell, c.geom)
            polys = [g for g in shapely.get_parts(shape) if g.geom_type == "Polygon"]
            if not polys:
                continue
            name, kind = village_name(c.region, i, rng)
            rows.append({
                "code": f"{c.code}-{i:03d}", "commune_code": c.code, "name": name, "kind": kind,
                "region": c.region, "lon": centre[0], "lat": centre[1],
                "geom": shapely.MultiPolygon(polys),
            })
    villages = pd.DataFrame(rows)
    villages.insert(0, "id", np.arange(1, len(villages) + 1))
    return villages
