"""The indicators add up to what the layers hold (per commune), and agree per village.

They are published here from a database of the test's own: a running app changes data (it
expires growing-area codes past their date), so the session's release may no longer match it.
"""
from __future__ import annotations

import psycopg
import pyarrow.parquet as pq
import pytest

from layers.jobs.opendata import store
from layers.jobs.opendata.datasets import by_id
from layers.jobs.opendata.release import publish


NAMES = ("commune_indicators", "village_indicators")


@pytest.fixture(scope="module")
def indicators_db(databases, demo_template) -> str:
    return databases.create(template=demo_template)


@pytest.fixture(scope="module")
def tables(od_settings, indicators_db, tmp_path_factory):
    s = od_settings.model_copy(update={"opendata_dir": tmp_path_factory.mktemp("indicators")})
    by = by_id()
    result = publish(s, indicators_db, datasets=tuple(by[n] for n in NAMES))
    folder = store.releases_dir(s) / result.version
    return {n: pq.read_table(folder / f"{n}.parquet").to_pylist() for n in NAMES}


def one(conn, sql):
    return conn.execute(sql).fetchone()[0]


def test_commune_indicators_add_up_to_the_layers(tables, indicators_db):
    rows = tables["commune_indicators"]
    with psycopg.connect(indicators_db) as conn:
        assert len(rows) == one(conn, "SELECT count(*) FROM communes")
        assert sum(r["growing_areas_granted"] for r in rows) == one(
            conn, "SELECT count(*) FROM growing_areas WHERE status = 'granted'")
        assert sum(r["growing_area_ha"] for r in rows) == pytest.approx(one(
            conn, "SELECT sum(area_ha) FROM growing_areas WHERE status = 'granted'"), abs=0.1)
        assert sum(r["ha_orange"] for r in rows) == pytest.approx(one(
            conn, "SELECT coalesce(sum(area_ha), 0) FROM growing_areas WHERE status = 'granted' AND crop = 'orange'"),
            abs=0.1)
        for stars in (3, 4, 5):
            assert sum(r[f"ocop_{stars}_star"] for r in rows) == one(
                conn, f"SELECT count(*) FROM ocop_products WHERE stars = {stars}")
        assert sum(r["tourism_homestay"] for r in rows) == one(
            conn, "SELECT count(*) FROM tourism_places WHERE kind = 'homestay'")
        assert sum(r["tourism_with_wifi"] for r in rows) == one(
            conn, "SELECT count(*) FROM tourism_places WHERE wifi")
        shown = [r for r in rows if r["households"] is not None]
        assert sum(r["households"] for r in shown) <= one(conn, "SELECT count(*) FROM households")
        levels = dict(conn.execute("SELECT commune_code, level FROM ntm_results").fetchall())
    for r in rows:
        assert r["ntm_level"] == levels.get(r["commune_code"])
        if r["ntm_level"] is not None:
            assert r["ntm_target_met"] == (r["ntm_level"] != "not_met")
        if r["households"] and not r["households_suppressed"]:
            assert r["address_code_share"] == pytest.approx(100 * r["households_with_address_code"] / r["households"], abs=0.0501)  # rounded to 0.1
            assert r["address_code_target_met"] == (r["address_code_share"] >= 100)
        places = sum(r[k] for k in r if k.startswith("tourism_") and k not in ("tourism_with_wifi", "tourism_wifi_target_met"))
        assert r["tourism_wifi_target_met"] == (None if places == 0 else r["tourism_with_wifi"] == places)


def test_village_indicators(tables, indicators_db):
    rows = tables["village_indicators"]
    with psycopg.connect(indicators_db) as conn:
        counts = dict(conn.execute("SELECT village_id, count(*) FROM households GROUP BY 1").fetchall())
        assert len(rows) == one(conn, "SELECT count(*) FROM villages")
    for r in rows:
        n = counts.get(r["id"], 0)
        assert r["households"] == (None if 0 < n < 5 else n)
