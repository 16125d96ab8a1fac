"""The timed runs: wrk against a server (its JSON parsed), pgbench against the database, each with its CPU."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from bench.common import BENCH, BenchError, log
from bench.cpu import CpuMeter, wait_quiet

LUA = BENCH / "wrk" / "cycle.lua"


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
