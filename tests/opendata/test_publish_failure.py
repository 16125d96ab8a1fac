"""A publish that fails says what failed and what is still served, and `make run` serves anyway
(issue 11 item 5: one bad row stopped `make run` at its publish step, so nothing was served)."""
from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from api.cli import main
from api.cli.publish import PUBLISH_FAILED
from layers.jobs.opendata import store
from layers.jobs.opendata.datasets import all_datasets
from layers.jobs.opendata.release import publish

ROOT = Path(__file__).resolve().parents[2]


def test_a_failed_publish_exits_apart_names_the_failure_and_keeps_the_last_release(demo_db, settings, tmp_path,
                                                                                  monkeypatch):
    s = settings.model_copy(update={"opendata_dir": tmp_path / "opendata"})
    growing = tuple(d for d in all_datasets() if d.id == "growing_areas")
    assert publish(s, demo_db, datasets=growing).version == "1.0.0"
    with psycopg.connect(demo_db) as conn:  # the first dataset's relation is gone: its query fails
        conn.execute("ALTER VIEW provinces RENAME TO provinces_gone")
    monkeypatch.setenv("DATABASE_URL", demo_db)
    monkeypatch.setenv("NTM_OPENDATA_DIR", str(s.opendata_dir))
    out = CliRunner().invoke(main, ["publish", "--if-changed", "--no-pmtiles"])
    assert out.exit_code == PUBLISH_FAILED != 1, out.output
    assert f"publishing open data failed (0 of {len(all_datasets())} datasets exported, next provinces)" in out.output, \
        out.output
    assert "UndefinedTable" in out.output and "provinces" in out.output
    assert "nothing was published; /opendata keeps serving release 1.0.0" in out.output
    assert out.exception is None or isinstance(out.exception, SystemExit)  # no traceback
    assert store.versions(s) == ["1.0.0"]
    assert not [p for p in store.releases_dir(s).iterdir() if p.name.startswith(".tmp")]


def test_without_any_release_the_failure_says_so(demo_db, settings, tmp_path, monkeypatch):
    with psycopg.connect(demo_db) as conn:
        conn.execute("ALTER VIEW provinces RENAME TO provinces_gone")
    monkeypatch.setenv("DATABASE_URL", demo_db)
    monkeypatch.setenv("NTM_OPENDATA_DIR", str(tmp_path / "opendata"))
    out = CliRunner().invoke(main, ["publish", "--no-pmtiles"])
    assert out.exit_code == PUBLISH_FAILED and "/opendata has no release yet" in out.output, out.output


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_serves_after_a_failed_publish(tmp_path):
    """The real Makefile, with a stand-in ntm-map whose publish fails the way the real one does."""
    log = tmp_path / "calls"
    fake = tmp_path / "ntm-map"
    fake.write_text(f"#!/bin/sh\necho \"$*\" >> {log}\n"
                    f"[ \"$1\" = publish ] && {{ echo 'Error: publishing open data failed' >&2; exit {PUBLISH_FAILED}; }}\n"
                    "exit 0\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    # -o: take setup (venv, npm, system packages) and db-up as done; BIN: the stand-in.
    run = subprocess.run(["make", "-s", "-o", "setup", "-o", "db-up", "run", f"BIN={tmp_path}"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60, env={**os.environ, "MAKEFLAGS": ""})
    assert run.returncode == 0, run.stdout + run.stderr
    calls = log.read_text().splitlines()
    assert calls == ["migrate", "load demo --if-empty", "raster demo --if-missing", "publish --if-changed", "serve"], calls
    assert "publishing open data failed" in run.stderr
