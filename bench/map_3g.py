"""How long /map takes to become usable on a phone over Chromium's throttled 3G presets.

    .venv/bin/python -m bench.map_3g                      # both presets, 5 cold runs each
    .venv/bin/python -m bench.map_3g --preset "Slow 3G" --runs 3
    .venv/bin/python -m bench.map_3g --url http://127.0.0.1:8000   # a server already running

A benchmark, not a test (issue 21's budget: usable within 5 s over the 3G preset). Without
--url it starts `ntm-map serve` on a free port of 127.0.0.1 on the embedded demo database (the
one `make run` loads; NTM_* variables of the caller are dropped) and stops it at the end.

Each run is a first visit: a fresh browser context (empty cache, no service worker) of
Debian's Chromium (tests/browser/chromium.py) with a phone's viewport (360×740, device scale 2,
touch, mobile), throttled through DevTools (Network.emulateNetworkConditions) with the numbers
of DevTools' presets (PRESETS below, as Chromium and Puppeteer define them).

**Usable** is the moment `document.body.dataset.mapState` becomes "idle", read in the page's
own clock from navigation start: api/static/map/main.js sets it on the map's first `idle`
event after `load`, i.e. the style is loaded, every tile of the first view is drawn, and the
layer panel, search, information and keyboard handlers are wired (they are set up in `load`).
Each run then proves it: a click on the zoom-in button must change the zoom within 2 s.
Reported per preset: the median of the runs (and each run), with DOMContentLoaded, the bytes
and requests of the page until usable; the JSON keeps each run's requests with their timing
(`waterfall`, MapLibre's worker requests included), where the next cut is read from.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

from bench.common import BENCH, NTM_MAP, ROOT, BenchError, log
from bench.procs import Processes, free_port, wait_http

# Chromium DevTools' presets (front_end/core/sdk/NetworkManager.ts; Puppeteer's
# PredefinedNetworkConditions): bytes per second and added round-trip latency in ms.
PRESETS = {
    "Slow 3G": {"download": 500 * 1000 / 8 * 0.8, "upload": 500 * 1000 / 8 * 0.8, "latency": 400 * 5},
    "Fast 3G": {"download": 1.6 * 1000 * 1000 / 8 * 0.9, "upload": 750 * 1000 / 8 * 0.9, "latency": 150 * 3.75},
}
REFERENCE = "No throttling"  # the same runs unthrottled: what the CPU and the server take alone
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
BUDGET_S = 5.0

# Installed before the page's own scripts: the page-clock time of the first "idle".
WATCH = """(() => {
  const seen = () => {
    if (window.__usable || !document.body) return;
    const state = document.body.dataset.mapState;
    if (state === 'idle' || state === 'failed') window.__usable = {state, at: performance.now()};
  };
  new MutationObserver(seen).observe(document, {subtree: true, attributes: true, childList: true,
                                                attributeFilter: ['data-map-state']});
})();"""

PAGE_FACTS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const until = window.__usable.at;
  const res = performance.getEntriesByType('resource').filter((r) => r.responseEnd <= until);
  return {usable_ms: until, state: window.__usable.state,
          dom_content_loaded_ms: nav.domContentLoadedEventEnd,
          last_main_thread: res.sort((a, b) => b.responseEnd - a.responseEnd).slice(0, 8).map((r) =>
              ({path: new URL(r.name).pathname, start_ms: Math.round(r.startTime),
                end_ms: Math.round(r.responseEnd), kB: Math.round(r.transferSize / 1024)}))};
}"""


def waterfall(done: list, sizes: list[dict]) -> list[dict]:
    """Every request until usable (the workers' tiles too, which the page's resource timing
    lacks), by start: what to cut next is read from here. Times in ms from the first request."""
    rows = [(r, z, r.timing) for r, z in zip(done, sizes)]
    if not rows:
        return []
    t0 = min(t["startTime"] for _, _, t in rows)
    out = [{"path": r.url.split("://", 1)[-1].split("/", 1)[-1][:90],
            "start_ms": round(t["startTime"] - t0), "end_ms": round(t["startTime"] - t0 + t["responseEnd"]),
            "kB": round((z["responseBodySize"] + z["responseHeadersSize"]) / 1024, 1)} for r, z, t in rows]
    return sorted(out, key=lambda row: row["start_ms"])


def one_run(browser, url: str, preset: str, cpu: float, timeout_s: float) -> dict:
    from tests.browser.chromium import wait_without_eval

    context = browser.new_context(**PHONE, locale="vi-VN", service_workers="block")
    try:
        page = context.new_page()
        wait_without_eval(page, timeout_s * 1000)  # the page's CSP forbids Playwright's in-page polling
        page.add_init_script(WATCH)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        if preset in PRESETS:
            c = PRESETS[preset]
            cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": c["latency"],
                                                          "downloadThroughput": c["download"],
                                                          "uploadThroughput": c["upload"]})
        if cpu > 1:
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu})
        finished: list = []  # every request the page and its workers (MapLibre's tiles) completed
        context.on("requestfinished", lambda r: finished.append(r))
        page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        page.wait_for_function("window.__usable", timeout=timeout_s * 1000, polling=100)
        done = list(finished)
        facts = page.evaluate(PAGE_FACTS)
        sizes = [r.sizes() for r in done]
        facts.update(requests=len(done), tiles=sum("/tiles/" in r.url for r in done),
                     kilobytes=round(sum(z["responseBodySize"] + z["responseHeadersSize"] for z in sizes) / 1024),
                     waterfall=waterfall(done, sizes))
        if facts["state"] != "idle":
            raise BenchError(f"the map failed to start ({preset})")
        before = page.evaluate("ntmMap.getZoom()")
        page.click(".maplibregl-ctrl-zoom-in")
        page.wait_for_function(f"ntmMap.getZoom() > {before} + 0.5", timeout=2000, polling=50)
        return facts
    finally:
        context.close()


def start_server(procs: Processes, logdir) -> str:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NTM_") and k != "DATABASE_URL"}
    env.update(NTM_HOST="127.0.0.1", NTM_PORT=str(port))
    proc = procs.start("ntm-map", [NTM_MAP, "serve", "--host", "127.0.0.1", "--port", port], env, ROOT)
    base = f"http://127.0.0.1:{port}"
    wait_http(base + "/healthz", proc, logdir / "ntm-map.log")
    return base


def measure(base: str, presets: list[str], runs: int, cpu: float, timeout_s: float) -> dict:
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    from tests.browser.chromium import CHROMIUM_ARGS, chromium_path

    out: dict = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            one_run(browser, f"{base}/map", REFERENCE, 1, timeout_s)  # server warm (caches, prepared SQL)
            for preset in presets:
                rows = []
                for i in range(runs):
                    rows.append(one_run(browser, f"{base}/map", preset, cpu, timeout_s))
                    log(f"{preset} run {i + 1}/{runs}: usable {rows[-1]['usable_ms'] / 1000:.2f} s, "
                        f"DOMContentLoaded {rows[-1]['dom_content_loaded_ms'] / 1000:.2f} s, "
                        f"{rows[-1]['requests']} requests ({rows[-1]['tiles']} tiles), {rows[-1]['kilobytes']} kB")
                out[preset] = {"conditions": PRESETS.get(preset), "runs": rows,
                               "median_usable_s": round(statistics.median(r["usable_ms"] for r in rows) / 1000, 2),
                               "median_dcl_s": round(statistics.median(r["dom_content_loaded_ms"] for r in rows) / 1000, 2),
                               "median_kilobytes": statistics.median(r["kilobytes"] for r in rows),
                               "median_requests": statistics.median(r["requests"] for r in rows)}
        finally:
            browser.close()
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--preset", action="append", choices=[*PRESETS, REFERENCE],
                    help=f"default: both 3G presets, then {REFERENCE!r} for reference")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cpu", type=float, default=1, help="CPU slowdown (Emulation.setCPUThrottlingRate); default off")
    ap.add_argument("--url", help="measure this server instead of starting one")
    ap.add_argument("--timeout", type=float, default=180, help="seconds a run may take")
    args = ap.parse_args(argv)
    presets = args.preset or [*PRESETS, REFERENCE]
    stamp = dt.datetime.now().strftime("%Y-%m-%dT%H%M%S")
    logdir = Path(tempfile.mkdtemp(prefix=f"map_3g-{stamp}-"))  # the server's log, printed on failure
    procs = Processes(logdir)
    try:
        base = args.url.rstrip("/") if args.url else start_server(procs, logdir)
        log(f"measuring {base}/map, {args.runs} cold runs per preset, phone 360x740@2x"
            + (f", CPU {args.cpu:g}x slower" if args.cpu > 1 else ""))
        result = measure(base, presets, args.runs, args.cpu, args.timeout)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        procs.stop_all()
    print()
    print(f"| preset | download kB/s | latency ms | usable (median of {args.runs}) | DOMContentLoaded | kB | requests |")
    print("|---|---|---|---|---|---|---|")
    for preset, r in result.items():
        c = r["conditions"] or {"download": 0, "latency": 0}
        print(f"| {preset} | {c['download'] / 1000:g} | {c['latency']:g} | {r['median_usable_s']:.2f} s "
              f"({'within' if r['median_usable_s'] <= BUDGET_S else 'over'} {BUDGET_S:g} s) | {r['median_dcl_s']:.2f} s "
              f"| {r['median_kilobytes']:g} | {r['median_requests']:g} |")
    path = BENCH / "results" / f"map_3g-{stamp}.json"
    path.write_text(json.dumps({"stamp": stamp, "runs": args.runs, "cpu": args.cpu, "phone": PHONE,
                                "budget_s": BUDGET_S, "presets": result}, indent=1))
    print(f"\n{path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
