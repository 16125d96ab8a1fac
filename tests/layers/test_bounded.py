"""The bounded runner (layers.workers.bounded): a task that crashes, overruns or eats memory costs its
worker, not the caller's process; ordinary answers and exceptions come back as they are."""
from __future__ import annotations

import asyncio
import threading

import pytest

from layers.workers.bounded import Busy, Runner, Unbounded
from tests.layers import bounded_tasks as tasks


async def until(check) -> None:
    """Waits for an event another process or thread causes (not for a guessed time)."""
    while not check():
        await asyncio.sleep(0.005)


@pytest.fixture
def runner():
    r = Runner(workers=1, memory_mb=256)
    yield r
    r.shutdown()


def test_answers_and_exceptions_come_back(runner):
    first = runner.call(tasks.pid, timeout=60)
    assert first != threading.get_native_id() and runner.call(tasks.pid, timeout=5) == first  # the worker is kept
    with pytest.raises(ValueError, match="as raised"):
        runner.call(tasks.fail, "as raised", timeout=5)
    assert asyncio.run(runner.run(tasks.pid, timeout=5)) == first
    assert runner.replaced == 0


@pytest.mark.parametrize("task,args,why", [
    (tasks.crash, (), "worker process died"),
    (tasks.sleep, (30,), "took more than 1 s"),
    (tasks.allocate, (1024,), "reached its memory cap of 256 MB"),
])
def test_a_crash_an_overrun_or_a_blow_up_costs_the_worker(runner, task, args, why):
    runner.call(tasks.pid, timeout=60)  # started, so the deadline below is the task's alone
    with pytest.raises(Unbounded, match=why):
        asyncio.run(runner.run(task, *args, timeout=1))
    with pytest.raises(Unbounded, match=why):
        runner.call(task, *args, timeout=1)
    assert runner.replaced == (2 if "memory" not in why else 0)  # an OOM answer keeps its worker
    assert runner.call(tasks.allocate, 100, timeout=60) == 100 << 20  # and the next task is served


def test_memory_growing_in_c_to_the_cap_is_named_not_a_death(runner):
    """C code that meets a failed allocation dies without a word (a signal, exit 127...): the
    watcher ends the task at the cap first and says so; the worker is replaced."""
    runner.call(tasks.pid, timeout=60)
    for attempt in (lambda: runner.call(tasks.grow_in_c, 4, 0.005, timeout=30),
                    lambda: asyncio.run(runner.run(tasks.grow_in_c, 4, 0.005, timeout=30))):
        with pytest.raises(Unbounded, match="reached its memory cap of 256 MB") as caught:
            attempt()
        assert caught.value.reason == "memory"
    assert runner.replaced == 2
    assert runner.call(tasks.allocate, 100, timeout=60) == 100 << 20


def test_a_crash_is_still_a_death_not_the_memory_cap(runner):
    with pytest.raises(Unbounded, match="worker process died") as caught:
        runner.call(tasks.crash, timeout=30)
    assert caught.value.reason == "died"


def test_all_workers_busy_is_busy_not_a_wait_without_end(runner, tmp_path):
    runner.call(tasks.pid, timeout=60)
    started, gate = tmp_path / "started", tmp_path / "gate"

    async def both():
        slow = asyncio.create_task(runner.run(tasks.hold, str(started), str(gate), timeout=60))
        await until(started.exists)  # the one worker is busy
        with pytest.raises(Busy):
            await runner.run(tasks.pid, timeout=0.5)
        gate.touch()
        return await slow

    assert asyncio.run(both()) == "released"


def test_a_cancelled_caller_does_not_leave_its_answer_to_the_next(runner, tmp_path):
    runner.call(tasks.pid, timeout=60)
    started, gate = tmp_path / "started", tmp_path / "gate"

    async def cancel_then_ask():
        slow = asyncio.create_task(runner.run(tasks.hold, str(started), str(gate), timeout=60))
        await until(started.exists)  # running in the worker
        slow.cancel()
        with pytest.raises(asyncio.CancelledError):
            await slow
        gate.touch()  # its answer comes now, to whoever reads that worker
        return await runner.run(tasks.allocate, 1, timeout=60)

    assert asyncio.run(cancel_then_ask()) == 1 << 20  # not the held task's "released"
    assert runner.replaced == 1


def test_a_caller_cancelled_while_its_worker_starts_keeps_the_worker(runner):
    async def cancel_during_start():
        first = asyncio.create_task(runner.run(tasks.pid, timeout=60))
        await until(lambda: runner._count == 1)  # a worker is being started for it (imports take ~1 s)
        first.cancel()
        with pytest.raises(asyncio.CancelledError):
            await first
        return await runner.run(tasks.pid, timeout=60)

    asyncio.run(cancel_during_start())
    assert runner.replaced == 0 and runner._count == 1


def test_long_messages_go_whole_both_ways_under_uvicorns_loop(runner):
    """uvloop (what `ntm-map serve` runs on) leaves a watched socket non-blocking: a photo sent to a
    worker, or a PDF read back, of more than a socket buffer once failed as "worker died"."""
    import uvloop

    data = bytes(range(256)) * (32 << 10)  # 8 MiB, far more than a socket buffer

    async def twice():
        return [await runner.run(tasks.echo, data, timeout=60) for _ in range(3)]

    answers = uvloop.run(twice())
    assert all(a == data[::-1] for a in answers)
    assert runner.call(tasks.echo, data, timeout=60) == data[::-1]  # a thread after the loop, same worker
    assert runner.replaced == 0 and runner._count == 1
