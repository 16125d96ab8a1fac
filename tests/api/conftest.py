"""Apps over the demo database: one shared read-only database per module, own copies for writes."""
from __future__ import annotations


import pytest

from api.app import create_app
from tests.support import serve, started_client


@pytest.fixture(scope="module")
def reader(settings, shared_demo):
    with started_client(settings, shared_demo) as c:
        yield c


@pytest.fixture
def writer(app_client, demo_db):
    """A client on a database of its own, for tests that edit data behind the API."""
    return app_client(demo_db)


@pytest.fixture(scope="module")
def live_url(settings, shared_demo):
    """A real HTTP server (uvicorn in a thread) for clients that need a URL: GDAL, OWSLib."""
    with serve(create_app(settings, url=shared_demo)) as url:
        yield url
