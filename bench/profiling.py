"""py-spy recording of the ntm-map server under load, and its summary of where the time goes."""
from __future__ import annotations

import subprocess
import time
from pathlib import Path

from bench.common import TIPG_VENV
from bench.load import run_wrk


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

