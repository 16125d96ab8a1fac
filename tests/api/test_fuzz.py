"""Requests generated from the API's definition (/api, schemathesis): no request gets a 5xx, and
no response has a status, a media type or a body the definition does not describe.

Schemathesis's own runner is used (its coverage phase tries boundary values such as ids beyond
bigint, its fuzzing phase random ones, its stateful phase follows the definition's links), against
a real server over HTTP on the demo database, on every operation (the GETs are what issue 12
asks for; the writes, which answer anonymous callers with documented 401s, come along for the
same price). A fixed seed makes a failure reproduce.

Schemathesis's report tells its findings about the server (check failures; a server that drops
connections or stops answering) from its own trouble (an internal error such as
`SystemError: AST constructor recursion depth mismatch`, seen with several workers; a crash
before the report is written). A tool failure is run again once with one worker; if the tool
fails again, the test fails saying it is the tool's failure, not the server's.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

SEED = "20261122"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
# Errors schemathesis reports that are about the server, not about schemathesis.
SERVER_SIDE = {"Network Error", "Server Unavailable", "Unresponsive Operation", "Unhealthy API"}


def schemathesis(live_url: str, where: Path, workers: int) -> tuple[dict | None, str]:
    """The run's JSON report (None when schemathesis died before writing it) and its output."""
    exe = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or "schemathesis"
    report = where / f"report-{workers}.json"
    run = subprocess.run(
        [exe, "run", f"{live_url}/api", "--checks", CHECKS, "--max-examples", "25", "--seed", SEED,
         "--workers", str(workers), "--no-color", "--report", "json", "--report-json-path", str(report)],
        capture_output=True, text=True, timeout=900, cwd=where)
    output = run.stdout[-8000:] + run.stderr[-3000:]
    return (json.loads(report.read_text()) if report.exists() else None), output


def tool_trouble(report: dict | None) -> list:
    if report is None:
        return ["schemathesis ended without writing its report"]
    return [e for e in report["errors"] if e["title"] not in SERVER_SIDE]


def test_every_response_is_documented_and_none_is_a_server_error(live_url, tmp_path):
    report, output = schemathesis(live_url, tmp_path, workers=2)
    if tool_trouble(report):
        report, output = schemathesis(live_url, tmp_path, workers=1)
    assert not tool_trouble(report), f"schemathesis itself failed (not a finding about the server): " \
                                     f"{tool_trouble(report)}\n{output}"
    assert report["failures"] == [], output  # a 5xx, or a status/media type/body /api does not describe
    assert report["errors"] == [], output  # the server dropped connections or stopped answering
    assert report["operations"]["tested"] == report["operations"]["selected"] > 80, report["operations"]
    assert report["test_cases"]["generated"] > 3000 and report["phases"]["stateful"]["status"] == "success", report
