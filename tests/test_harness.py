"""The test harness itself: tiers from the fixtures a test uses, settings that ignore the caller's
environment, apps built by one fixture, live servers that stop at once."""
from __future__ import annotations

import asyncio
import os
import socket
import threading
from urllib.parse import urlsplit

from fastapi import FastAPI

from layers.db.settings import Settings
from tests.support import isolated_settings, serve

UNREACHABLE = "postgresql://nobody:x@127.0.0.1:1/none"


def tiers(request) -> set[str]:
    return {m.name for m in request.node.iter_markers()} & {"unit", "db", "browser", "slow"}


def test_the_tests_settings_ignore_the_callers_environment(monkeypatch, tmp_path, settings):
    for name in [n for n in os.environ if n.startswith("NTM_") or n == "DATABASE_URL"]:
        monkeypatch.delenv(name)
    clean = isolated_settings(tmp_path)
    monkeypatch.setenv("NTM_TILE_CACHE_MB", "1")
    monkeypatch.setenv("NTM_CLIENT_SLOTS", "9")
    monkeypatch.setenv("NTM_HOME", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("DATABASE_URL", UNREACHABLE)
    read = Settings()
    assert (read.tile_cache_mb, read.client_slots, read.database_url) == (1, 9, UNREACHABLE)  # the plain class reads them
    assert isolated_settings(tmp_path).model_dump() == clean.model_dump()
    assert settings.model_dump(exclude={"home"}) == clean.model_dump(exclude={"home"})  # the session's fixture too
    assert settings.home != tmp_path / "elsewhere" and settings.home.is_dir()


def test_a_test_without_the_database_is_a_unit_test(request):
    assert tiers(request) == {"unit"}


def test_a_test_on_the_database_is_a_db_test(request, server_url):
    assert tiers(request) == {"db"}


def test_app_client_builds_an_app_with_the_overrides_alone(app_client, settings):
    client = app_client(UNREACHABLE, tile_cache_mb=1, client_slots=9)
    used = client.app.state.settings
    assert (used.tile_cache_mb, used.client_slots) == (1, 9)
    assert used.model_dump(exclude={"tile_cache_mb", "client_slots"}) == \
        settings.model_dump(exclude={"tile_cache_mb", "client_slots"})
    assert settings.tile_cache_mb != 1  # the session's settings are left alone
    assert client.get("/healthz").status_code == 503  # started: its lifespan ran and it answers


def test_a_live_server_stops_at_once_with_a_request_still_running():
    """uvicorn waits for running requests without end unless told otherwise; the test waited 10 s."""
    reached, stopped = threading.Event(), threading.Event()
    app = FastAPI()

    @app.get("/forever")
    async def forever():
        reached.set()
        try:
            await asyncio.sleep(3600)
        finally:
            stopped.set()

    before = set(threading.enumerate())
    with serve(app) as url:
        u = urlsplit(url)
        conn = socket.create_connection((u.hostname, u.port))
        conn.sendall(b"GET /forever HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert reached.wait(20)
    with conn:
        assert stopped.is_set()  # cancelled, not left running
        conn.settimeout(20)
        while conn.recv(1 << 16):  # its connection is closed (after uvicorn's 500): recv would time out
            pass
    assert set(threading.enumerate()) <= before  # no server thread left behind
