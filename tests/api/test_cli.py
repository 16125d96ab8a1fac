"""The `ntm-map` command against a real database (DATABASE_URL pointing at a test database)."""
from __future__ import annotations

import json

import psycopg
from click.testing import CliRunner

from api.cli import main
from layers.db import migrate
from tests.support import free_port, process_env, scalar, stop_process


def run(args, url):
    return CliRunner().invoke(main, args, env={"DATABASE_URL": url})


def test_db_status_prints_the_url(demo_db):
    r = run(["db", "status"], demo_db)
    assert r.exit_code == 0 and "status: reachable" in r.output and f"url: {demo_db}" in r.output


def test_migrate_and_load_demo_on_an_empty_database(empty_db):
    r = run(["migrate"], empty_db)
    assert r.exit_code == 0 and f"revision {migrate.head()}" in r.output
    r = run(["load", "demo", "--households", "500", "--seed", "2"], empty_db)
    assert r.exit_code == 0, r.output
    assert "500 households" in r.output
    r = run(["load", "demo", "--if-empty"], empty_db)
    assert r.exit_code == 0 and "already holds data" in r.output
    with psycopg.connect(empty_db) as conn:
        assert scalar(conn, "SELECT count(*) FROM households") == 500


def test_load_demo_before_migrate_says_what_to_do(empty_db):
    r = run(["load", "demo"], empty_db)
    assert r.exit_code == 1 and "ntm-map migrate" in r.output


def test_a_new_criteria_period_is_added_as_data(demo_db, tmp_path):
    path = tmp_path / "2026.json"
    path.write_text(json.dumps({
        "code": "2026-2030", "name_vi": "Bộ tiêu chí xã nông thôn mới 2026-2030", "period_start": 2026,
        "period_end": 2030, "legal_basis": "Quyết định 51/2025/QĐ-TTg",
        "criteria": [{"number": n, "name_vi": f"Tiêu chí {n}"} for n in range(1, 11)],
    }), encoding="utf-8")
    r = run(["load", "criteria", str(path)], demo_db)
    assert r.exit_code == 0 and "10 criteria" in r.output
    with psycopg.connect(demo_db) as conn:
        assert scalar(conn, "SELECT count(*) FROM ntm_criteria c JOIN ntm_criteria_sets s ON s.id = c.set_id WHERE s.code = '2026-2030'") == 10
    again = run(["load", "criteria", str(path)], demo_db)
    assert again.exit_code == 1 and "already loaded" in again.output


def test_a_broken_criteria_file_is_refused(demo_db, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"code": "x", "criteria": []}')
    r = run(["load", "criteria", str(path)], demo_db)
    assert r.exit_code == 1 and "missing" in r.output


def test_unreachable_database_is_a_clear_error():
    r = run(["migrate"], "postgresql://nobody:x@127.0.0.1:1/none")
    assert r.exit_code == 1 and "cannot connect to DATABASE_URL" in r.output


def test_serve_on_a_taken_port_says_so(demo_db):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = run(["serve", "--port", str(port)], demo_db)
    assert r.exit_code == 1 and "already in use" in r.output and "NTM_PORT" in r.output


def test_serve_with_two_workers_answers_from_both(demo_db, tmp_path):
    """The multi-process path builds its apps from the environment; both must serve."""
    import subprocess
    import sys
    import time
    import urllib.request

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers", "2"],
                            env=process_env(DATABASE_URL=demo_db, NTM_HOME=str(tmp_path)),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        pids, deadline = set(), time.monotonic() + 60
        while time.monotonic() < deadline and len(pids) < 2:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    body = json.load(r)
                    assert body["status"] == "ok"
                    pids.add(body["worker"])
            except OSError:
                time.sleep(0.2)
        assert len(pids) == 2, f"answers came from {pids}"
    finally:
        out = stop_process(proc)
    assert "2 workers" in out
