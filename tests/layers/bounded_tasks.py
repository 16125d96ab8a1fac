"""Tasks for tests/layers/test_bounded.py: importable, so a worker process can run them."""
from __future__ import annotations

import ctypes
import os
import time


def pid() -> int:
    return os.getpid()


def crash() -> None:
    ctypes.string_at(0)  # SIGSEGV, as a parser overflowing its stack


def sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def allocate(mb: int) -> int:
    return len(bytearray(mb << 20))


def fail(message: str) -> None:
    raise ValueError(message)
