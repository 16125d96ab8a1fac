"""`ntm-map users add --role cooperative --cooperative ID`: the cooperative is required for that
role and refused for any other, an unknown id is said plainly, and `users list` shows it."""
from __future__ import annotations

import psycopg

from tests.api.test_cli_users import TOKEN, _me, cli, client  # noqa: F401  (fixtures)


def _cooperative(url: str) -> tuple[int, str]:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT id, name FROM cooperatives ORDER BY id LIMIT 1").fetchone()


def test_a_cooperative_account_acts_for_its_cooperative(cli, client, demo_db):  # noqa: F811
    coop, name = _cooperative(demo_db)
    out = cli("users", "add", "htx.cam", "--role", "cooperative", "--cooperative", str(coop))
    assert f"for cooperative {coop} ({name})" in out
    (token,) = TOKEN.findall(out)
    me = _me(client, token).json()
    assert me["role"] == "cooperative" and me["cooperative_id"] == coop and me["areas"] == []
    listing = cli("users", "list")
    line = next(line for line in listing.splitlines() if line.startswith("htx.cam"))
    assert f"HTX {coop} {name}" in line and "cooperative" in line
    with psycopg.connect(demo_db) as conn:
        assert conn.execute("SELECT cooperative_id FROM private.users WHERE name = 'htx.cam'").fetchone() == (coop,)


def test_the_cooperative_is_required_exactly_for_that_role(cli, demo_db):  # noqa: F811
    coop, _ = _cooperative(demo_db)
    assert "needs the id of its cooperative (--cooperative 12)" in cli("users", "add", "a", "--role", "cooperative",
                                                                        ok=False)
    assert "only a cooperative account has a cooperative" in cli(
        "users", "add", "b", "--role", "province_staff", "--area", "40", "--cooperative", str(coop), ok=False)
    assert "not for --area" in cli("users", "add", "c", "--role", "cooperative", "--cooperative", str(coop),
                                   "--area", "40", ok=False)
    assert "no cooperative has the id 999999" in cli("users", "add", "d", "--role", "cooperative",
                                                     "--cooperative", "999999", ok=False)
    assert "--cooperative" in cli("users", "add", "e", "--role", "cooperative", "--cooperative", "0", ok=False)
    with psycopg.connect(demo_db) as conn:  # nothing half-made
        assert conn.execute("SELECT count(*) FROM private.users WHERE name IN ('a', 'b', 'c', 'd', 'e')").fetchone() == (0,)
