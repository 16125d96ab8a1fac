"""What a run makes before it times anything: tools found, TiPg's venv, the database, the ceiling's SQL."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from bench import cases as C
from bench.common import BENCH, NTM_MAP, TIPG_VENV, BenchError, log
from layers.db.settings import Settings


def need_tools(args) -> dict:
    wrk = shutil.which("wrk")
    if not wrk:
        raise BenchError("wrk is not installed: `sudo apt-get install wrk` (Debian/Ubuntu), then run again")
    pgbench = args.pgbench or shutil.which("pgbench")
    if not pgbench:
        try:
            from layers.db.cluster import find_binaries
            from layers.db.settings import Settings

            cand = find_binaries(Settings()).bindir / "pgbench"
            pgbench = str(cand) if cand.exists() else None
        except Exception:
            pgbench = None
    if not pgbench:
        raise BenchError("pgbench not found: it ships with the PostgreSQL server package "
                         "(postgresql-15 on Debian); or pass --pgbench PATH")
    if not NTM_MAP.exists():
        raise BenchError(f"{NTM_MAP} is missing: run `make run` (or `make setup`) first")
    return {"wrk": wrk, "pgbench": pgbench}


def ensure_venv(venv: Path, requirements: Path, peer: str) -> Path:
    """A peer's own venv (its pins differ from ntm-map's), remade when its requirements change."""
    stamp = venv / ".installed"
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest and (venv / "bin" / "uvicorn").exists():
        return venv
    log(f"making {peer}'s own venv in {venv} ({peer}'s pins differ from ntm-map's) ...")
    python = shutil.which("python3") or sys.executable
    subprocess.run([python, "-m", "venv", venv], check=True)
    pip = [venv / "bin" / "python", "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-r", requirements], check=True)
    stamp.write_text(digest)
    return venv


def ensure_tipg_venv() -> Path:
    return ensure_venv(TIPG_VENV, BENCH / "requirements-tipg.txt", "TiPg")


def ensure_database(args) -> str:
    """URL of the benchmark database: made, migrated and loaded when it is not yet."""
    from layers.db.engines import database_url

    server = database_url(Settings())
    bench = make_url(server).set(database=args.db).render_as_string(hide_password=False)
    with psycopg.connect(server, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (args.db,)).fetchone()
        if not exists:
            log(f"creating database {args.db}")
            conn.execute(f'CREATE DATABASE "{args.db}"')
    env = {**os.environ, "DATABASE_URL": bench}
    subprocess.run([NTM_MAP, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
    with psycopg.connect(bench) as conn:
        empty = conn.execute("SELECT NOT EXISTS (SELECT 1 FROM admin_units)").fetchone()[0]
    if empty:
        log(f"loading the demo province with {args.households:,} households into {args.db} (about a minute)")
        subprocess.run([NTM_MAP, "load", "demo", "--households", str(args.households), "--if-empty"],
                       env=env, check=True)
    return bench



def ceiling_statements(args, url: str, logdir: Path, meta: dict) -> dict:
    """case -> (pgbench script, plain SQL list for the check, source) or (None, None, why not)."""
    from bench.ceiling import Unavailable, items_ceiling, pgbench_script, tiles_ceiling

    out: dict = {}
    for case in args.cases:
        try:
            if case == "tiles-uncached":
                ceiling = tiles_ceiling(Settings(database_url=url), C.read_tiles())
            elif case == "items":
                ceiling = items_ceiling("households", C.read_bboxes(), args.items_limit)
            else:
                continue  # a cache has no database ceiling
            script = pgbench_script(ceiling.requests)
            (logdir / f"ceiling-{case}-first.sql").write_text(ceiling.plain[0] + "\n")
            out[case] = (script, ceiling.plain, ceiling.source)
            meta.setdefault("ceiling_sql_from", {})[case] = ceiling.source
        except Unavailable as exc:
            out[case] = (None, None, str(exc))
        except Exception as exc:  # code under construction: say what went wrong, measure the rest
            out[case] = (None, None, f"{type(exc).__name__}: {exc}")
        if out[case][0] is None:
            log(f"{case}: ceiling not measured: {out[case][2]}")
    return out
