"""Browser fixtures: Debian's Chromium driven by Playwright, against a real server on a demo database.

Every page runs with the outside world cut off: any request not to 127.0.0.1 is aborted and
recorded, so a page that quietly needs a CDN fails its test. Console errors, failed requests and
HTTP errors are recorded too (`page_log`), and each test leaves a screenshot in tests/artifacts/.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psycopg
import pytest
from playwright.sync_api import sync_playwright

from api.app import create_app
from layers import accounts
from tests.api.growing_helpers import area_body, commune_with_room, free_spots, square
from tests.browser.staff_helpers import PASSWORD
from tests.support import serve

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader",
                 "--use-gl=angle", "--use-angle=swiftshader", "--disable-dev-shm-usage"]
LOCAL_HOSTS = {"127.0.0.1"}


def chromium_path() -> str:
    """Debian's chromium (packaging/system-deps.sh installs it with NTM_TEST_DEPS=1); no download."""
    path = os.environ.get("NTM_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        raise RuntimeError("Chromium not found: run `make setup-test` (apt-get install chromium) "
                           "or set NTM_CHROMIUM to a Chromium binary")
    return path


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


class PageLog:
    """What went wrong while a page ran: console errors, failed or blocked requests, HTTP errors."""

    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.failed: list[str] = []  # network failures (not the ones we blocked)
        self.http_errors: list[str] = []  # responses with status >= 400
        self.blocked: list[str] = []  # requests to anything but 127.0.0.1
        self.responses: list[tuple[str, int]] = []

    def attach(self, page) -> None:
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda e: self.console_errors.append(f"uncaught: {e}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _failed(self, request) -> None:
        # ERR_ABORTED is the page cancelling its own request (MapLibre drops tiles it no longer
        # needs while the map moves): not a failure of the server or the network.
        if request.url not in self.blocked and "ERR_ABORTED" not in (request.failure or ""):
            self.failed.append(f"{request.url}: {request.failure}")

    def _response(self, response) -> None:
        self.responses.append((response.url, response.status))
        if response.status >= 400:
            self.http_errors.append(f"{response.status} {response.url}")

    def matching(self, pattern: str) -> list[tuple[str, int]]:
        return [(u, s) for u, s in self.responses if re.search(pattern, u)]

    def assert_clean(self, allow_http: tuple[str, ...] = ()) -> None:
        """No console errors, no failed or blocked requests, no HTTP errors (but those allowed)."""
        http = [e for e in self.http_errors if not any(re.search(a, e) for a in allow_http)]
        problems = {"console errors": self.console_errors, "failed requests": self.failed,
                    "outside requests": self.blocked, "HTTP errors": http}
        assert not any(problems.values()), {k: v for k, v in problems.items() if v}


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


def _block_outside(log: PageLog):
    def handler(route):
        url = route.request.url
        host = urlsplit(url).hostname
        if url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            log.blocked.append(url)
            route.abort("blockedbyclient")
    return handler


def _artifact_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1])[:120]


@pytest.fixture
def page(browser, page_log, request):
    """A fresh browser context (1280×800) with outside requests blocked; screenshot at the end."""
    viewport = getattr(request, "param", None) or {"width": 1280, "height": 800}
    context = browser.new_context(viewport=viewport, locale="vi-VN", service_workers="block")
    context.route("**/*", _block_outside(page_log))
    p = context.new_page()
    p.set_default_timeout(20000)
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
    with psycopg.connect(demo_db) as conn:
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
