"""One release published per test session from a read-only demo copy of its own, and apps serving it.

Publishing (six formats and PMTiles for 14 datasets) is the slow part, so the modules that only
read a release share one; tests that write (test_release.py) use `demo_db` copies instead.
"""
from __future__ import annotations


import pytest

from api.app import create_app
from tests.support import serve, started_client
from layers.jobs.opendata.release import publish
from tiles.pmtiles_export import pmtiles_writer, writer_key


@pytest.fixture(scope="session")
def od_demo(databases, demo_template) -> str:
    return databases.create(template=demo_template)


@pytest.fixture(scope="session")
def od_settings(settings, tmp_path_factory):
    """Settings writing releases to a folder of their own; PMTiles to z10 keep it quick."""
    return settings.model_copy(update={"opendata_dir": tmp_path_factory.mktemp("opendata"),
                                       "pmtiles_max_zoom": 10})


@pytest.fixture(scope="session")
def release(od_settings, od_demo):
    result = publish(od_settings, od_demo, extra=pmtiles_writer(od_settings),
                     extra_key=writer_key(od_settings))
    assert result.version == "1.0.0", result.message
    return result


@pytest.fixture(scope="module")
def od_client(od_settings, od_demo, release):
    with started_client(od_settings, od_demo) as c:
        yield c


@pytest.fixture(scope="module")
def od_live_url(od_settings, od_demo, release):
    """A real HTTP server for clients that need a URL (the notebooks)."""
    with serve(create_app(od_settings, url=od_demo)) as url:
        yield url
