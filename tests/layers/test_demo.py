"""The demo province: real boundaries, plausible generated layers, deterministic per seed."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tqdm import tqdm

from layers.db.engines import connection
from layers.jobs.bulk import bulk_session
from layers.jobs.demo import DemoError, _communes, households, load_demo, villages
from tests.support import DEMO_HOUSEHOLDS, scalar


def test_boundaries_are_nghe_an(demo_conn):
    assert scalar(demo_conn, "SELECT count(*) FROM provinces") == 1
    assert scalar(demo_conn, "SELECT name_vi FROM provinces") == "Nghệ An"
    assert scalar(demo_conn, "SELECT count(*) FROM communes") == 130
    assert scalar(demo_conn, "SELECT count(*) FROM communes WHERE province_code = '40'") == 130
    # The simplified derivative keeps the province's real area (16,486.5 km² in the source).
    assert scalar(demo_conn, "SELECT sum(area_km2) FROM communes") == pytest.approx(16486.5, rel=0.005)
    assert scalar(demo_conn, "SELECT kind FROM communes WHERE code = '16708'") == "Phường"


def test_every_layer_has_data_inside_the_province(demo_conn):
    for table in ("villages", "households", "growing_areas", "cooperatives", "agri_zones",
                  "ocop_products", "tourism_places", "tourism_routes"):
        assert scalar(demo_conn, f"SELECT count(*) FROM {table}") > 0, table
    assert scalar(demo_conn, "SELECT count(*) FROM households") == DEMO_HOUSEHOLDS
    assert scalar(demo_conn, "SELECT count(DISTINCT commune_code) FROM villages") == 130
    # Each household lies in its own village and commune.
    assert scalar(demo_conn, """
        SELECT count(*) FROM households h JOIN villages v ON v.id = h.village_id
        WHERE NOT ST_Intersects(v.geom, h.geom) OR v.commune_code <> h.commune_code""") == 0
    assert scalar(demo_conn, "SELECT count(*) FROM private.household_private") == DEMO_HOUSEHOLDS


def test_every_named_tourism_route_is_there(demo_conn):
    from layers.jobs.demo.tourism import ROUTES

    assert scalar(demo_conn, "SELECT count(*) FROM tourism_routes") == len(ROUTES)
    assert scalar(demo_conn, "SELECT bool_and(cardinality(place_ids) = 3 AND length_km > 1) FROM tourism_routes")


def test_growing_areas_follow_the_domain_rules(demo_conn):
    # Codes only once granted, unique, in the default scheme's shape.
    assert scalar(demo_conn, "SELECT count(*) FROM growing_areas WHERE status IN ('draft','submitted','inspected') AND code IS NOT NULL") == 0
    assert scalar(demo_conn, "SELECT bool_and(code ~ '^VN-40-[0-9]{5}-[0-9]{4}$') FROM growing_areas WHERE code IS NOT NULL")
    # No two areas of the same commune truly overlap.
    assert scalar(demo_conn, """
        SELECT count(*) FROM growing_areas a JOIN growing_areas b ON a.id < b.id
        AND ST_Intersects(a.geom, b.geom) AND ST_Area(ST_Intersection(a.geom, b.geom)::geography) > 1""") == 0
    # The counters know every serial handed out, so none is ever reused.
    assert scalar(demo_conn, """
        SELECT count(*) FROM growing_areas g JOIN code_counters c
        ON c.scope = substring(g.code from '^(.*)-[0-9]+$')
        WHERE substring(g.code from '([0-9]+)$')::int > c.last_serial""") == 0
    crops = {r[0] for r in demo_conn.execute("SELECT DISTINCT crop FROM growing_areas")}
    assert {"orange", "tea", "rice", "passion_fruit"} <= crops


def test_ntm_assessments_cover_every_rural_commune(demo_conn):
    assert scalar(demo_conn, "SELECT count(*) FROM ntm_criteria") == 19
    rural = scalar(demo_conn, "SELECT count(*) FROM communes WHERE kind = 'Xã'")
    assert scalar(demo_conn, "SELECT count(DISTINCT commune_code) FROM ntm_assessments") == rural
    assert scalar(demo_conn, "SELECT count(*) FROM ntm_results") == rural
    # Standard or better means all 19 criteria met.
    assert scalar(demo_conn, "SELECT bool_and(criteria_met = 19) FROM ntm_results WHERE level <> 'not_met'")
    assert scalar(demo_conn, "SELECT count(*) FROM ntm_assessment_criteria") == 19 * scalar(demo_conn, "SELECT count(*) FROM ntm_assessments")


def test_bulk_load_is_recorded_once_not_per_row(demo_conn):
    assert scalar(demo_conn, "SELECT count(*) FROM change_history") == 0
    assert scalar(demo_conn, "SELECT rows_loaded FROM import_runs WHERE table_name = 'demo'") > DEMO_HOUSEHOLDS


def test_loading_twice_refuses_unless_replace(demo_db):
    with connection(demo_db) as conn:
        with pytest.raises(DemoError, match="--replace"):
            with bulk_session(conn, "demo", "again"):
                load_demo(conn, seed=1, n_households=100, progress=False, log=lambda m: None)
        assert scalar(conn, "SELECT count(*) FROM households") == DEMO_HOUSEHOLDS
        with bulk_session(conn, "demo", "replace"):
            load_demo(conn, seed=1, n_households=300, replace=True, progress=False, log=lambda m: None)
        assert scalar(conn, "SELECT count(*) FROM households") == 300
        assert scalar(conn, "SELECT count(*) FROM communes") == 130


def _generate(conn, seed, n):
    communes = _communes(conn)
    vill = villages.generate(np.random.default_rng([seed, 1]), communes)
    public, private = households.generate(np.random.default_rng([seed, 2]), vill, n, tqdm(disable=True))
    return vill, public, private


def test_same_seed_same_province(demo_db):
    with connection(demo_db) as conn:
        v1, p1, q1 = _generate(conn, 3, 2_000)
        v2, p2, q2 = _generate(conn, 3, 2_000)
        _, p3, _ = _generate(conn, 4, 2_000)
    pd.testing.assert_frame_equal(v1.drop(columns="geom"), v2.drop(columns="geom"))
    assert list(p1.address_code) == list(p2.address_code)
    assert list(q1.head_name) == list(q2.head_name)
    assert list(p1.address_code) != list(p3.address_code)


def test_household_count_does_not_move_other_layers(schema_template, databases):
    def areas(n):
        url = databases.create(template=schema_template)
        with connection(url) as conn:
            with bulk_session(conn, "demo", "t"):
                load_demo(conn, seed=11, n_households=n, progress=False, log=lambda m: None)
            return conn.exec_driver_sql(
                "SELECT g.code, g.name, p.owner_name, ST_AsText(g.geom) FROM growing_areas g "
                "LEFT JOIN private.growing_area_private p ON p.growing_area_id = g.id ORDER BY g.id").fetchall()

    assert areas(300) == areas(900)
