"""Run a risky computation in a worker process, bounded in time and memory.

Some work cannot be stopped from inside the thread that runs it: a parser overflowing its C
stack takes the whole process down, and `make_valid` of a self-crossing star spends minutes and
gigabytes in GEOS. On the event loop either stalls or kills every request. Here such work runs
in a few worker processes (layers/workers/bounded_worker.py): each task has a deadline, each worker an
address-space limit (RLIMIT_AS) kept by a watcher that says when the cap ends a task, and a worker
that overruns, dies or reaches its memory cap is killed and replaced while the caller gets
`Unbounded` saying which. `concurrent.futures.ProcessPoolExecutor`
cannot kill the one process running a late task (only break the whole pool), hence this pool.

Workers are plain `python -m` processes that import only the task modules: multiprocessing's
spawn and forkserver children re-run the parent's `__main__` (for `ntm-map serve`, the whole
app) and fork is unsafe in a threaded server. They start on first use and are kept. Async
callers wait on the worker's socket with the loop's reader (no thread held); threads (an
upload runs in the threadpool) block on it.
"""
from __future__ import annotations

import asyncio
import atexit
import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Callable

# What the tasks need, imported before "ready".
PRELOAD = ("layers.read.cql.parsing", "layers.write.growing.shapes")
START_TIMEOUT_S = 120.0  # a worker's imports, on a loaded machine


class Unbounded(Exception):
    """The task overran its time or memory, or its worker died (a crash). `reason` is "time",
    "memory" (the worker's cap, reached: see bounded_worker.MemoryWatch) or "died"."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


class Busy(Exception):
    """No worker became free in time: every one is busy with someone else's task."""


@dataclass(eq=False)
class _Worker:
    proc: subprocess.Popen
    conn: Connection

    def kill(self) -> None:
        try:
            self.proc.kill()
        except OSError:
            pass
        self.conn.close()
        threading.Thread(target=self.proc.wait, daemon=True).start()  # reap it without waiting here


_SPAWN = object()  # _take's answer when the caller may start a new worker


def _blocking(w: _Worker) -> None:
    """The socket back to blocking mode before a whole message is sent or read. uvloop (uvicorn's
    loop) sets a watched descriptor non-blocking for good (libuv's poll handle), and the flag is
    the socket's, not the loop's: a photo sent or a PDF read in several chunks would then stop at
    the first full buffer with EAGAIN, which looked like a dead worker."""
    try:
        os.set_blocking(w.conn.fileno(), True)
    except OSError:
        pass  # closed: the send or receive that follows says so


class Runner:
    """At most `workers` processes; a task waits at most `timeout` for a free worker, then has
    `timeout` seconds to finish."""

    def __init__(self, workers: int = 2, memory_mb: int = 512, preload: tuple[str, ...] = PRELOAD):
        self.workers, self.memory_mb, self.preload = max(1, workers), memory_mb, preload
        self._idle: list[_Worker] = []
        self._count = 0
        self._free = threading.Condition()
        # Workers are started from this one long-lived thread: they die with it (PR_SET_PDEATHSIG).
        self._launcher = ThreadPoolExecutor(1, thread_name_prefix="ntm-bounded-launcher")
        self.replaced = 0  # workers killed after a timeout, a crash, no memory or a cancelled caller

    # --- the pool ---
    def _spawn(self) -> _Worker:
        ours, theirs = socket.socketpair()
        with ours, theirs:
            proc = subprocess.Popen(
                [sys.executable, "-m", "layers.workers.bounded_worker", str(os.getpid()),
                 str(theirs.fileno()), str(self.memory_mb), *self.preload],
                pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
            conn = Connection(os.dup(ours.fileno()))
        worker = _Worker(proc, conn)
        try:
            conn.send(list(sys.path))
            if not conn.poll(START_TIMEOUT_S) or conn.recv() != "ready":
                raise OSError("the worker did not start")
        except (OSError, EOFError):
            worker.kill()
            raise
        return worker

    def _start(self) -> _Worker:
        return self._launcher.submit(self._spawn).result()

    def _take(self):
        """An idle live worker, _SPAWN (a slot is reserved for a new one), or None (all busy)."""
        with self._free:
            while self._idle:
                w = self._idle.pop()
                if w.proc.poll() is None:
                    return w
                w.kill()
                self._count -= 1
            if self._count < self.workers:
                self._count += 1
                return _SPAWN
            return None

    def _release(self, w: _Worker | None, ok: bool) -> None:
        with self._free:
            if ok and w is not None:
                self._idle.append(w)
            else:
                if w is not None:
                    w.kill()
                    self.replaced += 1
                self._count -= 1
            self._free.notify()

    def shutdown(self) -> None:
        """Stop the idle workers and the launcher (which takes any busy one with it); final."""
        with self._free:
            idle, self._idle = self._idle, []
            self._count -= len(idle)
        for w in idle:
            try:
                w.conn.send(None)
            except OSError:
                pass
            w.kill()
        self._launcher.shutdown(wait=False)

    # --- threads ---
    def call(self, fn: Callable, *args, timeout: float) -> Any:
        """fn(*args) in a worker, blocking the calling thread (never call it on the event loop)."""
        deadline = time.monotonic() + timeout
        while (got := self._take()) is None:
            with self._free:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Busy(f"no worker was free within {timeout:g} s")
                self._free.wait(min(left, 0.05))
        w, ok = None, False
        try:
            w = self._start() if got is _SPAWN else got
            _blocking(w)
            w.conn.send((fn, args))
            if not w.conn.poll(timeout):
                raise Unbounded(f"it took more than {timeout:g} s", "time")
            kind, value = w.conn.recv()
            ok = kind != "capped"  # a capped worker is ending itself
        except (EOFError, OSError):
            raise Unbounded("its worker process died", "died") from None
        finally:
            self._release(w, ok)
        return _unpack(kind, value, self.memory_mb)

    # --- the event loop ---
    async def run(self, fn: Callable, *args, timeout: float) -> Any:
        """fn(*args) in a worker; the loop serves others meanwhile. A cancelled caller's worker
        is killed (its late answer would be read by the next task)."""
        loop = asyncio.get_running_loop()
        w, ok = await self._acquire(timeout), False
        try:
            _blocking(w)
            w.conn.send((fn, args))
            ready = loop.create_future()
            fd = w.conn.fileno()
            loop.add_reader(fd, lambda: ready.done() or ready.set_result(None))
            try:
                await asyncio.wait_for(ready, timeout)
            except asyncio.TimeoutError:
                raise Unbounded(f"it took more than {timeout:g} s", "time") from None
            finally:
                loop.remove_reader(fd)
            _blocking(w)  # uvloop's reader made it non-blocking: a long answer would read half
            kind, value = w.conn.recv()  # ready (or EOF): the worker writes the answer at once
            ok = kind != "capped"  # a capped worker is ending itself
        except (EOFError, OSError):
            raise Unbounded("its worker process died", "died") from None
        finally:
            self._release(w, ok)
        return _unpack(kind, value, self.memory_mb)

    async def _acquire(self, wait: float) -> _Worker:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        delay = 0.002
        while True:
            got = self._take()
            if got is _SPAWN:
                started = asyncio.wrap_future(self._launcher.submit(self._spawn))
                try:
                    return await asyncio.shield(started)
                except asyncio.CancelledError:  # keep the worker once it is up
                    started.add_done_callback(
                        lambda f: self._release(None if f.cancelled() or f.exception() else f.result(),
                                                not f.cancelled() and f.exception() is None))
                    raise
                except BaseException:
                    self._release(None, False)
                    raise
            if got is not None:
                return got
            if loop.time() >= deadline:
                raise Busy(f"no worker was free within {wait:g} s")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.05)


def _unpack(kind: str, value: Any, memory_mb: int) -> Any:
    if kind == "ok":
        return value
    if kind in ("memory", "capped"):  # an allocation refused at the limit, or the watcher's cap
        raise Unbounded(f"it reached its memory cap of {memory_mb:,} MB", "memory")
    raise value


_RUNNERS: dict[tuple, Runner] = {}
_LOCK = threading.Lock()


def runner(workers: int, memory_mb: int, preload: tuple[str, ...] = PRELOAD) -> Runner:
    """The process's runner of this size and preload (one per configuration, made on first use;
    keyed (workers, memory_mb) for the default preload). What `preload` imports is outside the
    memory cap; what a task imports later is inside it."""
    preload = tuple(preload)
    key = (workers, memory_mb) if preload == PRELOAD else (workers, memory_mb, preload)
    with _LOCK:
        if key not in _RUNNERS:
            _RUNNERS[key] = Runner(workers, memory_mb, preload)
        return _RUNNERS[key]


def runner_for(settings) -> Runner:
    return runner(settings.bounded_workers, settings.bounded_memory_mb)


@atexit.register
def _shutdown_all() -> None:
    for runner in list(_RUNNERS.values()):
        runner.shutdown()
