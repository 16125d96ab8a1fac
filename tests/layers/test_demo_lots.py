"""The demo's harvest lots (layers/jobs/demo/lots.py): synthetic GTINs with correct check digits,
lots from their cooperative's granted areas, VietGAP within validity, confidential quantities kept
private, one or two recalls, scans on a few days; the same rows for the same seed; and the demo
with its lots still passes `ntm-map check`.

The tests' shared demo template holds them (loaded by load_demo as `ntm-map load demo` does); a
copy of it is read here."""
from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np
import pandas as pd
import psycopg
import pytest
from click.testing import CliRunner

from api.cli import main
from geo import gs1
from layers.jobs.demo.agriculture import DEMO_TODAY
from layers.jobs.demo.lots import GTIN_PREFIX, gtin_for, plan
from tests.support import scalar


@pytest.fixture(scope="module")
def lots_demo(databases, demo_template) -> str:
    url = databases.create(template=demo_template)
    with psycopg.connect(url) as conn:
        assert scalar(conn, "SELECT count(*) FROM harvest_lots") >= 10 and scalar(conn, "SELECT count(*) FROM lot_scans") > 0
    return url


@pytest.fixture
def demo_conn(lots_demo):
    with psycopg.connect(lots_demo) as conn:
        yield conn


def test_the_demo_with_its_lots_passes_every_check(lots_demo):
    r = CliRunner().invoke(main, ["check", "--json"], env={"DATABASE_URL": lots_demo})
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["problems"] == 0


def test_demo_lots_follow_the_rules_and_cover_each_case(demo_conn):
    n = scalar(demo_conn, "SELECT count(*) FROM harvest_lots")
    assert n >= 10
    gtins = [r[0] for r in demo_conn.execute("SELECT gtin FROM ocop_products WHERE gtin IS NOT NULL")]
    assert gtins and all(g.startswith("0" + GTIN_PREFIX) and gs1.validate_gtin(g) == g for g in gtins)
    assert scalar(demo_conn, "SELECT count(*) FROM harvest_lots l JOIN ocop_products p ON p.id = l.product_id "
                             "WHERE p.gtin IS NOT NULL") > 0
    # every link is to an area of the lot's cooperative, granted on the harvest date and still today
    assert scalar(demo_conn, """
        SELECT count(*) FROM harvest_lot_areas a JOIN harvest_lots l ON l.id = a.lot_id
        JOIN growing_areas g ON g.id = a.growing_area_id
        WHERE g.cooperative_id <> l.cooperative_id OR a.status_at_harvest <> 'granted' OR g.status <> 'granted'
           OR l.harvest_date NOT BETWEEN g.valid_from AND g.valid_to""") == 0
    assert scalar(demo_conn, "SELECT count(*) FROM harvest_lots l WHERE NOT EXISTS "
                             "(SELECT 1 FROM harvest_lot_areas a WHERE a.lot_id = l.id)") == 0
    assert scalar(demo_conn, "SELECT max(n) FROM (SELECT count(*) AS n FROM harvest_lot_areas GROUP BY lot_id) x") == 2
    assert scalar(demo_conn, "SELECT count(*) FROM harvest_lots WHERE certification = 'VietGAP' "
                             "AND harvest_date BETWEEN certification_valid_from AND certification_valid_to") > 0
    hidden = demo_conn.execute("SELECT l.quantity, p.quantity FROM harvest_lots l JOIN private.harvest_lot_private p "
                               "ON p.lot_id = l.id WHERE l.confidential_quantity").fetchall()
    assert hidden and all(public is None and private > 0 for public, private in hidden)
    assert 1 <= scalar(demo_conn, "SELECT count(*) FROM harvest_lots WHERE status = 'recalled' "
                                  "AND length(recall_reason) > 10") <= 2
    days = scalar(demo_conn, "SELECT count(DISTINCT day) FROM lot_scans")
    assert days >= 3 and scalar(demo_conn, "SELECT max(day) FROM lot_scans") <= DEMO_TODAY
    assert scalar(demo_conn, "SELECT count(*) FROM lot_scans s JOIN harvest_lots l ON l.id = s.lot_id "
                             "WHERE s.day < l.harvest_date") == 0


def test_gtins_are_synthetic_and_check_digit_correct():
    assert gtin_for(1) == "08930000000019"  # 8,9,3,0…0,0,1 weighted 1,3,1…3,1,3 from the left: 41, so 9
    assert all(gs1.validate_gtin(gtin_for(i)) == gtin_for(i) for i in range(0, 100_000, 997))


def test_the_same_seed_plans_the_same_lots():
    areas = pd.DataFrame({"cooperative_id": [1, 1, 2], "id": [10, 11, 20],
                          "valid_from": [date(2024, 1, 1)] * 3, "valid_to": [date(2027, 1, 1)] * 3,
                          "certification": ["VietGAP", "VietGAP", "none"], "crop": ["orange", "orange", "rice"]})
    products = pd.DataFrame({"id": [5, 6, 7], "cooperative_id": [1, 1, 2]})
    one = plan(np.random.default_rng([7, 12]), areas, products, DEMO_TODAY)
    two = plan(np.random.default_rng([7, 12]), areas, products, DEMO_TODAY)
    assert one == two and one[0]
    lots, links, _ = one
    assert all(DEMO_TODAY - timedelta(days=150) < lot["harvest_date"] <= DEMO_TODAY for lot in lots)
    assert {link["growing_area_id"] for link in links if lots[link["lot_id"] - 1]["cooperative_id"] == 2} <= {20}
