"""`ntm-map users …` run through click against a real database: tokens it prints work."""
from __future__ import annotations

import re

import psycopg
import pytest
from click.testing import CliRunner

from api.cli import main

TOKEN = re.compile(r"^(ntm_[A-Za-z0-9_-]{43})$", re.M)


@pytest.fixture
def cli(demo_db):
    runner = CliRunner()

    def run(*args, input=None, ok=True):
        result = runner.invoke(main, list(args), input=input, env={"DATABASE_URL": demo_db})
        assert (result.exit_code == 0) == ok, result.output
        return result.output

    return run


@pytest.fixture
def client(app_client, demo_db):
    return app_client(demo_db)


def _me(client, token):
    return client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})


def test_add_prints_a_token_that_authenticates_and_revoke_kills_it(cli, client):
    out = cli("users", "add", "xa.dien", "--role", "commune_staff", "--area", "16708")
    (token,) = TOKEN.findall(out)
    r = _me(client, token)
    assert r.status_code == 200 and r.json()["areas"] == ["16708"] and r.json()["role"] == "commune_staff"
    second = TOKEN.findall(cli("users", "token", "xa.dien", "--days", "7"))[0]
    assert "revoked 2 tokens" in cli("users", "revoke", "xa.dien", "--all")
    assert _me(client, token).status_code == 401
    assert _me(client, second).status_code == 401


def test_revoke_one_token_by_id(cli, client, demo_db):
    first = TOKEN.findall(cli("users", "add", "tinh", "--role", "province_staff", "--area", "40"))[0]
    second = TOKEN.findall(cli("users", "token", "tinh"))[0]
    listing = cli("users", "list", "--tokens")
    ids = re.findall(r"token (\d+): created", listing)
    assert len(ids) == 2 and first not in listing and second not in listing
    assert f"ids {ids[0]}" in cli("users", "revoke", "tinh", "--token", ids[0])
    assert _me(client, first).status_code == 401
    assert _me(client, second).status_code == 200
    assert "no live token with id" in cli("users", "revoke", "tinh", "--token", ids[0], ok=False)


def test_password_is_asked_twice_and_lets_the_user_log_in(cli, client, demo_db):
    cli("users", "add", "web", "--role", "viewer", "--password", input="a long password\na long password\n")
    r = client.post("/auth/login", json={"username": "web", "password": "a long password"})
    assert r.status_code == 200
    with psycopg.connect(demo_db) as conn:
        assert "a long password" not in conn.execute("SELECT password_hash FROM private.users").fetchone()[0]


def test_list_shows_no_secrets(cli, demo_db):
    token = TOKEN.findall(cli("users", "add", "a", "--role", "admin"))[0]
    out = cli("users", "list")
    assert re.search(r"^a\s+admin\s+-\s+no\s+1", out, re.M), out
    with psycopg.connect(demo_db) as conn:
        digest = conn.execute("SELECT token_hash FROM private.api_tokens").fetchone()[0]
    assert token not in out and digest not in out


@pytest.mark.parametrize("args, message", [
    (("--role", "farmer", "--area", "40"), "roles: admin, province_staff, commune_staff"),
    (("--role", "commune_staff", "--area", "99999"), "unknown area code 99999"),
    (("--role", "province_staff", "--area", "41", "--area", "42"), "unknown area codes 41, 42"),
    (("--role", "commune_staff"), "5-digit commune codes"),
])
def test_bad_add_says_why(cli, args, message):
    out = cli("users", "add", "someone", *args, ok=False)
    assert message in out and "Traceback" not in out


def test_duplicate_names_and_unknown_users_say_so(cli):
    cli("users", "add", "dup", "--role", "viewer")
    assert "exists already" in cli("users", "add", "dup", "--role", "viewer", ok=False)
    assert "no user named 'ghost'" in cli("users", "token", "ghost", ok=False)
    assert "no user named 'ghost'" in cli("users", "revoke", "ghost", "--all", ok=False)
    assert "say which" in cli("users", "revoke", "dup", ok=False)


def test_short_password_is_refused_without_creating_the_user(cli):
    out = cli("users", "add", "p", "--role", "viewer", "--password", input="short\nshort\n", ok=False)
    assert "at least 10 characters" in out
    assert "no user named 'p'" in cli("users", "token", "p", ok=False)


def test_disable_ends_tokens_and_sessions_and_enable_needs_a_new_token(cli, client):
    token = TOKEN.findall(cli("users", "add", "left", "--role", "viewer", "--password",
                              input="a long password\na long password\n"))[0]
    assert client.post("/auth/login", json={"username": "left", "password": "a long password"}).status_code == 200
    assert client.get("/auth/me").status_code == 200
    assert "disabled" in cli("users", "disable", "left")
    assert _me(client, token).status_code == 401
    assert client.get("/auth/me").status_code == 401  # the browser session ended too
    assert client.post("/auth/login", json={"username": "left", "password": "a long password"}).status_code == 401
    assert "(disabled)" in cli("users", "list")
    cli("users", "enable", "left")
    assert _me(client, token).status_code == 401  # old tokens stay revoked
    assert _me(client, TOKEN.findall(cli("users", "token", "left"))[0]).status_code == 200
