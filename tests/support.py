"""Small helpers shared by tests (fixtures live in conftest.py)."""
from __future__ import annotations

DEMO_HOUSEHOLDS = 5_000
DEMO_SEED = 7


def scalar(conn, query, *args):
    return conn.execute(query, args).fetchone()[0]
