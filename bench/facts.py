"""What a result was measured on (data, machine, commit, TiPg version), recorded with every result."""
from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path

import psycopg

from bench.common import ROOT, TIPG_VENV


def data_facts(url: str) -> dict:
    with psycopg.connect(url) as conn:
        facts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("households", "villages", "communes", "growing_areas")}
        facts["postgres"] = conn.execute("SHOW server_version").fetchone()[0]
        facts["postgis"] = conn.execute("SELECT postgis_lib_version()").fetchone()[0]
        for s in ("shared_buffers", "work_mem", "max_connections", "jit"):
            facts[s] = conn.execute(f"SHOW {s}").fetchone()[0]
    return facts


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        mem_kb = 0
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory_gib": round(mem_kb / 2**20, 1),
            "kernel": platform.release(), "python": platform.python_version(),
            "commit": commit + ("+changes" if dirty else "")}


def tipg_version() -> str:
    out = subprocess.run([TIPG_VENV / "bin" / "python", "-c", "import tipg; print(tipg.__version__)"],
                         capture_output=True, text=True)
    return out.stdout.strip()
