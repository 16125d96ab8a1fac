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
import json
import signal
import sys
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # also as `python bench/run.py`
from bench import cases as C  # noqa: E402
from bench.checks import check_responses, check_sql  # noqa: E402
from bench.common import BENCH, BenchError, log  # noqa: E402
from bench.facts import data_facts, machine, tipg_version  # noqa: E402
from bench.load import measure_http, run_pgbench  # noqa: E402
from bench.prepare import ceiling_statements, ensure_database, ensure_tipg_venv, need_tools  # noqa: E402
from bench.procs import Processes, start_servers  # noqa: E402
from bench.profiling import profile  # noqa: E402
from bench.report import (DOC, TARGETS, markdown, print_table, ratios_and_targets, save_results,  # noqa: E402
                          write_docs)
from bench.urls import item_paths, tile_paths  # noqa: E402
from layers.db.settings import Settings  # noqa: E402


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

    servers, ports, bases = start_servers(args, procs, url, logdir)

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
    save_results(results, meta, md, stamp + ("-quick" if args.quick else ""))
    if args.write_docs:
        write_docs(md)
        log(f"table written into {DOC}")
    return 1 if any(r.get("error") for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
