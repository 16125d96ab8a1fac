"""The open-data pages in a real browser (Debian's Chromium via the browser tests' fixtures)."""
from __future__ import annotations

import hashlib

from tests.browser.conftest import browser, page, page_log  # noqa: F401  (fixtures)


def test_catalog_page_lists_datasets_and_downloads_a_file(page, page_log, od_live_url, od_client):
    page.goto(f"{od_live_url}/opendata?f=html&lang=vi")
    assert page.locator("h1").inner_text() == "Dữ liệu mở nông thôn mới"
    rows = page.locator("tbody tr")
    assert rows.count() == len(od_client.get("/opendata").json()["datasets"])
    assert page.get_by_text("Trích dẫn").count() == 1
    page_log.assert_clean()

    page.get_by_role("link", name="Kết quả nông thôn mới", exact=True).click()
    page.wait_for_url("**/opendata/datasets/ntm_results**")
    assert page.locator("code", has_text="criteria_met").count() >= 1
    with page.expect_download() as info:
        page.get_by_role("link", name="GeoParquet", exact=True).click()
    download = info.value
    assert download.suggested_filename == "ntm_results.parquet"
    data = open(download.path(), "rb").read()
    expected = next(d["sha256"] for d in od_client.get("/opendata/datasets/ntm_results").json()["distributions"]
                    if d["format"] == "parquet")
    assert hashlib.sha256(data).hexdigest() == expected
    page_log.assert_clean()


def test_english_release_list(page, page_log, od_live_url):
    page.goto(f"{od_live_url}/opendata/releases/?f=html&lang=en")
    assert page.locator("h1").inner_text() == "Releases"
    assert page.get_by_role("link", name="1.0.0").count() == 1
    page_log.assert_clean()
