"""/auth/login under attack (issue 11 items 6 and 7): a capped body, throttles per address and per
name, bounded argon2 work, proxy headers believed only from configured proxies; a password change
ends web sessions; `--days 0` is refused."""
from __future__ import annotations

import asyncio
import subprocess
import sys
import threading

import httpx
import pytest
from click.testing import CliRunner
from fastapi import HTTPException

from api.app import create_app
from api.cli import main
from api.routes import auth as auth_routes
from layers.db.engines import connection
from layers.write import accounts
from tests.support import free_port, process_env, send_until_answered, serve, stop_process, wait_until_up

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def login_db(databases, schema_template):
    """Accounts need no map data: a migrated empty database with one user who has a password."""
    url = databases.create(template=schema_template)
    with connection(url) as conn:
        accounts.create_user(conn, "xa.staff", "viewer", [], password=PASSWORD)
    return url


@pytest.fixture
def client(app_client, login_db):
    return app_client(login_db)


def login(client, username="xa.staff", password=PASSWORD, **kw):
    return client.post("/auth/login", json={"username": username, "password": password}, **kw)


# --- the body cap -------------------------------------------------------------------------------
def test_a_declared_big_body_is_413_at_once(client):
    r = client.post("/auth/login", content=b"x" * 5000, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and "4,096 bytes" in r.json()["description"]
    r = client.post("/auth/login", data={"username": "xa.staff", "password": PASSWORD, "pad": "y" * 5000})
    assert r.status_code == 413


def test_small_forms_still_log_in(client):
    assert client.post("/auth/login", data={"username": "xa.staff", "password": PASSWORD}).status_code == 200
    r = client.post("/auth/login", files={"username": (None, "xa.staff"), "password": (None, PASSWORD)})
    assert r.status_code == 200, r.text


def test_a_streamed_body_is_cut_after_a_few_kilobytes(settings, login_db):
    """200 MB announced chunk by chunk: the 413 comes while the client has sent a sliver of it."""
    chunk = b"x" * 65536
    framed = (b"%x\r\n" % len(chunk)) + chunk + b"\r\n"
    with serve(create_app(settings, url=login_db)) as url:
        head = (f"POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                "Transfer-Encoding: chunked\r\n\r\n")
        answer, sent = send_until_answered(url, head, (framed for _ in range(200 * 16)), limit_bytes=64 * 2**20)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert sent < 32 * 2**20, sent  # socket buffers take a few MB; 200 MB never went out
        head = ("POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                "Content-Length: 200000000\r\n\r\n")
        # The server answers without waiting for the 200 MB (waiting, recv would time out).
        answer, _ = send_until_answered(url, head, iter([b'{"username": "x"']), limit_bytes=100)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


# --- throttles ------------------------------------------------------------------------------------
def test_many_names_from_one_client_are_throttled(client):
    allowed = auth_routes.FAILURES_ALLOWED["address"]
    for i in range(allowed):
        r = login(client, username=f"nobody{i}")
        assert r.status_code == 401, (i, r.text)
    r = login(client, username="yet.another.name")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert login(client).status_code == 429  # even the right password, from this address


def test_one_name_from_many_addresses_is_throttled(app_client, login_db):
    """Behind a configured proxy each guess comes from another address; the name's count holds."""
    c = app_client(login_db, trusted_proxies=["testclient"])
    for i in range(auth_routes.FAILURES_ALLOWED["name"]):
        r = login(c, password="wrong password!", headers={"X-Forwarded-For": f"198.51.100.{i}"})
        assert r.status_code == 401, (i, r.text)
    r = login(c, headers={"X-Forwarded-For": "203.0.113.9"})
    assert r.status_code == 429


def test_forwarded_for_is_honoured_only_from_a_configured_proxy(app_client, login_db):
    def failures_until_429(c) -> int:
        for n in range(1, 12):
            r = login(c, password="wrong password!", headers={"X-Forwarded-For": f"192.0.2.{n}"})
            if r.status_code == 429:
                return n
            assert r.status_code == 401
        return 0

    assert failures_until_429(app_client(login_db)) == auth_routes.FAILURES_ALLOWED["pair"] + 1  # no proxy trusted
    trusting = app_client(login_db, trusted_proxies=["testclient"])  # each guess from its own address
    assert failures_until_429(trusting) == 0


def test_ntm_map_serve_ignores_forwarded_for_from_localhost(login_db, tmp_path):
    """The real `ntm-map serve` (uvicorn would trust X-Forwarded-For from 127.0.0.1 by default)."""
    port = free_port()
    env = process_env(DATABASE_URL=login_db, NTM_PORT=str(port), NTM_HOME=str(tmp_path),
                      NTM_GROWING_EXPIRY_INTERVAL_S="0")
    proc = subprocess.Popen([sys.executable, "-m", "api.cli", "serve"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base, proc, ok=lambda status: status < 500)
        codes = [httpx.post(f"{base}/auth/login", json={"username": "xa.staff", "password": "wrong password!"},
                            headers={"X-Forwarded-For": f"192.0.2.{i}"}, timeout=10).status_code for i in range(7)]
        assert codes == [401] * 5 + [429] * 2, codes
    finally:
        stop_process(proc)


# --- bounded verification -------------------------------------------------------------------------
def test_verifications_run_in_threads_at_most_n_at_once(monkeypatch):
    running, most = 0, 0
    lock = threading.Lock()
    real = accounts.verify_password

    def counted(found, password):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            assert threading.current_thread() is not threading.main_thread()
            return real(found, password)  # unknown user: argon2 against the dummy hash
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(accounts, "verify_password", counted)

    async def storm():
        slots = auth_routes.LoginSlots(2, max_waiting=6)
        results = await asyncio.gather(*(slots.verify(None, f"guess {i}", lambda: None) for i in range(12)),
                                       return_exceptions=True)
        return slots, results

    slots, results = asyncio.run(storm())
    refused = [r for r in results if isinstance(r, HTTPException)]
    assert most == 2 and sum(r is None for r in results) == 8
    assert len(refused) == 4 and {r.status_code for r in refused} == {503}
    assert slots.waiting == 0 and slots.free._value == 2


def test_a_client_that_hangs_up_keeps_its_slot_until_the_hash_is_done(monkeypatch):
    started, finish = threading.Event(), threading.Event()

    def slow(found, password):
        started.set()
        finish.wait(10)
        return None

    monkeypatch.setattr(accounts, "verify_password", slow)

    async def scenario():
        slots = auth_routes.LoginSlots(1)
        task = asyncio.ensure_future(slots.verify(None, "x", lambda: None))
        while not started.is_set():
            await asyncio.sleep(0.01)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)  # the caller is gone
        assert task.cancelled()
        held_while_hashing = slots.free.locked()
        finish.set()
        while slots.free.locked():
            await asyncio.sleep(0.01)
        return held_while_hashing

    assert asyncio.run(scenario()) is True


# --- item 7: password change, token days ----------------------------------------------------------
def test_a_password_change_ends_web_sessions_but_keeps_tokens(app_client, demo_db):
    with connection(demo_db) as conn:
        accounts.create_user(conn, "lan", "commune_staff", ["16708"], password=PASSWORD)
        token = accounts.issue_token(conn, "lan")
    bearer = {"Authorization": f"Bearer {token}"}
    c = app_client(demo_db)
    assert login(c, username="lan").status_code == 200
    assert c.get("/auth/me").json()["method"] == "session"
    out = CliRunner().invoke(main, ["users", "password", "lan"], input="a new long password\n" * 2,
                             env={"DATABASE_URL": demo_db})
    assert out.exit_code == 0 and "1 web session ended" in out.output, out.output
    assert c.get("/auth/me").status_code == 401  # the browser's session is over
    me = c.get("/auth/me", headers=bearer)  # the stale cookie is still sent: the token wins
    assert me.status_code == 200 and me.json()["method"] == "token"
    assert login(c, username="lan").status_code == 401
    assert login(c, username="lan", password="a new long password").status_code == 200


@pytest.mark.parametrize("days", ["0", "-3", "100000"])
def test_token_days_out_of_range_are_refused(demo_db, days):
    run = CliRunner()
    out = run.invoke(main, ["users", "add", "tam", "--role", "viewer", "--days", days], env={"DATABASE_URL": demo_db})
    assert out.exit_code == 1 and "at least one day" in out.output and "ntm_" not in out.output, out.output
    with connection(demo_db) as conn:  # refused before anything was created
        assert conn.exec_driver_sql("SELECT count(*) FROM private.users WHERE name = 'tam'").fetchone()[0] == 0
        accounts.create_user(conn, "tam", "viewer", [])
    out = run.invoke(main, ["users", "token", "tam", "--days", days], env={"DATABASE_URL": demo_db})
    assert out.exit_code == 1 and "at least one day" in out.output and "ntm_" not in out.output, out.output
    out = run.invoke(main, ["users", "token", "tam", "--days", "1"], env={"DATABASE_URL": demo_db})
    assert out.exit_code == 0 and "valid 1 days" in out.output
