"""`ntm-map load demo`: Nghệ An's real boundaries plus a generated, plausible province.

Deterministic for a seed: each step draws from its own random stream, so changing the number
of households does not move a single growing area. The whole load is one transaction.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import shapely
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from tqdm import tqdm

from layers.db.models.admin import AdminUnit
from layers.db.models.history import CodeCounter
from layers.jobs.bulk import copy_frame, reset_sequences
from layers.jobs.criteria import load_criteria_set, read_criteria_file
from layers.jobs.demo import agriculture, households, lots, ntm, tourism, villages
from layers.jobs.demo.regions import region_of
from layers.jobs.importing import ImportOptions, import_file
from layers.write.growing.expiry import expire_now

DATA = Path(__file__).resolve().parent.parent / "demo_data"
BOUNDARIES = DATA / "nghe_an_boundaries.geojson"
CRITERIA_2021 = DATA / "ntm_criteria_2021_2025.json"
LAYER_TABLES = (
    "ntm_assessment_criteria", "ntm_assessments", "ntm_criteria", "ntm_criteria_sets",
    "tourism_routes", "tourism_places", "ocop_products", "agri_zones", "growing_areas",
    "cooperatives", "households", "villages", "admin_units", "code_counters",
)


class DemoError(RuntimeError):
    pass


def is_empty(conn: Connection) -> bool:
    return not conn.execute(sa.select(sa.exists().select_from(AdminUnit.__table__))).scalar()


def _communes(conn: Connection) -> pd.DataFrame:
    rows = conn.execute(sa.text(
        "SELECT code, name_vi, full_name_vi, kind, area_km2, ST_AsBinary(geom), "
        "ST_X(ST_PointOnSurface(geom)) FROM communes ORDER BY code"
    )).all()
    df = pd.DataFrame(rows, columns=["code", "name_vi", "full_name_vi", "kind", "area_km2", "wkb", "lon"])
    df["geom"] = shapely.from_wkb(df.pop("wkb").map(bytes))
    df["region"] = [region_of(k, lon) for k, lon in zip(df.kind, df.lon)]
    return df


def load_demo(conn: Connection, *, seed: int = 40, n_households: int = 200_000,
              replace: bool = False, progress: bool = True, log=print, harvest_lots: bool = True) -> dict[str, int]:
    """Load inside the caller's transaction (see layers.jobs.bulk.bulk_session). `harvest_lots`
    False leaves the lots out (the tests' shared demo, whose lot tests write their own)."""
    if not is_empty(conn):
        if not replace:
            raise DemoError("the database already holds data; `ntm-map load demo --replace` wipes the layers and reloads")
        quote = conn.dialect.identifier_preparer.quote
        conn.execute(sa.text(f"TRUNCATE {', '.join(map(quote, LAYER_TABLES))} RESTART IDENTITY CASCADE"))
    stream = lambda step: np.random.default_rng([seed, step])  # noqa: E731

    log("boundaries: Nghệ An and its 130 communes")
    import_file(conn, "admin_units", BOUNDARIES, ImportOptions(progress=False))
    communes = _communes(conn)

    log("villages")
    vill = villages.generate(stream(1), communes)
    copy_frame(conn, "villages", vill[["id", "code", "commune_code", "name", "kind", "geom"]])

    log(f"households: {n_households:,}")
    with tqdm(total=n_households, unit="households", disable=not progress, leave=False) as bar:
        public, private = households.generate(stream(2), vill, n_households, bar)
    copy_frame(conn, "households", public)
    copy_frame(conn, "household_private", private, schema="private")

    log("cooperatives, growing areas, zones, OCOP products")
    coops = agriculture.cooperatives(stream(3), communes, vill)
    copy_frame(conn, "cooperatives", coops.drop(columns="crop"))
    # Owners' names come from their own stream, so they do not change with --households.
    owners = households.personal_data(stream(10), np.arange(2000), np.zeros(2000, dtype=bool))["head_name"].tolist()
    areas, counters = agriculture.growing_areas(stream(4), communes, vill, coops, owners)
    personal = ["owner_name", "owner_phone"]
    copy_frame(conn, "growing_areas", areas.drop(columns=personal))
    owned = areas[areas[personal].notna().any(axis=1)]
    copy_frame(conn, "growing_area_private",
               owned[["id", *personal]].rename(columns={"id": "growing_area_id"}), schema="private")
    for scope, last in counters.items():
        conn.execute(sa.insert(CodeCounter.__table__).values(scope=scope, last_serial=last))
    copy_frame(conn, "agri_zones", agriculture.agri_zones(stream(5), communes, vill))
    copy_frame(conn, "ocop_products", agriculture.ocop_products(stream(6), communes, coops))

    log("rural tourism places and routes")
    places = tourism.places(stream(7), communes, vill)
    copy_frame(conn, "tourism_places", places)
    copy_frame(conn, "tourism_routes", tourism.routes(places, communes))
    copy_frame(conn, "tourism_events", tourism.events(places, agriculture.DEMO_TODAY.year))

    log("NTM criteria 2021–2025 and assessments")
    set_id, criterion_ids = load_criteria_set(conn, read_criteria_file(CRITERIA_2021))
    assessed, results = ntm.assessments(stream(9), communes, sorted(criterion_ids))
    assessed["set_id"] = set_id
    copy_frame(conn, "ntm_assessments", assessed)
    results["criterion_id"] = results.pop("number").map(criterion_ids)
    copy_frame(conn, "ntm_assessment_criteria", results[["assessment_id", "criterion_id", "met"]])

    reset_sequences(conn, [("public", t) for t in (
        "villages", "households", "cooperatives", "growing_areas", "agri_zones", "ocop_products",
        "tourism_places", "tourism_routes", "tourism_events", "ntm_assessments")])
    # The demo is dated DEMO_TODAY; codes that have lapsed since then are expired now, as the
    # server's expiry would within minutes, so the loaded demo passes `ntm-map check`.
    expire_now(conn)
    traced = {}
    if harvest_lots:
        log("harvest lots, their GTINs and label scans")
        traced = lots.load_lots(conn, stream(12))  # after expiry: lots come from areas granted today
    counts = {
        "communes": len(communes), "villages": len(vill), "households": len(public),
        "cooperatives": len(coops), "growing_areas": len(areas), "tourism_places": len(places),
        "ntm_assessments": len(assessed), **traced,
    }
    return counts
