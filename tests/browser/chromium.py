"""Debian's Chromium for the tests: where it is, how it starts, and what a page did wrong.

Plain helpers (no fixtures), so other test packages can drive their own browser the same way.
"""
from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path
from urllib.parse import urlsplit

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


def block_outside(log: PageLog):
    def handler(route):
        url = route.request.url
        host = urlsplit(url).hostname
        if url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            log.blocked.append(url)
            route.abort("blockedbyclient")
    return handler


def wait_without_eval(page, default_timeout_ms: float) -> None:
    """Make `page.wait_for_function` poll through `page.evaluate` (DevTools, outside the page's
    CSP) instead of Playwright's in-page polling, which runs the predicate with eval: the pages'
    Content-Security-Policy (api/http/security_headers.py) rightly forbids that."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    def wait_for_function(expression: str, arg=None, timeout: float | None = None, polling=None):
        limit = default_timeout_ms if timeout is None else timeout
        deadline = time.monotonic() + limit / 1000
        problem = "still false"
        while True:
            try:  # a page between two documents (a click that navigates) has no body yet: retry
                value = page.evaluate(expression, arg)
            except PlaywrightError as exc:
                value, problem = None, f"failing ({str(exc).splitlines()[0]})"
            if value:
                return value
            if time.monotonic() > deadline:
                raise PlaywrightTimeout(f"wait_for_function: {expression[:80]!r} {problem} after {limit:.0f} ms")
            page.wait_for_timeout(50)

    page.wait_for_function = wait_for_function
