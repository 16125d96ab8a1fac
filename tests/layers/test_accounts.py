"""Account rules that need no HTTP: validation, hashing, the area-scope rule."""
from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from layers.db.engines import async_engine, connection
from layers.write import accounts
from layers.write.accounts import AccountError, User, area_covers, check_user, create_user, scope_condition
from layers.db.models import GrowingArea


@pytest.mark.parametrize("name, role, areas, message", [
    ("a b", "viewer", [], "no spaces"),
    ("", "viewer", [], "1–80"),
    ("x", "farmer", [], "roles: admin, province_staff, commune_staff, tourism_promoter, viewer"),
    ("x", "commune_staff", [], "5-digit commune codes"),
    ("x", "commune_staff", ["40"], "5-digit commune codes"),
    ("x", "province_staff", ["16708"], "2-digit province codes"),
    ("x", "viewer", ["4O"], "not 4O"),
])
def test_bad_accounts_are_refused_with_a_reason(name, role, areas, message):
    with pytest.raises(AccountError, match=message):
        check_user(name, role, areas)


def test_areas_are_deduplicated_and_admins_need_none():
    assert check_user("a", "commune_staff", ["16708", "16681", "16708"]) == ("16681", "16708")
    assert check_user("root", "admin", []) == ()


def test_area_rule():
    assert area_covers(["16708"], "16708", "40")
    assert not area_covers(["16708"], "16681", "40")
    assert area_covers(["40"], "16681", "40")
    assert not area_covers(["42"], "16681", "40")
    assert not area_covers([], "16681", None)
    assert area_covers([], "16681", None, role="admin")


def test_scope_condition_matches_the_rule_in_sql(demo_db, settings):
    """The SQL form (for listing many rows) and the Python form agree on every demo area."""
    from layers.db.engines import sync_engine

    engine = sync_engine(settings, demo_db)
    with engine.connect() as conn:
        rows = conn.execute(select(GrowingArea.id, GrowingArea.commune_code)).all()
        some_commune = rows[0].commune_code
        for user in (User("a", "commune_staff", (some_commune,)), User("b", "province_staff", ("40",)),
                     User("c", "province_staff", ("42",)), User("d", "admin", ())):
            ids = set(conn.execute(select(GrowingArea.id).where(
                scope_condition(user, GrowingArea.commune_code))).scalars())
            expected = {r.id for r in rows if area_covers(user.areas, r.commune_code, "40", user.role)}
            assert ids == expected, user
            assert ids or user.areas == ("42",)
    engine.dispose()


def test_duplicate_names_and_unknown_areas(demo_db):
    with connection(demo_db) as conn:
        create_user(conn, "xa", "commune_staff", ["16708"])
        with pytest.raises(AccountError, match="exists already"):
            create_user(conn, "xa", "viewer", [])
        assert accounts.unknown_areas(conn, ["40", "16708", "99999", "41"]) == ["41", "99999"]


def _web(url: str, settings, work):
    """Run `work(conn)` as the app does: an AsyncConnection in one transaction."""
    async def go():
        engine = async_engine(settings, url)
        try:
            async with engine.begin() as conn:
                return await work(conn)
        finally:
            await engine.dispose()
    return asyncio.run(go())


def _login(url: str, settings, name: str, password: str):
    """What POST /auth/login decides: the user when the password is right, else None."""
    async def work(conn):
        return accounts.verify_password(await accounts.password_user(conn, name), password)
    return _web(url, settings, work)


def test_passwords_are_argon2_and_checked(demo_db, settings):
    with connection(demo_db) as conn:
        with pytest.raises(AccountError, match="at least 10"):
            create_user(conn, "xa", "viewer", [], password="short")
        create_user(conn, "xa", "viewer", [], password="long enough pw")
        stored = conn.exec_driver_sql("SELECT password_hash FROM private.users").fetchone()[0]
        assert stored.startswith("$argon2id$") and "long enough" not in stored
    assert _login(demo_db, settings, "xa", "long enough pw").name == "xa"
    assert _login(demo_db, settings, "xa", "long enough px") is None
    with connection(demo_db) as conn:
        accounts.set_password(conn, "xa", "another long one")
    assert _login(demo_db, settings, "xa", "long enough pw") is None
    assert _login(demo_db, settings, "xa", "another long one").role == "viewer"


def test_token_round_trip_and_revoke_all(demo_db, settings):
    def authenticate(token):
        return _web(demo_db, settings, lambda conn: accounts.authenticate_token(conn, token))

    with connection(demo_db) as conn:
        create_user(conn, "xa", "viewer", [])
        tokens = [accounts.issue_token(conn, "xa", days=3) for _ in range(2)]
    assert all(authenticate(t).name == "xa" for t in tokens)
    with connection(demo_db) as conn:
        assert len(accounts.revoke(conn, "xa")) == 2
    assert all(authenticate(t) is None for t in tokens)
    with connection(demo_db) as conn:
        with pytest.raises(AccountError, match="no user named"):
            accounts.issue_token(conn, "nobody")
        with pytest.raises(AccountError, match="at least one day"):
            accounts.issue_token(conn, "xa", days=0)


def test_sessions(demo_db, settings):
    with connection(demo_db) as conn:
        create_user(conn, "xa", "commune_staff", ["16708"])
    session_id, csrf = _web(demo_db, settings, lambda conn: accounts.create_session(conn, "xa", hours=1))
    user, stored_csrf = _web(demo_db, settings, lambda conn: accounts.session_user(conn, session_id))
    assert (user.name, user.method, user.areas, stored_csrf) == ("xa", "session", ("16708",), csrf)
    assert _web(demo_db, settings, lambda conn: accounts.session_user(conn, csrf)) is None  # the CSRF token is no session id
    _web(demo_db, settings, lambda conn: accounts.delete_session(conn, session_id))
    assert _web(demo_db, settings, lambda conn: accounts.session_user(conn, session_id)) is None
    with pytest.raises(AccountError, match="no user named"):
        _web(demo_db, settings, lambda conn: accounts.create_session(conn, "nobody", hours=1))
