"""A worker process of layers.workers.bounded:
`python -m layers.workers.bounded_worker PARENT FD MEMORY_MB MODULE…`.

It imports the task modules, limits its own address space to what it holds then plus
MEMORY_MB, says it is ready, and runs (function, args) messages from the socket FD until the
parent says stop or goes away. Nothing else: it must start fast and die cleanly.
"""
from __future__ import annotations

import importlib
import os
import signal
import sys
from multiprocessing.connection import Connection


def _die_with_parent() -> None:
    """Linux: SIGKILL when the thread that started us ends (the runner's launcher thread, which
    lives as long as the server process), so no repair outlives the server."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def limit_memory(budget_mb: int) -> None:
    """Address space = what is mapped now + the budget; no core files from a crash."""
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if budget_mb <= 0:
        return
    try:
        with open("/proc/self/statm") as f:
            mapped = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # not Linux: no baseline to add the budget to
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = mapped + (budget_mb << 20)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def out_of_memory(exc: BaseException) -> bool:
    return isinstance(exc, MemoryError) or "bad_alloc" in str(exc)  # GEOS reports C++'s std::bad_alloc


def serve(conn: Connection, budget_mb: int, modules: list[str]) -> None:
    sys.path[:] = conn.recv()  # the parent's, so its task functions import the same way
    for name in modules:
        importlib.import_module(name)
    limit_memory(budget_mb)
    conn.send("ready")
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        fn, args = msg
        try:
            out = ("ok", fn(*args))
        except BaseException as exc:  # noqa: BLE001 - everything goes back to the caller
            out = ("memory", None) if out_of_memory(exc) else ("raised", exc)
        try:
            conn.send(out)
        except Exception as exc:  # an unpicklable result or exception, or no memory left to pickle it
            conn.send(("memory", None) if out_of_memory(exc) else ("raised", RuntimeError(repr(exc)[:500])))


if __name__ == "__main__":
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if os.getppid() != int(sys.argv[1]):  # the parent died before prctl
        sys.exit(0)
    serve(Connection(int(sys.argv[2])), int(sys.argv[3]), sys.argv[4:])
