"""Apps over the demo database: one shared read-only database per module, own copies for writes."""
from __future__ import annotations

import socket
import threading
import time

import pytest
import uvicorn
from fastapi.testclient import TestClient

from api.app import create_app


@pytest.fixture(scope="module")
def reader(settings, shared_demo):
    with TestClient(create_app(settings, url=shared_demo)) as c:
        yield c


@pytest.fixture
def writer(settings, demo_db):
    """A client on a database of its own, for tests that edit data behind the API."""
    with TestClient(create_app(settings, url=demo_db)) as c:
        yield c


@pytest.fixture(scope="module")
def live_url(settings, shared_demo):
    """A real HTTP server (uvicorn in a thread) for clients that need a URL: GDAL, OWSLib."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings, url=shared_demo), host="127.0.0.1",
                                           port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
