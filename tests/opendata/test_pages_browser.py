"""The open-data pages in a real browser (Debian's Chromium, as in tests/browser).

Chromium runs on a thread of its own: the browser tests' session-wide Playwright may already be
running on the main thread, and one thread can hold only one sync Playwright.
"""
from __future__ import annotations

import hashlib
import threading
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

from tests.browser.chromium import CHROMIUM_ARGS, PageLog, chromium_path


def in_browser(check) -> None:
    """Runs check(page, log) in a fresh Chromium; requests off 127.0.0.1 are blocked and logged."""
    failures: list[BaseException] = []

    def work():
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
                context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN",
                                              accept_downloads=True)
                log = PageLog()

                def route(r):
                    if urlsplit(r.request.url).hostname == "127.0.0.1":
                        r.continue_()
                    else:
                        log.blocked.append(r.request.url)
                        r.abort("blockedbyclient")

                context.route("**/*", route)
                page = context.new_page()
                page.set_default_timeout(20000)
                log.attach(page)
                try:
                    check(page, log)
                finally:
                    context.close()
                    browser.close()
        except BaseException as exc:  # re-raised on the test's thread
            failures.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(180)
    assert not thread.is_alive(), "the browser check did not finish"
    if failures:
        raise failures[0]


def test_catalog_page_lists_datasets_and_downloads_a_file(od_live_url, od_client):
    datasets = od_client.get("/opendata").json()["datasets"]
    expected = next(d["sha256"] for d in od_client.get("/opendata/datasets/ntm_results").json()["distributions"]
                    if d["format"] == "parquet")

    def check(page, log):
        page.goto(f"{od_live_url}/opendata?f=html&lang=vi")
        assert page.locator("h1").inner_text() == "Dữ liệu mở nông thôn mới"
        assert page.locator("tbody tr").count() == len(datasets)
        assert page.get_by_text("Trích dẫn").count() == 1
        page.get_by_role("link", name="Kết quả nông thôn mới", exact=True).click()
        page.wait_for_url("**/opendata/datasets/ntm_results**")
        assert page.locator("code", has_text="criteria_met").count() >= 1
        with page.expect_download() as info:
            page.get_by_role("link", name="GeoParquet", exact=True).click()
        download = info.value
        assert download.suggested_filename == "ntm_results.parquet"
        with open(download.path(), "rb") as f:
            assert hashlib.sha256(f.read()).hexdigest() == expected
        log.assert_clean()

    in_browser(check)


def test_english_release_list(od_live_url):
    def check(page, log):
        page.goto(f"{od_live_url}/opendata/releases/?f=html&lang=en")
        assert page.locator("h1").inner_text() == "Releases"
        assert page.get_by_role("link", name="1.0.0").count() == 1
        log.assert_clean()

    in_browser(check)
