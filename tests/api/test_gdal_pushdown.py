"""GDAL's OGC API - Features driver sends `-where` to the server (issue 12 item 2).

GDAL (3.6 in Debian, 3.12 in the pyogrio wheel) reads /api, looks up the items operation of
/collections/growing_areas/items, and turns `crop = 'tea'` into `?crop=tea` only when that
operation lists a `crop` query parameter (api.openapi.describe). Before, the definition had one
generic items operation without property parameters, so GDAL downloaded every growing area and
filtered them itself. The server records every request it gets; GDAL's own debug log
(CPL_DEBUG) shows what it fetched; the result must hold every public tea area and nothing else.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import psycopg
import pytest

from api.app import create_app
from tests.support import serve

PUBLIC = "status IN ('granted', 'suspended', 'revoked', 'expired')"  # the registry's public_filter


class RequestLog:
    """The app, recording each request's path and query string (the server's access log)."""

    def __init__(self, app) -> None:
        self.app, self.seen = app, []

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            self.seen.append(f"{scope['path']}?{scope['query_string'].decode('latin-1')}")
        await self.app(scope, receive, send)

    def pages_of(self, layer: str, since: int) -> list[str]:
        return [u for u in self.seen[since:] if u.startswith(f"/collections/{layer}/items?")]


@pytest.fixture(scope="module")
def server(settings, shared_demo):
    log = RequestLog(create_app(settings, url=shared_demo))
    with serve(log) as url:
        yield url, log


def tea_codes(url: str) -> set[str]:
    """Growing-area codes of the public tea areas (the oracle), checked to be a real subset."""
    with psycopg.connect(url) as conn:
        codes = {c for (c,) in conn.execute(f"SELECT code FROM growing_areas WHERE crop = 'tea' AND {PUBLIC}")}
        others = conn.execute(f"SELECT count(*) FROM growing_areas WHERE crop <> 'tea' AND {PUBLIC}").fetchone()[0]
    assert codes and others > len(codes), "the demo must hold tea areas and more of other crops"
    return codes


def assert_pushed(pages: list[str]) -> None:
    """Every page GDAL read after learning the layer's fields (its first, unfiltered probe of a
    few features) carried the filter: no unfiltered page was downloaded."""
    assert pages, "GDAL requested no items at all"
    probe, *reads = pages
    assert "crop=" not in probe and reads, pages
    assert all("crop=tea" in u for u in reads), pages


def test_debian_gdal_sends_the_where_to_the_server(server, shared_demo, tmp_path):
    url, log = server
    exe = shutil.which("ogr2ogr")
    assert exe, "ogr2ogr missing: gdal-bin is installed by packaging/system-deps.sh (make setup-test)"
    version = subprocess.run([shutil.which("ogrinfo") or "ogrinfo", "--version"], capture_output=True, text=True).stdout
    out = tmp_path / "tea.geojson"
    since = len(log.seen)
    run = subprocess.run(
        [exe, "-f", "GeoJSON", str(out), f"OAPIF:{url}/", "growing_areas", "-where", "crop = 'tea'"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "CPL_DEBUG": "ON"})
    assert run.returncode == 0, run.stderr[-3000:]
    fetched = [line for line in run.stderr.splitlines() if "Fetch(" in line and "/growing_areas/items" in line]
    assert any("crop=tea" in line for line in fetched), (version, fetched)
    assert "evaluated on client side" not in run.stderr
    assert_pushed(log.pages_of("growing_areas", since))
    feats = json.loads(out.read_text())["features"]
    assert {f["properties"]["crop"] for f in feats} == {"tea"}
    assert [f["properties"]["code"] for f in feats] and {f["properties"]["code"] for f in feats} == tea_codes(shared_demo)
    assert len(feats) == len(tea_codes(shared_demo))


# pyogrio holds the GIL while GDAL fetches, so it reads in a process of its own: in this one it
# would wait forever for the server thread. The configuration is set as a user of pyogrio would.
PYOGRIO_READ = """
import json, sys
import pyogrio
from geo import gdal_config  # imported as the app imports it: it must not restrict GDAL by itself
url, log = sys.argv[1:]
assert pyogrio.get_gdal_config_option("GDAL_HTTP_PROXY") is None, "GDAL left without network"
pyogrio.set_gdal_config_options({"CPL_DEBUG": "ON", "CPL_LOG": log})
df = pyogrio.read_dataframe("OAPIF:" + url + "/", layer="growing_areas", where="crop = 'tea'")
print(json.dumps({"gdal": pyogrio.__gdal_version_string__, "crops": sorted(set(df["crop"])),
                  "codes": sorted(df["code"])}))
"""


def test_pyogrio_gdal_sends_the_where_to_the_server(server, shared_demo, tmp_path):
    url, log = server
    debug_log = tmp_path / "gdal.log"
    since = len(log.seen)
    run = subprocess.run([sys.executable, "-c", PYOGRIO_READ, url, str(debug_log)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    got = json.loads(run.stdout)
    fetched = [line for line in debug_log.read_text().splitlines()
               if "Fetch(" in line and "/growing_areas/items" in line]
    assert any("crop=tea" in line for line in fetched), (got["gdal"], fetched)
    assert_pushed(log.pages_of("growing_areas", since))
    assert got["crops"] == ["tea"] and len(got["codes"]) == len(set(got["codes"])) == len(tea_codes(shared_demo))
    assert set(got["codes"]) == tea_codes(shared_demo)
