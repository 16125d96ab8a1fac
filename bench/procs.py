"""The servers a run starts (TiPg, ntm-map), each in its own process group, and waiting until they answer."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx

from bench.common import NTM_MAP, ROOT, TIPG_VENV, BenchError, log


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]



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


def start_servers(args, procs: Processes, url: str, logdir: Path) -> tuple[dict, dict, dict]:
    """TiPg, ntm-map with the tile cache off, ntm-map with its default settings (those the cases
    need), started and answering: (processes, ports, base URLs) by name."""
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
    return servers, ports, bases
