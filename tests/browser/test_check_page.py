"""The office's page of `ntm-map check --html`, opened in Chromium as a file with no network."""
from __future__ import annotations

import psycopg
import pytest
from click.testing import CliRunner

from api.cli import main
from tests.browser.chromium import ARTIFACTS
from tests.checks.test_check_command import plant_one_problem_per_rule


@pytest.mark.parametrize("width", [360, 1366])
def test_the_check_page_shows_every_problem_on_a_phone_and_a_desk(browser, demo_db, tmp_path, width):
    with psycopg.connect(demo_db, autocommit=True) as conn:
        planted = plant_one_problem_per_rule(conn)
    html = tmp_path / "kiem_tra.html"
    r = CliRunner().invoke(main, ["check", "--html", str(html), "--lang", "vi"], env={"DATABASE_URL": demo_db})
    assert r.exit_code == 1, r.output
    context = browser.new_context(viewport={"width": width, "height": 740}, offline=True)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("requestfailed", lambda req: errors.append(req.url))
    page.goto(html.as_uri())
    page.wait_for_selector(".leaflet-overlay-pane canvas", state="attached")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"check_page_{width}.png"), full_page=True)
    assert errors == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    assert page.locator("h1").inner_text() == "Kiểm tra dữ liệu theo quy tắc"
    assert page.locator(".report h2").count() == len(planted)  # one section per broken rule
    assert "Hộ ngoài xã của mình (1)" in page.locator(".report").inner_text()
    assert "households" not in page.locator(".report").inner_text()  # layer titles, not table names
    # One map layer per rule whose problems have a place (missing fields, codes, dates have none).
    assert page.locator(".leaflet-control-layers-overlays label").count() == 7
    context.close()
