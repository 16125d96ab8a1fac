"""Account rules that need no HTTP: validation, hashing, the area-scope rule."""
from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import select

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
    with psycopg.connect(demo_db) as conn:
        create_user(conn, "xa", "commune_staff", ["16708"])
        with pytest.raises(AccountError, match="exists already"):
            create_user(conn, "xa", "viewer", [])
        assert accounts.unknown_areas(conn, ["40", "16708", "99999", "41"]) == ["41", "99999"]


def test_passwords_are_argon2_and_checked(demo_db):
    with psycopg.connect(demo_db) as conn:
        with pytest.raises(AccountError, match="at least 10"):
            create_user(conn, "xa", "viewer", [], password="short")
        create_user(conn, "xa", "viewer", [], password="long enough pw")
        stored = conn.execute("SELECT password_hash FROM private.users").fetchone()[0]
        assert stored.startswith("$argon2id$") and "long enough" not in stored
        assert accounts.authenticate_password(conn, "xa", "long enough pw").name == "xa"
        assert accounts.authenticate_password(conn, "xa", "long enough px") is None
        accounts.set_password(conn, "xa", "another long one")
        assert accounts.authenticate_password(conn, "xa", "long enough pw") is None
        assert accounts.authenticate_password(conn, "xa", "another long one").role == "viewer"


def test_sync_token_round_trip_and_revoke_all(demo_db):
    with psycopg.connect(demo_db) as conn:
        create_user(conn, "xa", "viewer", [])
        tokens = [accounts.issue_token(conn, "xa", days=3) for _ in range(2)]
        assert all(accounts.authenticate_token(conn, t).name == "xa" for t in tokens)
        assert len(accounts.revoke(conn, "xa")) == 2
        assert all(accounts.authenticate_token(conn, t) is None for t in tokens)
        with pytest.raises(AccountError, match="no user named"):
            accounts.issue_token(conn, "nobody")
        with pytest.raises(AccountError, match="at least one day"):
            accounts.issue_token(conn, "xa", days=0)



def test_sync_sessions(demo_db):
    with psycopg.connect(demo_db) as conn:
        create_user(conn, "xa", "commune_staff", ["16708"])
        session_id, csrf = accounts.create_session(conn, "xa", hours=1)
        user, stored_csrf = accounts.session_user(conn, session_id)
        assert (user.name, user.method, user.areas, stored_csrf) == ("xa", "session", ("16708",), csrf)
        assert accounts.session_user(conn, csrf) is None  # the CSRF token is no session id
        accounts.delete_session(conn, session_id)
        assert accounts.session_user(conn, session_id) is None
        with pytest.raises(AccountError, match="no user named"):
            accounts.create_session(conn, "nobody")
