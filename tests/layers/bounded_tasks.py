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


def grow_in_c(step_mb: int, pause_s: float) -> None:
    """Allocates as C code does (malloc, no MemoryError), step by step like GEOS repairing a star,
    and dies as such code dies when an allocation fails (here SIGSEGV: a NULL pointer used)."""
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    while True:
        block = libc.malloc(step_mb << 20)
        if not block:
            ctypes.string_at(0)
        time.sleep(pause_s)


def echo(data: bytes) -> bytes:
    return data[::-1]
