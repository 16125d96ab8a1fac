"""Fixtures of the layers tests."""
from __future__ import annotations

import psycopg
import pytest


@pytest.fixture
def db(demo_db):
    """Autocommit, so each import is its own transaction and a failure can be seen from outside."""
    with psycopg.connect(demo_db, autocommit=True) as conn:
        yield conn
