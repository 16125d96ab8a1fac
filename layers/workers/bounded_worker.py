"""A worker process of layers.workers.bounded:
`python -m layers.workers.bounded_worker PARENT FD MEMORY_MB MODULE…`.

It imports the task modules, limits its own address space to what it holds then plus
MEMORY_MB, says it is ready, and runs (function, args) messages from the socket FD until the
parent says stop or goes away. Nothing else: it must start fast and die cleanly.

The memory cap is kept by a watcher thread, not only by RLIMIT_AS: code in C that meets a
failed allocation (GEOS, glibc's "cannot allocate memory for thread-local data") aborts or exits
with a status that says nothing of memory, and the parent could only say the worker died. So the
address-space limit sits HEADROOM_MB above the cap, and while a task runs the watcher reads the
process's size every few milliseconds; at the cap it tells the parent ("capped", MEMORY_MB) and
ends the process with MEMORY_EXIT before any allocation fails. A spike faster than the watcher
still meets the limit: a MemoryError (answered as "memory") or, in C, a death.
"""
from __future__ import annotations

import importlib
import os
import signal
import sys
import threading
import time
from multiprocessing.connection import Connection

MEMORY_EXIT = 86  # the exit status of a worker ended at its memory cap
HEADROOM_MB = 48  # address space above the cap: the watcher acts before allocations fail
WATCH_EVERY_S = 0.004


def _die_with_parent() -> None:
    """Linux: SIGKILL when the thread that started us ends (the runner's launcher thread, which
    lives as long as the server process), so no repair outlives the server."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def mapped_bytes(fd: int) -> int:
    """The process's address space (the size RLIMIT_AS limits), from an open /proc/self/statm."""
    os.lseek(fd, 0, os.SEEK_SET)
    return int(os.read(fd, 128).split()[0]) * os.sysconf("SC_PAGE_SIZE")


def limit_memory(budget_mb: int) -> int | None:
    """Address space = what is mapped now + the budget (the cap, returned) + HEADROOM_MB (the
    limit); no core files from a crash. None when there is no cap (budget 0, not Linux)."""
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if budget_mb <= 0:
        return None
    try:
        fd = os.open("/proc/self/statm", os.O_RDONLY)
    except OSError:  # not Linux: no baseline to add the budget to
        return None
    try:
        cap = mapped_bytes(fd) + (budget_mb << 20)
    finally:
        os.close(fd)
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = cap + (HEADROOM_MB << 20)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
        cap = min(cap, limit)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    return cap


class MemoryWatch:
    """While a task runs (`busy`), ends the process at `cap` bytes after telling the parent why.
    `lock` orders its message with the task's answer: whichever is sent first is the only one."""

    def __init__(self, conn: Connection, cap: int, budget_mb: int):
        self.conn, self.cap, self.budget_mb = conn, cap, budget_mb
        self.busy, self.lock = threading.Event(), threading.Lock()
        self.fd = os.open("/proc/self/statm", os.O_RDONLY)
        before = threading.stack_size(256 << 10)  # counted in the budget: keep it small
        try:
            threading.Thread(target=self._watch, name="memory-cap", daemon=True).start()
        finally:
            threading.stack_size(before)

    def _watch(self) -> None:
        while True:
            self.busy.wait()
            if mapped_bytes(self.fd) >= self.cap:
                with self.lock:
                    if self.busy.is_set():  # the task has not answered: it is the one capped
                        try:
                            self.conn.send(("capped", self.budget_mb))
                        finally:
                            os._exit(MEMORY_EXIT)
            time.sleep(WATCH_EVERY_S)


def out_of_memory(exc: BaseException) -> bool:
    return isinstance(exc, MemoryError) or "bad_alloc" in str(exc)  # GEOS reports C++'s std::bad_alloc


_NO_LOCK = threading.Lock()


def serve(conn: Connection, budget_mb: int, modules: list[str]) -> None:
    sys.path[:] = conn.recv()  # the parent's, so its task functions import the same way
    for name in modules:
        importlib.import_module(name)
    cap = limit_memory(budget_mb)
    watch = MemoryWatch(conn, cap, budget_mb) if cap is not None else None
    conn.send("ready")
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        fn, args = msg
        if watch is not None:
            watch.busy.set()
        try:
            out = ("ok", fn(*args))
        except BaseException as exc:  # noqa: BLE001 - everything goes back to the caller
            out = ("memory", None) if out_of_memory(exc) else ("raised", exc)
        with watch.lock if watch is not None else _NO_LOCK:
            if watch is not None:
                watch.busy.clear()
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
