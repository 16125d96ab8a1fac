"""Where the CPU went during a timed run (from /proc), and waiting for the machine to be quiet before one."""
from __future__ import annotations

import os
import time
from pathlib import Path

import psycopg

from bench.common import log

NOISY = 0.25  # cores used by other programs during a timed run above which the run is suspect
TICK = os.sysconf("SC_CLK_TCK")


def _proc_ticks() -> dict[tuple[int, int], tuple[str, str, int, int, int]]:
    """(pid, start time) -> (comm, cmdline, parent pid, utime+stime, reaped children's ticks)."""
    out = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1: stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        out[(int(d.name), int(fields[19]))] = (comm, cmd, int(fields[1]), int(fields[11]) + int(fields[12]),
                                               int(fields[13]) + int(fields[14]))
    return out


def _busy_ticks() -> int:
    cpu = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, idle, iowait, irq, softirq, steal = (int(v) for v in cpu[:8])
    return user + nice + system + irq + softirq + steal


class CpuMeter:
    """CPU seconds per role between start() and stop(): the server measured (and its children), the
    PostgreSQL backends of the benchmark database, the load generator (wrk or pgbench), and all the
    rest of the machine as `other` (a busy neighbour shows up there and makes the run suspect).

    /proc is read every 0.2 s, so processes that end before stop() (pgbench's backends, a pool's
    overflow connections) are counted up to their last sample."""

    def __init__(self, server_pid: int | None, db: str, client: str, url: str | None = None):
        self.server_pid, self.db, self.client, self.url = server_pid, db, client, url

    def _db_counters(self) -> tuple[int, int] | None:
        """(sessions opened, transactions) of the benchmark database so far (PostgreSQL 14+)."""
        if not self.url:
            return None
        try:
            with psycopg.connect(self.url, autocommit=True) as conn:
                row = conn.execute("SELECT sessions, xact_commit + xact_rollback FROM pg_stat_database "
                                   "WHERE datname = current_database()").fetchone()
            return int(row[0]), int(row[1])
        except psycopg.Error:
            return None

    def _sample(self) -> None:
        for key, info in _proc_ticks().items():
            if key not in self.first:
                self.first[key] = 0 if self.started else info[3]  # born during the run: all its time
                self.first_children[key] = 0 if self.started else info[4]
            if key in self.last and not info[1]:  # an exiting process loses its command line
                info = (info[0], self.last[key][1], *info[2:])
            self.last[key] = info
            if key[0] == self.server_pid:
                self.server_start = key[1]

    def _loop(self) -> None:
        while not self.stopping.wait(0.2):
            self._sample()

    def start(self):
        import threading

        self.db0 = self._db_counters()
        self.first, self.first_children, self.last, self.started, self.server_start = {}, {}, {}, False, None
        self._sample()
        self.started = True
        self.t0, self.busy0 = time.monotonic(), _busy_ticks()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _role(self, key) -> str:
        comm, cmd = self.last[key][:2]
        if comm == self.client:
            return "load generator"
        if comm == "postgres" or cmd.startswith("postgres"):
            if cmd.startswith("postgres: parallel worker for PID "):  # the leader's database
                leader = int(cmd.split()[-1]) if cmd.split()[-1].isdigit() else 0
                cmd = next((v[1] for k, v in self.last.items() if k[0] == leader), "")
            return "postgres" if f" {self.db} " in f" {cmd} " else "other"
        pid, parents = key[0], {k[0]: v[2] for k, v in self.last.items()}
        for _ in range(8):  # the server or one of its children
            if pid == self.server_pid:
                return "server"
            pid = parents.get(pid, 0)
            if not pid:
                break
        return "other"

    def stop(self, work: int) -> dict:
        self._sample()
        busy1, secs = _busy_ticks(), time.monotonic() - self.t0
        self.stopping.set()
        self.thread.join()
        roles: dict[str, float] = {}
        others: dict[str, float] = {}
        final = _proc_ticks()
        pg_total = 0  # every PostgreSQL process of the cluster, those that ended included
        for key, info in self.last.items():
            is_pg = info[0] == "postgres" or info[1].startswith("postgres")
            if key in final:
                ticks = final[key][3] - self.first.get(key, 0)
                if is_pg and not info[1].startswith("postgres:"):  # the postmaster reaps the others
                    pg_total += final[key][4] - self.first_children.get(key, 0)
            else:  # ended: its time is in the postmaster's children's count (from its start)
                ticks = info[3] - self.first.get(key, 0)
                if is_pg:
                    pg_total -= self.first.get(key, 0)
            if is_pg:
                pg_total += ticks if key in final else 0
            if ticks > 0:
                role = self._role(key)
                if role == "postgres":
                    continue  # from pg_total below
                roles[role] = roles.get(role, 0) + ticks / TICK
                if role == "other":
                    name = info[1].split(" ")[0].rsplit("/", 1)[-1] if info[1] else info[0]
                    name = info[1][:60] if name.startswith("postgres") else name
                    others[name] = others.get(name, 0) + ticks / TICK
        other_pg = sum(v for k, v in others.items() if k.startswith("postgres"))
        roles["postgres"] = max(0.0, pg_total / TICK - other_pg)
        known = sum(roles.values())
        roles["unattributed"] = max(0.0, (busy1 - self.busy0) / TICK - known)
        db = {}
        db1 = self._db_counters()
        if self.db0 and db1:
            # pg_stat_database is flushed by each backend about once a second: approximate
            db = {"db_sessions_opened": db1[0] - self.db0[0] - 1,  # less our own counter connection
                  "db_transactions_per_request": round((db1[1] - self.db0[1]) / work, 2) if work else None}
        return {"seconds": round(secs, 2), **db,
                "cores_busy": {k: round(v / secs, 2) for k, v in sorted(roles.items())},
                "other_busiest": {k: round(v / secs, 2) for k, v in sorted(others.items(), key=lambda kv: -kv[1])[:5]},
                "cpu_ms_per_request": {k: round(1000 * v / work, 3) for k, v in sorted(roles.items())} if work else {}}


def wait_quiet(max_wait: float) -> None:
    """Wait (at most max_wait s) until the machine is idle while our servers are: other programs'
    CPU would be counted against whichever server is measured at the time."""
    if max_wait <= 0:
        return
    deadline, said = time.monotonic() + max_wait, False
    while True:
        b0 = _busy_ticks()
        time.sleep(2)
        cores = (_busy_ticks() - b0) / TICK / 2
        if cores <= NOISY:
            return
        if time.monotonic() > deadline:
            log(f"  the machine is still busy ({cores:.2f} cores); measuring anyway")
            return
        if not said:
            log(f"  waiting for the machine to be quiet ({cores:.2f} cores busy elsewhere; up to {max_wait:.0f} s)")
            said = True
