"""One command: ntm-map side by side with TiPg on the same database, and the database-only ceiling.

    bench/run.sh [--quick] [--duration 20] [--connections 16] [--threads 2] [--profile] [--write-docs]

Steps: make (or reuse) the benchmark database `ntm_bench` on ntm-map's PostgreSQL server (migrated,
the demo province loaded with 1,000,000 households when empty); make TiPg's own venv
(bench/.venv-tipg); start TiPg and two ntm-map servers (tile cache off / on) on free ports with the
same number of workers; check that every case's responses are real (200, a body that decodes,
features in it); then per case `wrk` at a fixed concurrency cycling through a fixed URL list
(bench/cases/), and `pgbench` with ntm-map's own tile SQL at the same concurrency. Prints a table,
writes bench/results/<date>.json and .md. Servers are stopped on exit, whatever happens; their
logs stay in bench/logs/<run>/.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
import psycopg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
TIPG_VENV = BENCH / ".venv-tipg"
NTM_MAP = ROOT / ".venv" / "bin" / "ntm-map"
LUA = BENCH / "wrk" / "cycle.lua"
DOC = ROOT / "docs" / "performance.md"
DOC_START, DOC_END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"

sys.path.insert(0, str(ROOT))
from bench import cases as C  # noqa: E402
from layers.config import Settings  # noqa: E402
from layers.registry import get as get_layer  # noqa: E402

GA_PUBLIC = "status IN ('granted','suspended','revoked','expired')"
TARGETS = {  # case -> list of (against, minimum ratio)
    "tiles-uncached": [("tipg", 1.2), ("ceiling", 0.85)],
    "tiles-cached": [("tipg", 10.0)],
    "items": [("tipg", 1.5)],
}


NOISY = 0.25  # cores used by other programs during a timed run above which the run is suspect


class BenchError(RuntimeError):
    pass


def log(msg: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {msg}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- processes ------------------------------------------------------------------------------
class Processes:
    """Servers started by this run, each in its own process group, stopped on exit."""

    def __init__(self, logdir: Path):
        self.logdir = logdir
        self.procs: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, cmd: list, env: dict, cwd: Path) -> subprocess.Popen:
        out = open(self.logdir / f"{name}.log", "wb")
        proc = subprocess.Popen([str(c) for c in cmd], env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        self.procs.append((name, proc))
        return proc

    def stop(self, proc: subprocess.Popen) -> None:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                return
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)

    def stop_all(self) -> None:
        for _, proc in reversed(self.procs):
            self.stop(proc)
        self.procs.clear()


def tail(path: Path, n: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return ""


def wait_http(url: str, proc: subprocess.Popen, logfile: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"server exited with {proc.returncode} before answering {url}; "
                             f"its log ({logfile}) ends:\n{tail(logfile)}")
        try:
            if httpx.get(url, timeout=5).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise BenchError(f"{url} did not answer within {timeout:.0f} s; see {logfile}")


# --- set-up -----------------------------------------------------------------------------------
def need_tools(args) -> dict:
    wrk = shutil.which("wrk")
    if not wrk:
        raise BenchError("wrk is not installed: `sudo apt-get install wrk` (Debian/Ubuntu), then run again")
    pgbench = args.pgbench or shutil.which("pgbench")
    if not pgbench:
        try:
            from layers.cluster import find_binaries

            cand = find_binaries().bindir / "pgbench"
            pgbench = str(cand) if cand.exists() else None
        except Exception:
            pgbench = None
    if not pgbench:
        raise BenchError("pgbench not found: it ships with the PostgreSQL server package "
                         "(postgresql-15 on Debian); or pass --pgbench PATH")
    if not NTM_MAP.exists():
        raise BenchError(f"{NTM_MAP} is missing: run `make run` (or `make setup`) first")
    return {"wrk": wrk, "pgbench": pgbench}


def ensure_tipg_venv() -> Path:
    req = BENCH / "requirements-tipg.txt"
    stamp = TIPG_VENV / ".installed"
    digest = hashlib.sha256(req.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest and (TIPG_VENV / "bin" / "uvicorn").exists():
        return TIPG_VENV
    log(f"making TiPg's own venv in {TIPG_VENV} (tipg pins differ from ntm-map's) ...")
    python = shutil.which("python3") or sys.executable
    subprocess.run([python, "-m", "venv", TIPG_VENV], check=True)
    pip = [TIPG_VENV / "bin" / "python", "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-r", req], check=True)
    stamp.write_text(digest)
    return TIPG_VENV


def ensure_database(args) -> str:
    """URL of the benchmark database: made, migrated and loaded when it is not yet."""
    from layers.db import database_url

    server = database_url(Settings())
    bench = make_url(server).set(database=args.db).render_as_string(hide_password=False)
    with psycopg.connect(server, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (args.db,)).fetchone()
        if not exists:
            log(f"creating database {args.db}")
            conn.execute(f'CREATE DATABASE "{args.db}"')
    env = {**os.environ, "DATABASE_URL": bench}
    subprocess.run([NTM_MAP, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
    with psycopg.connect(bench) as conn:
        empty = conn.execute("SELECT NOT EXISTS (SELECT 1 FROM admin_units)").fetchone()[0]
    if empty:
        log(f"loading the demo province with {args.households:,} households into {args.db} (about a minute)")
        subprocess.run([NTM_MAP, "load", "demo", "--households", str(args.households), "--if-empty"],
                       env=env, check=True)
    return bench


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


# --- the cases --------------------------------------------------------------------------------
def tile_paths(server: str) -> list[tuple[str, str]]:
    """(layer, path) for every tile of the fixed list, in the form `server` wants."""
    out = []
    for layer_id, z, x, y in C.read_tiles():
        if server == "ntm":
            out.append((layer_id, f"/collections/{layer_id}/tiles/WebMercatorQuad/{z}/{x}/{y}"))
        else:
            layer = get_layer(layer_id)
            q = {"properties": ",".join(layer.property_names)}
            if layer.public_filter:
                q["filter"] = GA_PUBLIC  # the same rows ntm-map publishes
            out.append((layer_id, f"/collections/public.{layer.table}/tiles/WebMercatorQuad/{z}/{x}/{y}?"
                                  + urlencode(q, safe=",")))
    return out


def item_paths(server: str, limit: int) -> list[tuple[str, str]]:
    layer = get_layer("households")
    out = []
    for box in C.read_bboxes():
        bbox = ",".join(f"{v:.6f}" for v in box)
        if server == "ntm":
            out.append(("households", f"/collections/households/items?bbox={bbox}&limit={limit}"))
        else:
            q = urlencode({"bbox": bbox, "limit": limit, "properties": ",".join(layer.property_names)},
                          safe=",")
            out.append(("households", f"/collections/public.households/items?{q}"))
    return out


def check_responses(base: str, paths: list[tuple[str, str]], kind: str, n: int | None) -> dict:
    """Fetch the case's URLs one by one: status, body, features. Raises when they are not real."""
    import mapbox_vector_tile

    chosen = paths if n is None else paths[:n]
    by_layer: dict[str, list[float]] = {}
    statuses: dict[int, int] = {}
    empty = features = 0
    sizes = []
    first = None
    prop_keys: dict[str, set] = {}
    with httpx.Client(base_url=base, timeout=60, headers={"Accept-Encoding": "identity"}) as client:  # as wrk
        for i, (layer, path) in enumerate(chosen):
            started = time.perf_counter()
            try:
                r = client.get(path)
            except httpx.HTTPError as exc:
                raise BenchError(f"{base}{path}: {type(exc).__name__}: {exc}") from None
            elapsed = (time.perf_counter() - started) * 1000
            by_layer.setdefault(layer, []).append(elapsed)
            statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
            if i == 0:
                first = {"url": path, "status": r.status_code, "bytes": len(r.content),
                         "content_type": r.headers.get("content-type"),
                         "headers": {k: v for k, v in r.headers.items()
                                     if k.lower() in ("cache-control", "etag", "x-cache", "age", "content-encoding",
                                                      "x-tile-cache", "server-timing")}}
            if r.status_code != 200:
                if i < 5:
                    raise BenchError(f"{base}{path} answered {r.status_code}: {r.text[:300]}")
                continue
            sizes.append(len(r.content))
            if not r.content:
                empty += 1
                if i < 5:
                    raise BenchError(f"{base}{path} answered 200 with an empty body")
                continue
            if kind == "tiles":
                try:
                    tile = mapbox_vector_tile.decode(r.content)
                except Exception as exc:
                    raise BenchError(f"{base}{path}: the body is not a vector tile ({exc})") from None
                for name, lyr in tile.items():
                    features += len(lyr["features"])
                    for f in lyr["features"][:20]:
                        prop_keys.setdefault(name, set()).update(f.get("properties", {}))
            else:
                try:
                    body = r.json()
                except ValueError as exc:
                    raise BenchError(f"{base}{path}: the body is not JSON ({exc})") from None
                features += len(body.get("features", []))
                for f in body.get("features", [])[:20]:
                    prop_keys.setdefault(layer, set()).update(f.get("properties", {}))
    bad = sum(v for k, v in statuses.items() if k != 200)
    if bad:
        raise BenchError(f"{base}: {bad} of {len(chosen)} URLs did not answer 200 ({statuses})")
    return {
        "checked": len(chosen), "statuses": statuses, "empty_bodies": empty, "features": features,
        "mean_bytes": round(statistics.mean(sizes)) if sizes else 0, "first": first,
        "properties": {k: sorted(v) for k, v in prop_keys.items()},
        "single_request_ms_median_by_layer": {k: round(statistics.median(v), 1) for k, v in by_layer.items()},
    }


def run_wrk(tools: dict, base: str, paths_file: Path, seconds: float, args) -> dict:
    cmd = [tools["wrk"], f"-c{args.connections}", f"-t{args.threads}", f"-d{max(1, round(seconds))}s",
           "--timeout", "30s", "-s", LUA, base, "--", paths_file]
    out = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if out.returncode != 0 or line is None:
        raise BenchError(f"wrk failed ({out.returncode}): {out.stderr.strip() or out.stdout.strip()}")
    r = json.loads(line[len("BENCH_JSON "):])
    secs = r["duration_us"] / 1e6
    errors = sum(r["errors"].values())
    return {
        "requests": r["requests"], "seconds": round(secs, 2),
        "rps": round(r["requests"] / secs, 1) if secs else 0.0,
        "p50_ms": r["latency_us"]["p50"] / 1000, "p90_ms": r["latency_us"]["p90"] / 1000,
        "p99_ms": r["latency_us"]["p99"] / 1000, "mean_ms": round(r["latency_us"]["mean"] / 1000, 2),
        "max_ms": r["latency_us"]["max"] / 1000, "mean_bytes": round(r["bytes"] / max(1, r["requests"])),
        "errors": r["errors"], "non_2xx": r["errors"]["status"], "failed": errors > 0,
    }


# --- where the CPU went during a timed run ------------------------------------------------------
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


def measure_http(tools, base, paths, name, args, logdir, server_pid=None, db="") -> dict:
    paths_file = logdir / f"paths-{name}.txt"
    paths_file.write_text("\n".join(p for _, p in paths) + "\n")
    wait_quiet(args.wait_quiet)
    if args.warmup:
        run_wrk(tools, base, paths_file, args.warmup, args)
    meter = CpuMeter(server_pid, db, "wrk", getattr(args, "bench_url", None))
    meter.start()
    result = run_wrk(tools, base, paths_file, args.duration, args)
    result["cpu"] = meter.stop(result["requests"])
    log(f"  {name}: {result['rps']:.0f} req/s, p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms"
        + (f", ERRORS {result['errors']}" if result["failed"] else "") + f"; cores busy {result['cpu']['cores_busy']}")
    return result


def run_pgbench(tools, url: str, script_text: str, name: str, args, logdir: Path) -> dict:
    script = logdir / f"pgbench-{name}.sql"
    script.write_text(script_text)
    u = make_url(url)
    env = {**os.environ, "PGPASSWORD": u.password or "", "PGHOST": u.host or "127.0.0.1",
           "PGPORT": str(u.port or 5432), "PGUSER": u.username or "", "PGDATABASE": u.database,
           # the same session settings as ntm-map's own connections
           "PGOPTIONS": " ".join(f"-c {k}={v}" for k, v in (args.session_settings or {}).items())}
    base = [tools["pgbench"], "-n", "-M", "prepared", "-f", script, "-D", "k=0", "-c", args.connections,
            "-j", args.threads]
    wait_quiet(args.wait_quiet)
    if args.warmup:
        subprocess.run([str(c) for c in [*base, "-T", max(1, round(args.warmup))]], env=env,
                       capture_output=True, text=True)
    prefix = logdir / f"pgbench-{name}"
    for old in logdir.glob(f"pgbench-{name}.*[0-9]"):
        old.unlink()
    meter = CpuMeter(None, u.database, "pgbench")
    meter.start()
    out = subprocess.run([str(c) for c in [*base, "-T", max(1, round(args.duration)), "--log",
                                            f"--log-prefix={prefix}"]],
                         env=env, capture_output=True, text=True)
    cpu = meter.stop(0)
    (logdir / f"pgbench-{name}.out").write_text(out.stdout + out.stderr)
    if out.returncode != 0:
        raise BenchError(f"pgbench failed ({out.returncode}): {out.stderr.strip()[-800:]}")
    lat = []
    for f in logdir.glob(f"pgbench-{name}.[0-9]*"):
        for line in f.read_text().splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[2].isdigit():
                lat.append(int(parts[2]))
    tps = next((float(ln.split("=")[1].split()[0]) for ln in out.stdout.splitlines() if ln.startswith("tps =")), 0.0)
    failed = next((int(ln.split(":")[1].split()[0]) for ln in out.stdout.splitlines()
                   if ln.startswith("number of failed transactions")), 0)
    lat.sort()

    def pct(p):
        return round(lat[min(len(lat) - 1, int(p / 100 * len(lat)))] / 1000, 2) if lat else None

    result = {"tps": round(tps, 1), "transactions": len(lat), "p50_ms": pct(50), "p90_ms": pct(90),
              "p99_ms": pct(99), "failed": failed, "cpu": cpu}
    if lat:
        secs = cpu["seconds"]
        cpu["cpu_ms_per_request"] = {k: round(1000 * v * secs / len(lat), 3) for k, v in cpu["cores_busy"].items()}
    log(f"  ceiling {name}: {result['tps']:.0f} tps, p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms"
        f"; cores busy {result['cpu']['cores_busy']}")
    return result


def check_sql(url: str, sqls: list[str]) -> dict:
    """Run each ceiling statement once: it must work and return data (a tile's bytes, features)."""
    sizes, rows = [], []
    with psycopg.connect(url) as conn:
        for sql in sqls:
            got = conn.execute(sql).fetchall()
            rows.append(len(got))
            sizes.append(sum(len(v) for row in got for v in row if isinstance(v, (bytes, str))))
    if not sizes or sizes[0] == 0:
        raise BenchError("the first ceiling statement returned nothing")
    return {"checked": len(sizes), "empty": sum(1 for s in sizes if s == 0), "mean_rows": statistics.mean(rows),
            "mean_bytes": round(statistics.mean(sizes))}


def ceiling_statements(args, url: str, logdir: Path, meta: dict) -> dict:
    """case -> (pgbench script, plain SQL list for the check, source) or (None, None, why not)."""
    from bench.ceiling import Unavailable, items_ceiling, pgbench_script, tiles_ceiling

    out: dict = {}
    for case in args.cases:
        try:
            if case == "tiles-uncached":
                ceiling = tiles_ceiling(Settings(database_url=url), C.read_tiles())
            elif case == "items":
                ceiling = items_ceiling("households", C.read_bboxes(), args.items_limit)
            else:
                continue  # a cache has no database ceiling
            script = pgbench_script(ceiling.requests)
            (logdir / f"ceiling-{case}-first.sql").write_text(ceiling.plain[0] + "\n")
            out[case] = (script, ceiling.plain, ceiling.source)
            meta.setdefault("ceiling_sql_from", {})[case] = ceiling.source
        except Unavailable as exc:
            out[case] = (None, None, str(exc))
        except Exception as exc:  # code under construction: say what went wrong, measure the rest
            out[case] = (None, None, f"{type(exc).__name__}: {exc}")
        if out[case][0] is None:
            log(f"{case}: ceiling not measured: {out[case][2]}")
    return out


# --- profile ----------------------------------------------------------------------------------
def profile(tools, proc, base, paths, name, args, logdir) -> dict:
    """py-spy record the ntm-map server while wrk loads it; summary of where the time goes."""
    pyspy = TIPG_VENV / "bin" / "py-spy"
    paths_file = logdir / f"paths-{name}-profile.txt"
    paths_file.write_text("\n".join(p for _, p in paths) + "\n")
    raw = logdir / f"profile-{name}.txt"
    svg = logdir / f"profile-{name}.svg"
    secs = max(5, round(args.duration))
    rec = [pyspy, "record", "--pid", proc.pid, "--duration", secs + 2, "--rate", 200, "--nonblocking"]
    p1 = subprocess.Popen([str(c) for c in [*rec, "--format", "raw", "-o", raw]],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    p2 = subprocess.Popen([str(c) for c in [*rec, "--format", "flamegraph", "-o", svg]],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) if args.profile_svg else None
    time.sleep(1)
    run_wrk(tools, base, paths_file, secs, args)
    for p in (p1, p2):
        if p:
            p.wait(timeout=60)
    if not raw.exists():
        return {"error": (p1.stderr.read() or b"").decode()[-500:]}
    return {"raw": str(raw), "svg": str(svg) if p2 else None, **summarize_profile(raw)}


IDLE_LEAVES = ("Condition.wait", "EpollSelector.select", "Queue.get", "Event.wait", "_worker (")


def _frame(f: str) -> tuple[str, str]:
    """'func (path/to/mod.py:12)' -> ('func (mod.py)', top package or app folder)."""
    name, _, where = f.partition(" (")
    path = where.split(":")[0]
    parts = Path(path).parts
    pkg = next((p for p in parts if p in ("api", "tiles", "layers", "geo")), None)
    if pkg is None:
        sp = [i for i, p in enumerate(parts) if p in ("site-packages", "python3.11")]
        pkg = parts[sp[-1] + 1] if sp and sp[-1] + 1 < len(parts) else (parts[0] if parts else "?")
        if pkg.endswith(".py") and "python3" in path:
            pkg = "stdlib:" + pkg[:-3]
    return f"{name} ({Path(path).name})", pkg


def summarize_profile(raw: Path, top: int = 60) -> dict:
    """From py-spy's collapsed stacks: busy share per function (inclusive and self) and self time per
    package, idle threads (the thread pool waiting, the event loop in epoll) left out."""
    busy = idle = 0
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    by_pkg: dict[str, int] = {}
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit() or not stack:
            continue
        n = int(count)
        frames = stack.split(";")
        if any(frames[-1].startswith(x) for x in IDLE_LEAVES):
            idle += n
            continue
        busy += n
        named = [_frame(f) for f in frames]
        for f in {nm for nm, _ in named}:
            inclusive[f] = inclusive.get(f, 0) + n
        own[named[-1][0]] = own.get(named[-1][0], 0) + n
        by_pkg[named[-1][1]] = by_pkg.get(named[-1][1], 0) + n

    def rank(d):
        return [(k, round(100 * v / busy, 1)) for k, v in sorted(d.items(), key=lambda kv: -kv[1])[:top]] if busy else []

    return {"busy_samples": busy, "idle_samples": idle, "self_by_package_pct": rank(by_pkg),
            "self_pct": rank(own), "inclusive_pct": rank(inclusive)}


# --- report -----------------------------------------------------------------------------------
def ratios_and_targets(case: str, r: dict) -> None:
    ntm = r.get("ntm") or {}
    tipg = r.get("tipg") or {}
    ceil = r.get("ceiling") or {}
    r["ratio_tipg"] = round(ntm["rps"] / tipg["rps"], 2) if ntm.get("rps") and tipg.get("rps") else None
    r["ratio_ceiling"] = round(ntm["rps"] / ceil["tps"], 2) if ntm.get("rps") and ceil.get("tps") else None
    r["targets"] = []
    for against, minimum in TARGETS.get(case, []):
        got = r["ratio_tipg"] if against == "tipg" else r["ratio_ceiling"]
        r["targets"].append({"against": against, "minimum": minimum, "ratio": got,
                             "met": None if got is None or r.get("error") else got >= minimum})


def fmt(v, spec="{:.0f}"):
    return "—" if v is None else spec.format(v)


def table_rows(results: dict) -> list[list[str]]:
    rows = []
    for case, r in results.items():
        ntm, tipg, ceil = r.get("ntm") or {}, r.get("tipg") or {}, r.get("ceiling") or {}
        targets = "; ".join(
            f"{'TiPg' if t['against'] == 'tipg' else 'ceiling'} ≥ {t['minimum']}×: "
            f"{'yes' if t['met'] else 'no' if t['met'] is False else 'n/a'}" for t in r["targets"])
        rows.append([
            case, fmt(ntm.get("rps")), fmt(ntm.get("p50_ms"), "{:.1f}"), fmt(ntm.get("p99_ms"), "{:.1f}"),
            fmt(tipg.get("rps")), fmt(tipg.get("p50_ms"), "{:.1f}"), fmt(tipg.get("p99_ms"), "{:.1f}"),
            fmt(ceil.get("tps")), fmt(ceil.get("p50_ms"), "{:.1f}"), fmt(ceil.get("p99_ms"), "{:.1f}"),
            fmt(r.get("ratio_tipg"), "{:.2f}×"), fmt(r.get("ratio_ceiling"), "{:.2f}×"),
            fmt(noise(r), "{:.2f}"),
            targets + (f" — ERROR: {r['error']}" if r.get("error") else ""),
        ])
    return rows


def noise(r: dict) -> float | None:
    """The most cores other programs used during one of the case's timed runs."""
    vals = [(r.get(w) or {}).get("cpu", {}).get("cores_busy", {}).get("other") for w in ("ntm", "tipg", "ceiling")]
    vals = [v for v in vals if v is not None]
    return max(vals) if vals else None


def cpu_rows(results: dict) -> list[list[str]]:
    rows = []
    for case, r in results.items():
        for who, label in (("ntm", "ntm-map"), ("tipg", "TiPg"), ("ceiling", "ceiling (pgbench)")):
            cpu = (r.get(who) or {}).get("cpu")
            if not cpu:
                continue
            per = cpu.get("cpu_ms_per_request", {})
            rows.append([case, label, fmt(per.get("server"), "{:.2f}"), fmt(per.get("postgres"), "{:.2f}"),
                         fmt(per.get("load generator"), "{:.2f}"),
                         fmt(cpu.get("db_sessions_opened"), "{:d}"),
                         fmt(cpu["cores_busy"].get("other"), "{:.2f}")])
    return rows


HEAD = ["case", "ntm-map req/s", "p50 ms", "p99 ms", "TiPg req/s", "p50 ms", "p99 ms", "ceiling tps",
        "p50 ms", "p99 ms", "ntm-map/TiPg", "ntm-map/ceiling", "other load", "targets met"]
CPU_HEAD = ["case", "measured", "server CPU ms/req", "PostgreSQL CPU ms/req", "load generator CPU ms/req",
            "new DB sessions", "other load (cores)"]


def markdown(results: dict, meta: dict) -> str:
    lines = ["| " + " | ".join(HEAD) + " |", "|" + "|".join(["---"] + ["--:"] * (len(HEAD) - 2) + ["---"]) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in table_rows(results)]
    lines += ["", "Where the CPU went (per request; the machine has "
              f"{meta['machine']['cpus']} cores shared by all of these):", "",
              "| " + " | ".join(CPU_HEAD) + " |", "|" + "|".join(["---"] * len(CPU_HEAD)) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in cpu_rows(results)]
    a = meta["args"]
    lines += ["", f"{meta['date']}, commit {meta['machine']['commit']}, {meta['machine']['cpus']} cores "
              f"({meta['machine']['cpu']}); wrk/pgbench -c {a['connections']} -t/-j {a['threads']}, "
              f"{a['duration']:g} s per case after {a['warmup']:g} s warm-up{' (--quick)' if a['quick'] else ''}; "
              f"{meta['data']['households']:,} households; PostgreSQL {meta['data']['postgres']}, "
              f"PostGIS {meta['data']['postgis']}, TiPg {meta['tipg']}; one worker per server."]
    return "\n".join(lines) + "\n"


def print_table(results: dict) -> None:
    rows = [HEAD] + table_rows(results)
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEAD) - 1)]
    for row in rows:
        print("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))) + "  " + row[-1])
    print()
    rows = [CPU_HEAD] + cpu_rows(results)
    widths = [max(len(r[i]) for r in rows) for i in range(len(CPU_HEAD))]
    for row in rows:
        print("  ".join(c.rjust(w) if i > 1 else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))))
    busy = {c: noise(r) for c, r in results.items() if (noise(r) or 0) > NOISY}
    if busy:
        print(f"\nWARNING: other programs kept {', '.join(f'{v:.2f} cores busy during {c}' for c, v in busy.items())}"
              " (see other_busiest in the JSON): run again on a quiet machine before trusting these numbers")


def write_docs(md: str) -> None:
    text = DOC.read_text()
    if DOC_START not in text or DOC_END not in text:
        raise BenchError(f"{DOC} has no {DOC_START} … {DOC_END} markers to put the table between")
    head, rest = text.split(DOC_START, 1)
    _, tail_ = rest.split(DOC_END, 1)
    DOC.write_text(head + DOC_START + "\n" + md + DOC_END + tail_)


# --- main -------------------------------------------------------------------------------------
def parse(argv) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench/run.sh", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="a few seconds per case (3 s, 1 s warm-up)")
    p.add_argument("--duration", type=float, help="seconds per timed run (default 20; 3 with --quick)")
    p.add_argument("--warmup", type=float, help="seconds of warm-up before each (default 5; 1 with --quick)")
    p.add_argument("-c", "--connections", type=int, default=16, help="concurrent connections (default 16)")
    p.add_argument("-t", "--threads", type=int, default=2, help="wrk threads / pgbench jobs (default 2)")
    p.add_argument("--cases", default="tiles-uncached,tiles-cached,items",
                   help="comma-separated subset of tiles-uncached,tiles-cached,items")
    p.add_argument("--db", default="ntm_bench", help="benchmark database on ntm-map's server (default ntm_bench)")
    p.add_argument("--households", type=int, default=1_000_000, help="households loaded into an empty db")
    p.add_argument("--items-limit", type=int, default=1000)
    p.add_argument("--workers", type=int, default=1,
                   help="server processes, the same number for ntm-map (serve --workers) and TiPg")
    p.add_argument("--check", type=int, default=None,
                   help="URLs per case checked before timing (default all; 20 with --quick)")
    p.add_argument("--wait-quiet", type=float, default=None,
                   help="before each timed run, wait up to this many seconds for other programs to go quiet "
                        "(default 180; 20 with --quick; 0: do not wait)")
    p.add_argument("--profile", action="store_true",
                   help="afterwards, py-spy record the ntm-map server under the same load, per case")
    p.add_argument("--profile-svg", action="store_true", help="also write flame graphs (SVG) with --profile")
    p.add_argument("--write-docs", action="store_true", help="put the table into docs/performance.md")
    p.add_argument("--render", metavar="RESULTS.json",
                   help="measure nothing: print the tables of an earlier run (with --write-docs: into the docs)")
    p.add_argument("--pgbench", help="path of pgbench (default: on PATH or beside the cluster's binaries)")
    a = p.parse_args(argv)
    a.duration = a.duration if a.duration is not None else (3 if a.quick else 20)
    a.warmup = a.warmup if a.warmup is not None else (1 if a.quick else 5)
    a.check = a.check if a.check is not None else (20 if a.quick else None)
    a.wait_quiet = a.wait_quiet if a.wait_quiet is not None else (20 if a.quick else 180)
    a.cases = [c.strip() for c in a.cases.split(",") if c.strip()]
    unknown = set(a.cases) - set(TARGETS)
    if unknown:
        p.error(f"unknown case(s) {sorted(unknown)}; known: {', '.join(TARGETS)}")
    return a


def main(argv=None) -> int:
    args = parse(argv if argv is not None else sys.argv[1:])
    if args.render:
        saved = json.loads(Path(args.render).read_text())
        print_table(saved["results"])
        md = markdown(saved["results"], saved["meta"])
        if args.write_docs:
            write_docs(md)
            log(f"table written into {DOC}")
        return 0
    stamp = dt.datetime.now().strftime("%Y-%m-%dT%H%M%S")
    logdir = BENCH / "logs" / stamp
    logdir.mkdir(parents=True, exist_ok=True)
    procs = Processes(logdir)

    def on_signal(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    log(f"logs of this run: {logdir}")
    try:
        return _run(args, procs, logdir, stamp)
    except BenchError as exc:
        log(f"FAILED: {exc}")
        return 1
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        procs.stop_all()
        log(f"servers stopped; logs in {logdir}")


def _run(args, procs: Processes, logdir: Path, stamp: str) -> int:
    tools = need_tools(args)
    ensure_tipg_venv()
    url = ensure_database(args)
    args.bench_url = url
    args.session_settings = {}
    if not (C.CASES / "tiles.txt").exists() or not (C.CASES / "items.txt").exists():
        with psycopg.connect(url) as conn:
            C.write(conn)
    facts = data_facts(url)
    if facts["households"] != args.households:
        log(f"note: {args.db} holds {facts['households']:,} households, not {args.households:,} "
            f"(drop it with `dropdb` to load again)")

    # servers: TiPg, ntm-map with the tile cache off, ntm-map with its default settings
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("NTM_", "TIPG_"))}
    base_env["DATABASE_URL"] = url
    servers = {}
    tipg_port = free_port()
    tipg_env = {**base_env, "TIPG_DB_SCHEMAS": '["public"]',
                "TIPG_DB_TABLES": json.dumps([f"public.{t}" for t in
                                              ("communes", "villages", "households", "growing_areas")]),
                "TIPG_CATALOG_TTL": "0"}  # no catalogue refresh in the middle of a timed run
    servers["tipg"] = procs.start("tipg", [TIPG_VENV / "bin" / "uvicorn", "tipg.main:app", "--host", "127.0.0.1",
                                           "--port", tipg_port, "--workers", args.workers],
                                  tipg_env, logdir)
    wanted = {"ntm-nocache": any(c in ("tiles-uncached", "items") for c in args.cases),
              "ntm-cache": "tiles-cached" in args.cases}
    ports = {"tipg": tipg_port}
    for name, on in wanted.items():
        if not on:
            continue
        ports[name] = free_port()
        env = {**base_env, "NTM_PORT": str(ports[name]), "NTM_HOST": "127.0.0.1"}
        if name == "ntm-nocache":
            env["NTM_TILE_CACHE_MB"] = "0"
        servers[name] = procs.start(name, [NTM_MAP, "serve", "--host", "127.0.0.1", "--port", ports[name],
                                           "--workers", args.workers],
                                    env, ROOT)
    bases = {k: f"http://127.0.0.1:{p}" for k, p in ports.items()}
    for name, proc in servers.items():
        wait_http(bases[name] + ("/healthz" if name == "tipg" else "/healthz"), proc, logdir / f"{name}.log")
        log(f"{name} serving on {bases[name]} (pid {proc.pid}, log {logdir / (name + '.log')})")

    meta = {"date": dt.datetime.now().isoformat(timespec="seconds"), "machine": machine(), "data": facts,
            "tipg": tipg_version(), "args": {k: v for k, v in vars(args).items() if k not in ("bench_url", "session_settings")},
            "logs": str(logdir), "ports": ports,
            "note": "load generator, servers and PostgreSQL share the machine's cores"}
    results: dict[str, dict] = {}
    ceilings = ceiling_statements(args, url, logdir, meta)
    if ceilings:
        from bench.ceiling import session_settings

        try:
            args.session_settings = session_settings(Settings(database_url=url), url)
        except Exception as exc:
            args.session_settings = {}
            log(f"could not read ntm-map's session settings ({exc}); pgbench runs with the server's")
        meta["ceiling_session_settings"] = args.session_settings

    for case in args.cases:
        log(f"case {case}")
        r: dict = {}
        results[case] = r
        kind = "items" if case == "items" else "tiles"
        ntm_name = "ntm-cache" if case == "tiles-cached" else "ntm-nocache"
        ntm_paths = item_paths("ntm", args.items_limit) if kind == "items" else tile_paths("ntm")
        tipg_paths = item_paths("tipg", args.items_limit) if kind == "items" else tile_paths("tipg")
        errors = []
        try:
            # the cached case's check fetches every URL: it is also the warm pass of the cache
            r["ntm_check"] = check_responses(bases[ntm_name], ntm_paths, kind,
                                             None if case == "tiles-cached" else args.check)
        except BenchError as exc:
            errors.append(f"ntm-map: {exc}")
        try:
            r["tipg_check"] = check_responses(bases["tipg"], tipg_paths, kind, args.check)
        except BenchError as exc:
            errors.append(f"TiPg: {exc}")
        for e in errors:
            log(f"  check failed: {e}")
        if "ntm_check" in r:
            r["ntm"] = measure_http(tools, bases[ntm_name], ntm_paths, f"{case}-ntm", args, logdir,
                                    servers[ntm_name].pid, args.db)
        if "tipg_check" in r:
            r["tipg"] = measure_http(tools, bases["tipg"], tipg_paths, f"{case}-tipg", args, logdir,
                                     servers["tipg"].pid, args.db)
        if case in ceilings:
            script, sqls, desc = ceilings[case]
            if script:
                try:
                    r["ceiling_check"] = check_sql(url, sqls[: args.check] if args.check else sqls)
                    r["ceiling"] = run_pgbench(tools, url, script, case, args, logdir)
                    r["ceiling"]["sql_from"] = desc
                except (BenchError, psycopg.Error) as exc:
                    errors.append(f"ceiling: {exc}")
            else:
                r["ceiling_error"] = desc
        for who in ("ntm", "tipg", "ceiling"):
            if (r.get(who) or {}).get("failed"):
                errors.append(f"{who}: errors under load {r[who].get('errors', r[who].get('failed'))}")
        if errors:
            r["error"] = "; ".join(errors)
        ratios_and_targets(case, r)

    if args.profile:
        for case in args.cases:
            if case == "tiles-uncached" or case == "items" or case == "tiles-cached":
                name = "ntm-cache" if case == "tiles-cached" else "ntm-nocache"
                if "ntm" not in results[case]:
                    continue
                log(f"profiling ntm-map ({name}) under the {case} load with py-spy")
                paths = item_paths("ntm", args.items_limit) if case == "items" else tile_paths("ntm")
                results[case]["profile"] = profile(tools, servers[name], bases[name], paths, case, args, logdir)

    for name, proc in servers.items():
        if proc.poll() is not None:
            log(f"warning: {name} exited during the run ({proc.returncode}); see {logdir / (name + '.log')}")

    print()
    print_table(results)
    md = markdown(results, meta)
    out_dir = BENCH / "results"
    out_dir.mkdir(exist_ok=True)
    name = stamp + ("-quick" if args.quick else "")
    (out_dir / f"{name}.json").write_text(json.dumps({"meta": meta, "results": results}, indent=2,
                                                     ensure_ascii=False, default=str) + "\n")
    (out_dir / f"{name}.md").write_text(md)
    log(f"results: {out_dir / (name + '.json')} and .md")
    if args.write_docs:
        write_docs(md)
        log(f"table written into {DOC}")
    return 1 if any(r.get("error") for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
