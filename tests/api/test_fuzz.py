"""Requests generated from the API's definition (/api, schemathesis): no request gets a 5xx, and
no response has a status, a media type or a body the definition does not describe.

Schemathesis's own runner is used (its coverage phase tries boundary values such as ids beyond
bigint, its fuzzing phase random ones, its stateful phase follows the definition's links), against
a real server over HTTP on the demo database, on every operation (the GETs are what issue 12
asks for; the writes, which answer anonymous callers with documented 401s, come along for the
same price). The run is deterministic (derandomized generation from a fixed seed, no example
database, one worker): every run sends the same ~7,000 requests, so a failure reproduces.

Schemathesis's report tells its findings about the server (check failures; a server that drops
connections or stops answering; a definition it cannot use) from its own trouble (an internal
error such as `SystemError: AST constructor recursion depth mismatch`, once seen with several
workers; a crash before the report is written). Findings about the server always fail the test.
The tool's own trouble is run again once; if it happens again the test is skipped, saying so,
after checking the server is still healthy: a crashing tool cannot fail the suite, and cannot
hide a dead server either.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

SEED = "20261122"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
# Error titles of schemathesis's report that are its own trouble, not about the server or /api
# (engine/errors.py: "Runtime Error" is what any unexpected exception inside it is called).
TOOL_SIDE = {"Runtime Error", "Test Execution Error"}


def schemathesis(live_url: str, where: Path, attempt: int) -> tuple[dict | None, str]:
    """The run's JSON report (None when schemathesis died before writing it) and its output."""
    exe = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or "schemathesis"
    report = where / f"report-{attempt}.json"
    # too_slow: a health check on how long generating data takes, which a loaded machine trips.
    run = subprocess.run(
        [exe, "run", f"{live_url}/api", "--checks", CHECKS, "--max-examples", "25", "--seed", SEED,
         "--generation-deterministic", "--workers", "1", "--suppress-health-check", "too_slow",
         "--no-color", "--report", "json", "--report-json-path", str(report)],
        capture_output=True, text=True, timeout=900, cwd=where)
    output = run.stdout[-8000:] + run.stderr[-3000:]
    return (json.loads(report.read_text()) if report.exists() else None), output


def tool_trouble(report: dict | None) -> list:
    if report is None:
        return ["schemathesis ended without writing its report"]
    return [e for e in report["errors"] if e["title"] in TOOL_SIDE]


def assert_no_finding(report: dict | None, output: str) -> None:
    """What the report says about the server, even when the run was cut short by the tool."""
    if report is None:
        return
    assert report["failures"] == [], output  # a 5xx, or a status/media type/body /api does not describe
    about_server = [e for e in report["errors"] if e["title"] not in TOOL_SIDE]
    assert about_server == [], output  # dropped connections, no answer, a definition it cannot use


@pytest.mark.slow  # ~70 s
def test_every_response_is_documented_and_none_is_a_server_error(live_url, tmp_path):
    report, output = schemathesis(live_url, tmp_path, attempt=1)
    assert_no_finding(report, output)
    if tool_trouble(report):
        report, output = schemathesis(live_url, tmp_path, attempt=2)
        assert_no_finding(report, output)
    if tool_trouble(report):
        health = httpx.get(f"{live_url}/healthz", timeout=30)
        assert health.status_code == 200 and health.json()["status"] == "ok", health.text
        pytest.skip(f"schemathesis itself failed twice (not a finding about the server): "
                    f"{tool_trouble(report)}\n{output}")
    assert report["operations"]["tested"] == report["operations"]["selected"] > 80, report["operations"]
    assert report["test_cases"]["generated"] > 3000 and report["phases"]["stateful"]["status"] == "success", report


def test_the_tools_own_crash_is_told_from_a_finding_about_the_server():
    """The sorting above, on reports as schemathesis writes them."""
    crashed = {"failures": [], "errors": [{"title": "Runtime Error", "count": 1}]}
    assert tool_trouble(crashed) and tool_trouble(None)
    assert_no_finding(crashed, "")  # its own crash is no finding
    assert_no_finding(None, "")
    for finding in ({"failures": [{"title": "Server error", "count": 1}], "errors": []},
                    {"failures": [], "errors": [{"title": "Network Error", "count": 3}]},
                    {"failures": [], "errors": [{"title": "Schema Error", "count": 1}]},
                    {"failures": [{"title": "Server error", "count": 1}], "errors": [{"title": "Runtime Error", "count": 1}]}):
        with pytest.raises(AssertionError):
            assert_no_finding(finding, "")
