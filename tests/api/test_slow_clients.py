"""Greedy and slow clients must not take the service down.

Each stuck client is a raw socket with a tiny receive buffer that sends one request and never
reads: the server's send blocks as soon as the kernel buffers are full, with the page's database
connection held. Before the fix, 22 of them held all 20 connections of the pool and every other
request waited 30 s for a 503. Also here: the per-client cap on expensive requests, counted
across server processes, and the cap on HTML item pages.
"""
from __future__ import annotations

import html
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import morecantile
import psycopg
import pytest

from api.app import create_app
from api.routes.features import HTML_MAX
from tests.api.growing_helpers import make_user
from tests.support import free_port, process_env, serve, stop_process, wait_until_up

NTM_MAP = str(Path(sys.executable).parent / "ntm-map")

SEND_TIMEOUT_S = 2.0
BIG_PAGE = "/collections/households/items?limit=100000"


def stuck_client(base: str, path: str) -> socket.socket:
    """Sends the request and never reads (a receive buffer of a few kB fills at once)."""
    u = urlsplit(base)
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect((u.hostname, u.port))
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: {u.netloc}\r\n\r\n".encode())
    return s


def read_all(s: socket.socket) -> bytes:
    s.settimeout(30)
    out = []
    while chunk := s.recv(1 << 16):
        out.append(chunk)
    s.close()
    return b"".join(out)


def backends(url: str, state: str, for_s: float = 0.0) -> int:
    """Connections of the app's database in `state` for at least `for_s`, as PostgreSQL sees them."""
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND state = %s "
                            "AND state_change < now() - make_interval(secs => %s) AND pid <> pg_backend_pid()",
                            (name, state, for_s)).fetchone()[0]


def wait_for(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds} s")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def big_demo(databases, demo_template) -> str:
    """The demo with eight times the households: a 100,000-feature page of ~9 MB, more than the
    kernel buffers of a connection (up to 4 MB here) can hold, so a client that does not read
    really blocks the server's send."""
    url = databases.create(template=demo_template)
    with psycopg.connect(url) as conn:
        conn.execute("SELECT set_config('ntm.bulk_load', 'on', true)")  # no row history
        conn.execute("INSERT INTO households (id, geom, village_id, address_code, plus_code, commune_code) "
                     "SELECT id + k * 10000000, geom, village_id, address_code || '-' || k, plus_code, commune_code "
                     "FROM households, generate_series(1, 7) AS k")
    return url


@pytest.fixture(scope="module")
def slow_server(settings, big_demo, tmp_path_factory):
    """Caps per client off (every stuck client comes from 127.0.0.1): this tests the pools."""
    s = settings.model_copy(update={"send_timeout_s": SEND_TIMEOUT_S, "stream_wait_s": 1.0, "client_slots": 100,
                                    "runtime_dir": tmp_path_factory.mktemp("run")})
    app = create_app(s, url=big_demo)
    with serve(app) as url:
        yield app, url


def a_household_tile(db: str) -> str:
    with psycopg.connect(db) as conn:
        lon, lat = conn.execute("SELECT ST_X(geom), ST_Y(geom) FROM households ORDER BY id LIMIT 1").fetchone()
    t = morecantile.tms.get("WebMercatorQuad").tile(lon, lat, 15)
    return f"/collections/households/tiles/WebMercatorQuad/15/{t.x}/{t.y}"


def test_stuck_big_pages_leave_tiles_small_pages_and_health_alone(slow_server, settings, big_demo):
    app, base = slow_server
    probes = ("/healthz", a_household_tile(big_demo), "/collections/villages/items?limit=10",
              "/collections/households/items?limit=50&bbox=104,18,106,20")
    with httpx.Client(base_url=base, timeout=60) as http:
        assert all(http.get(p).status_code == 200 for p in probes)  # compiled and connected: warm
    n = settings.db_pool_size + 2
    clients = [stuck_client(base, BIG_PAGE) for _ in range(n)]
    try:
        budget = settings.stream_pool_size
        # Streams that got a connection fill the socket buffers, then wait on a client that does not
        # read: their transactions sit idle.
        wait_for(lambda: backends(big_demo, "idle in transaction", for_s=0.5) >= budget, 20, "streams stuck")
        # Each probe is answered while the streams still hold every connection of their pool (a
        # probe queued behind them would wait 30 s for the main pool: the client gives up at 5).
        with httpx.Client(base_url=base, timeout=5) as http:
            for path in probes:
                r = http.get(path)
                assert r.status_code == 200, (path, r.status_code, r.text[:200])
                assert app.state.stream_engine.pool.checkedout() == budget, f"streams let go before {path} was answered"
        # After the send timeout the stuck streams are cut: every connection comes back.
        wait_for(lambda: app.state.stream_engine.pool.checkedout() == 0, 10 * SEND_TIMEOUT_S, "streams released")
        assert backends(big_demo, "idle in transaction") == 0
        assert app.state.engine.pool.checkedout() == 0
    finally:
        replies = [read_all(c) for c in clients]
    heads = [r.split(b"\r\n", 1)[0] for r in replies]
    cut = [r for r in replies if r.startswith(b"HTTP/1.1 200")]
    busy = [r for r in replies if r.startswith(b"HTTP/1.1 503")]
    assert len(cut) + len(busy) == n, heads
    assert len(cut) >= budget and busy, heads
    assert all(not r.endswith(b"0\r\n\r\n") for r in cut)  # cut short, not a whole chunked body
    assert all(b"too many large pages" in r for r in busy)


@pytest.fixture
def two_servers(big_demo, tmp_path):
    """Two `ntm-map serve` processes on one database and one runtime directory, as the workers of
    `serve --workers 2` are: a client's slots must be counted across processes."""
    env = process_env(DATABASE_URL=big_demo, NTM_HOME=str(tmp_path), NTM_RUNTIME_DIR=str(tmp_path),
                      NTM_CLIENT_SLOTS="2", NTM_SEND_TIMEOUT_S="120")
    procs, bases = [], []
    try:
        for _ in range(2):
            port = free_port()
            procs.append(subprocess.Popen([NTM_MAP, "serve", "--port", str(port)], env=env,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            bases.append(f"http://127.0.0.1:{port}")
        for base, proc in zip(bases, procs):
            wait_until_up(base, proc, 60)
        yield bases
    finally:
        for p in procs:
            stop_process(p)


def test_expensive_requests_are_capped_per_client_across_processes(two_servers, big_demo):
    a, b = two_servers
    held = [stuck_client(a, BIG_PAGE), stuck_client(b, BIG_PAGE)]  # one slot on each server
    try:
        wait_for(lambda: backends(big_demo, "idle in transaction", for_s=0.5) >= 2, 20, "both pages held")
        for base in (a, b):
            r = httpx.get(f"{base}{BIG_PAGE}", timeout=10)
            assert r.status_code == 429, (base, r.status_code)
            assert r.json()["code"] == "TooManyRequests" and int(r.headers["retry-after"]) > 0
            assert httpx.get(f"{base}/search?q=vinh", timeout=10).status_code == 429  # search counts too
            assert httpx.get(f"{base}/collections/households/items?f=html", timeout=10).status_code == 429
            assert httpx.get(f"{base}/collections/villages/items?limit=10", timeout=10).status_code == 200  # cheap
        staff = make_user(big_demo, "slots.staff", "viewer", [])
        assert httpx.get(f"{a}/search?q=vinh", headers=staff, timeout=10).status_code == 200  # a cap of its own
    finally:
        for c in held:
            c.close()
    # The server notices the clients left: their slots are free again.
    wait_for(lambda: httpx.get(f"{a}/search?q=vinh", timeout=10).status_code == 200, 20, "slots freed")
    r = httpx.get(f"{b}{BIG_PAGE}", timeout=60)
    assert r.status_code == 200 and r.json()["numberReturned"] > 2000


ROW = r'<tr><td class="head"><a href="items/(\d+)\?'  # a feature's row in the HTML item table


def test_an_html_page_holds_at_most_a_thousand_rows_and_says_so(reader):
    """A browser's f=html&limit=100000 used to decode and render every feature on the event loop."""
    first = reader.get("/collections/households/items?f=html&limit=100000&lang=en")
    assert first.status_code == 200
    ids = re.findall(ROW, first.text)
    assert len(ids) == HTML_MAX == 1000
    assert "at most 1,000 features (you asked for 100,000)" in first.text
    following = html.unescape(re.search(r'rel="next" href="([^"]+)"', first.text).group(1))
    assert "limit=1000" in following and "cursor=" in following
    second = reader.get(following)
    more = re.findall(ROW, second.text)
    assert len(more) == 1000 and not set(more) & set(ids)
    small = reader.get("/collections/households/items?f=html&limit=20&lang=en").text
    assert len(re.findall(ROW, small)) == 20 and "you asked for" not in small
