"""Tasks for tests/layers/test_bounded.py: importable, so a worker process can run them."""
from __future__ import annotations

import ctypes
import os
import time
from pathlib import Path


def pid() -> int:
    return os.getpid()


def crash() -> None:
    ctypes.string_at(0)  # SIGSEGV, as a parser overflowing its stack


def sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def hold(started: str, gate: str) -> str:
    """Says it runs (creates `started`), then waits until the test creates `gate`."""
    Path(started).touch()
    deadline = time.monotonic() + 120
    while not Path(gate).exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    return "released"


def allocate(mb: int) -> int:
    return len(bytearray(mb << 20))


def fail(message: str) -> None:
    raise ValueError(message)
