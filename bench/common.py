"""Paths, the error type and the log line that every part of the benchmark harness shares."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
TIPG_VENV = BENCH / ".venv-tipg"
NTM_MAP = ROOT / ".venv" / "bin" / "ntm-map"


class BenchError(RuntimeError):
    pass


def log(msg: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {msg}", flush=True)
