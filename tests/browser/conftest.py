"""Browser fixtures: Debian's Chromium driven by Playwright, against a real server on a demo database.

Every page runs with the outside world cut off: any request not to 127.0.0.1 is aborted and
recorded, so a page that quietly needs a CDN fails its test. Console errors, failed requests and
HTTP errors are recorded too (`page_log`), and each test leaves a screenshot in tests/artifacts/.
"""
from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import sync_playwright

from api.app import create_app
from layers.db.engines import connection
from layers.write import accounts
from tests.api.growing_helpers import area_body, commune_with_room, free_spots, square
from tests.browser.chromium import (
    ARTIFACTS,
    CHROMIUM_ARGS,
    PageLog,
    block_outside,
    chromium_path,
    wait_without_eval,
)
from tests.browser.staff_helpers import PASSWORD
from tests.support import serve


@pytest.fixture(scope="module")
def live_url(settings, shared_demo):
    """A server on the module's read-only demo database."""
    with serve(create_app(settings, url=shared_demo)) as url:
        yield url


@pytest.fixture
def writable_live_url(settings, demo_db):
    """A server on a demo database of the test's own, for tests that change data."""
    with serve(create_app(settings, url=demo_db)) as url:
        yield url


@pytest.fixture(scope="package")
def browser():
    # Package scope, not session: a running sync Playwright keeps an event loop on this thread,
    # and later test packages that call asyncio.run() would fail beside it.
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


def _artifact_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1])[:120]


@pytest.fixture
def page(browser, page_log, request):
    """A fresh browser context (1280×800) with outside requests blocked; screenshot at the end."""
    viewport = getattr(request, "param", None) or {"width": 1280, "height": 800}
    context = browser.new_context(viewport=viewport, locale="vi-VN", service_workers="block")
    context.route("**/*", block_outside(page_log))
    p = context.new_page()
    p.set_default_timeout(20000)
    wait_without_eval(p, 20000)
    page_log.attach(p)
    yield p
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        p.screenshot(path=str(ARTIFACTS / f"{_artifact_name(request.node.nodeid)}.png"))
    finally:
        context.close()


@pytest.fixture
def staff(demo_db, writable_live_url):
    """Commune and province staff with passwords, and one submitted area already on the map."""
    commune, province = commune_with_room(demo_db)
    taken, free = free_spots(demo_db, commune, n=2)
    with connection(demo_db) as conn:
        accounts.create_user(conn, "xa.staff", "commune_staff", [commune], password=PASSWORD)
        accounts.create_user(conn, "tinh.staff", "province_staff", [province], password=PASSWORD)
        token = accounts.issue_token(conn, "xa.staff")
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=writable_live_url, headers=auth) as api:
        r = api.post("/collections/growing_areas/items", json=area_body(square(*taken), commune, name="Vùng đã có"))
        assert r.status_code == 201, r.text
        r = api.post(f"/collections/growing_areas/items/{r.json()['id']}/actions/submit", headers={"If-Match": r.headers["ETag"]})
        assert r.status_code == 200, r.text
    return {"url": writable_live_url, "commune": commune, "taken": taken, "free": free}
