"""Small helpers shared by tests (fixtures live in conftest.py)."""
from __future__ import annotations

import os
import re
import select
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import uvicorn
from fastapi.testclient import TestClient

from api.app import create_app
from layers.db.settings import Settings

DEMO_HOUSEHOLDS = 5_000
DEMO_SEED = 7


class IsolatedSettings(Settings):
    """Settings from explicit values only: no NTM_* variable, DATABASE_URL or .env file is read."""

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, **others):
        return (init_settings,)


def isolated_settings(home: Path, **values) -> Settings:
    """The defaults whatever the caller's environment, with a home of their own: client-slot lock
    files and open-data releases of a developer's server (or of another test run) are not seen."""
    return IsolatedSettings(home=home, **values)


def scalar(conn, query, *args):
    """The first value of a query with %s parameters, on a psycopg or a SQLAlchemy connection."""
    run = conn.exec_driver_sql if hasattr(conn, "exec_driver_sql") else conn.execute
    return run(query, args).fetchone()[0]


def send_until_answered(url: str, head: str, body_chunks, limit_bytes: int) -> tuple[bytes, int]:
    """Send a request by hand, body chunk by chunk, until the server answers or `limit_bytes` went
    out; returns (the answer: head, and body when it has a Content-Length; body bytes sent)."""
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
    sock.sendall(head.encode())
    sent, answer = 0, b""
    try:
        for chunk in body_chunks:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable or sent >= limit_bytes:
                break
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
        sock.settimeout(10)
        while b"\r\n\r\n" not in answer or len(answer) < _answer_length(answer):
            data = sock.recv(65536)
            if not data:
                break
            answer += data
    finally:
        sock.close()
    return answer, sent


def _answer_length(answer: bytes) -> int:
    head, _, _ = answer.partition(b"\r\n\r\n")
    found = re.search(rb"\r\ncontent-length: *(\d+)", head, re.I)
    return len(head) + 4 + (int(found.group(1)) if found else 0)


def reset_peak_memory() -> int:
    """Makes this process's peak resident memory (VmHWM) its current one; returns that, in kB.
    Without it the peak is the process's lifetime one, which any earlier test may have raised."""
    Path("/proc/self/clear_refs").write_text("5")
    return _proc_status_kb("VmHWM")


def peak_memory_kb() -> int:
    return _proc_status_kb("VmHWM")


def _proc_status_kb(field: str) -> int:
    return int(re.search(rf"^{field}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M).group(1))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def with_overrides(settings: Settings, **overrides) -> Settings:
    return settings.model_copy(update=overrides) if overrides else settings


@contextmanager
def started_client(settings: Settings, db: str, *, raise_server_exceptions: bool = True,
                   **overrides) -> Iterator[TestClient]:
    """A started TestClient of an app on database `db`, `settings` changed by `overrides`: the one
    way the tests build an app (the `app_client` fixture; module-wide clients call it directly)."""
    app = create_app(with_overrides(settings, **overrides), url=db)
    with TestClient(app, raise_server_exceptions=raise_server_exceptions) as client:
        yield client


# A request still running when a live test server is told to stop is cancelled after this long
# (uvicorn waits for it without end by default, and the test waited 10 s for nothing).
GRACEFUL_SHUTDOWN_S = 0.5


@contextmanager
def serve(app):
    """Run `app` with uvicorn in a thread on a free port (real HTTP for GDAL, browsers, concurrency).

    Leaving it stops the server at once: idle connections are closed, running requests cancelled
    after GRACEFUL_SHUTDOWN_S; a server thread still alive after that is an error, not a leak."""
    port = free_port()
    # proxy_headers=False as `ntm-map serve` runs it: the app alone decides whom to believe.
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           proxy_headers=False, timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
        if thread.is_alive():
            raise RuntimeError("the test server did not stop")


def process_env(**values: str) -> dict[str, str]:
    """The environment of an `ntm-map` process a test starts: the caller's without its NTM_* and
    DATABASE_URL (they must not change what the test sees), plus `values` (NTM_X=..., DATABASE_URL=...)."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith("NTM_") and k != "DATABASE_URL"}
    return {**kept, **values}


def stop_process(proc: subprocess.Popen, grace_s: float = 5.0) -> str | None:
    """SIGTERM, then SIGKILL if it has not ended within grace_s; returns what it printed (if piped)."""
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=grace_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out


def wait_until_up(base: str, proc: subprocess.Popen, seconds: float = 120, ok=lambda status: status == 200):
    """Polls GET /healthz of a server process until `ok(status)`; fails if the process ends first."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if ok(httpx.get(f"{base}/healthz", timeout=5).status_code):
                return
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_process(proc)
            raise RuntimeError(f"the server at {base} did not start")
        time.sleep(0.2)
