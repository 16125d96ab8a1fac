"""The results: ratios and targets, the tables (terminal, Markdown), the results files and the docs' table."""
from __future__ import annotations

import json

from bench.common import BENCH, BenchError, ROOT, log
from bench.cpu import NOISY

DOC = ROOT / "docs" / "performance.md"
DOC_START, DOC_END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"
TARGETS = {  # case -> list of (against, minimum ratio)
    "tiles-uncached": [("tipg", 1.2), ("ceiling", 0.85)],
    "tiles-cached": [("tipg", 10.0)],
    "items": [("tipg", 1.5)],
}


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


def save_results(results: dict, meta: dict, md: str, name: str) -> None:
    """bench/results/<name>.json (everything measured) and .md (the tables)."""
    out_dir = BENCH / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / f"{name}.json").write_text(json.dumps({"meta": meta, "results": results}, indent=2,
                                                     ensure_ascii=False, default=str) + "\n")
    (out_dir / f"{name}.md").write_text(md)
    log(f"results: {out_dir / (name + '.json')} and .md")
