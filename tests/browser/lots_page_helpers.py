"""The cooperative's page (/staff/lots) in the browser: a cooperative with two granted areas and
an OCOP product (the farm of tests/layers/test_harvest_lots.py), its account with a password, and
the steps the tests take on the page."""
from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from layers.db.engines import connection
from layers.write import accounts
from tests.browser.staff_helpers import PASSWORD

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
SHOTS = Path("/tmp/shots")
USER = "htx.web"


@pytest.fixture
def coop(demo_db, writable_live_url, farm):
    """The farm's cooperative with a password account; its areas' codes and its product's name."""
    with connection(demo_db) as conn:
        accounts.create_user(conn, USER, "cooperative", [], password=PASSWORD, cooperative_id=farm["coop"])
    with psycopg.connect(demo_db) as conn:
        codes = dict(conn.execute("SELECT id, code FROM growing_areas WHERE id = ANY(%s)", (farm["areas"],)).fetchall())
        product = conn.execute("SELECT name FROM ocop_products WHERE id = %s", (farm["product"],)).fetchone()[0]
    return {"url": writable_live_url, "db": demo_db, "farm": farm, "codes": codes, "product": product}


def sign_in(page, url: str, lang: str = "en", user: str = USER) -> None:
    page.goto(f"{url}/staff/lots?lang={lang}")
    page.fill("#login-form [name=username]", user)
    page.fill("#login-form [name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("body[data-ready=true]")


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def fill_lot(page, coop, lot_code: str, quantity: str, areas=None) -> None:
    """The register form filled (not sent): product, lot code, quantity in kg, the harvest day,
    the given areas (default: both of the farm's)."""
    farm = coop["farm"]
    page.click("[role=tab][data-tab=new]")
    page.select_option("#f-product", str(farm["product"]))
    page.fill("#f-lot-code", lot_code)
    page.fill("#f-quantity", quantity)
    page.select_option("#f-unit", "kg")
    page.fill("#f-harvest", farm["day"].isoformat())
    for area in farm["areas"] if areas is None else areas:
        page.check(f"#area-list input[value='{area}']")
