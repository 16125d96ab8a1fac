"""Requests generated from the OpenAPI document (schemathesis): nothing a client sends is a 5xx.

Schemathesis's own runner is used (its coverage phase tries boundary values such as ids beyond
bigint, its fuzzing phase random ones, its stateful phase follows links), against a real server
over HTTP on the demo database. A fixed seed makes a failure reproduce.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

SEED = "20261122"


def test_no_request_gets_a_server_error(live_url, tmp_path):
    exe = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or "schemathesis"
    run = subprocess.run(
        [exe, "run", f"{live_url}/openapi.json", "--checks", "not_a_server_error", "--max-examples", "40",
         "--seed", SEED, "--workers", "2", "--no-color"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "generated" in run.stdout and " passed" in run.stdout
