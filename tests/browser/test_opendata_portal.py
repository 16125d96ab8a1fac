"""The open-data portal in Chromium at 360×740 and 1366×768: nothing wider than the screen, the
licence and how to cite before the datasets, dataset search and topic tags, a dataset's preview
(its first rows in words and a small map) and its changelog as a readable page."""
from __future__ import annotations

import pytest

from api.app import create_app
from layers.jobs.opendata.datasets import by_id
from layers.jobs.opendata.release import publish
from tests.browser.mapping import IDLE
from tests.support import serve

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 768}
VIEWPORTS = pytest.mark.parametrize("page", [PHONE, DESKTOP], indirect=True, ids=["phone", "desktop"])


@pytest.fixture(scope="module")
def portal(settings, shared_demo, tmp_path_factory):
    """A server with a small release (four datasets, no PMTiles: seconds, not minutes)."""
    od = settings.model_copy(update={"opendata_dir": tmp_path_factory.mktemp("portal")})
    datasets = by_id()
    chosen = ("growing_areas", "tourism_places", "tourism_routes", "ntm_results")
    result = publish(od, shared_demo, datasets=tuple(datasets[d] for d in chosen))
    assert result.version == "1.0.0", result.message
    with serve(create_app(od, url=shared_demo)) as url:
        yield url


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url}: {width} px on a {page.viewport_size['width']} px screen"


@VIEWPORTS
def test_portal_fits_and_puts_licence_and_citation_first(page, page_log, portal):
    page.goto(f"{portal}/opendata?f=html&lang=vi")
    fits(page)
    licence = page.locator("#licence").bounding_box()
    datasets = page.locator("table.datasets").bounding_box()
    assert licence["y"] + licence["height"] <= datasets["y"]
    assert page.locator("#licence blockquote").inner_text().startswith("Văn phòng")
    assert page.locator("table.datasets tbody tr").count() == 4
    page.goto(f"{portal}/opendata/releases/?f=html&lang=en")
    fits(page)
    assert "latest" in page.locator("main").inner_text()
    page_log.assert_clean()


@VIEWPORTS
def test_search_box_and_tags_filter_the_datasets(page, page_log, portal):
    page.goto(f"{portal}/opendata?f=html&lang=en")
    page.get_by_label("Find a dataset").fill("tourism")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=tourism**")
    fits(page)
    titles = page.locator("table.datasets h3").all_inner_texts()
    assert titles == ["Rural tourism places", "Tourism routes"]
    assert page.get_by_role("status").inner_text() == "2 datasets match"
    page.get_by_role("link", name="growing-area codes").first.click()
    page.wait_for_url("**tag=growing_areas**")
    assert page.locator("table.datasets h3").all_inner_texts() == ["Growing areas with codes"]
    page.get_by_role("link", name="All", exact=True).click()
    page.wait_for_url("**/opendata?f=html&lang=en")
    assert page.locator("table.datasets tbody tr").count() == 4
    text = page.locator("main").inner_text()
    assert "Tải về" not in text and "Trích dẫn" not in text  # one language
    page_log.assert_clean()


@VIEWPORTS
def test_dataset_page_previews_rows_and_a_map(page, page_log, portal):
    page.goto(f"{portal}/opendata/datasets/growing_areas?f=html&lang=en")
    page.wait_for_function(f"{IDLE} || document.body.dataset.mapState === 'failed'", timeout=60000)
    assert page.evaluate("document.body.dataset.mapState") == "idle"
    fits(page)
    assert page.evaluate("ntmMap.queryRenderedFeatures({layers: ['item-fill']}).length") > 0
    table = page.locator("table.preview")
    assert table.locator("tbody tr").count() == 10
    text = table.inner_text()
    assert "Passion fruit" in text or "Orange" in text
    assert "passion_fruit" not in text and "VN-40-" in text
    box = page.locator(".table-wrap").first.bounding_box()
    assert box["x"] + box["width"] <= page.viewport_size["width"]
    page.get_by_role("link", name="See what changed").click()
    page.wait_for_url("**/opendata/datasets/growing_areas/changes**")
    fits(page)
    assert page.locator("h1").inner_text() == "Changes to “Growing areas with codes” in version 1.0.0"
    assert "first release" in page.locator("main").inner_text()
    page_log.assert_clean()
