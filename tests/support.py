"""Small helpers shared by tests (fixtures live in conftest.py)."""
from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import uvicorn

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
    return conn.execute(query, args).fetchone()[0]


@contextmanager
def serve(app):
    """Run `app` with uvicorn in a thread on a free port (real HTTP for GDAL, browsers, concurrency)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # proxy_headers=False as `ntm-map serve` runs it: the app alone decides whom to believe.
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           proxy_headers=False))
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
        thread.join(10)
