"""Fixtures of the layers tests."""
from __future__ import annotations

import psycopg
import pytest


class Checking(psycopg.Connection):
    """The test's own connection, for looking; `url` is where the job under test connects
    (tests.layers.import_files.run), as `ntm-map import` does."""

    url: str


@pytest.fixture
def db(demo_db):
    """Autocommit, so each import is its own transaction and a failure can be seen from outside."""
    with Checking.connect(demo_db, autocommit=True) as conn:
        conn.url = demo_db
        yield conn
