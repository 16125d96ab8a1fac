"""One release published per test session from a read-only demo copy of its own, and apps serving it.

Publishing (six formats and PMTiles for 14 datasets) is the slow part, so the modules that only
read a release share one; tests that write (test_release.py) use `demo_db` copies instead.
"""
from __future__ import annotations

import socket
import threading
import time

import pytest
import uvicorn
from fastapi.testclient import TestClient

from api.app import create_app
from layers.opendata.release import publish
from tiles.pmtiles_export import pmtiles_writer, writer_key


@pytest.fixture(scope="session")
def od_demo(databases, demo_template) -> str:
    return databases.create(template=demo_template)


@pytest.fixture(scope="session")
def od_settings(settings, tmp_path_factory):
    """Settings writing releases to a folder of their own; PMTiles to z10 keep it quick."""
    return settings.model_copy(update={"opendata_dir": tmp_path_factory.mktemp("opendata"),
                                       "pmtiles_max_zoom": 10})


@pytest.fixture(scope="session")
def release(od_settings, od_demo):
    result = publish(od_settings, od_demo, extra=pmtiles_writer(od_settings),
                     extra_key=writer_key(od_settings))
    assert result.version == "1.0.0", result.message
    return result


@pytest.fixture(scope="module")
def od_client(od_settings, od_demo, release):
    with TestClient(create_app(od_settings, url=od_demo)) as c:
        yield c


@pytest.fixture(scope="module")
def od_live_url(od_settings, od_demo, release):
    """A real HTTP server for clients that need a URL (the notebooks)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(od_settings, url=od_demo), host="127.0.0.1",
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
