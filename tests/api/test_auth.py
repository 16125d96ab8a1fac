"""Who may call: Bearer tokens, cookie sessions with CSRF, roles (issue 5 item 1)."""
from __future__ import annotations

import psycopg
import pytest
from fastapi import Depends

from api.auth import User, current_user, optional_user, require_roles
from layers.db.engines import connection
from layers.write.accounts import create_user, issue_token, revoke

PASSWORD = "correct horse battery"


@pytest.fixture
def app_db(app_client, demo_db):
    """An app with two tiny protected routes, over a database holding two users."""
    with connection(demo_db) as conn:
        create_user(conn, "xa.staff", "commune_staff", ["16708"], password=PASSWORD)
        create_user(conn, "tinh.staff", "province_staff", ["40"])
    client = app_client(demo_db)
    app = client.app

    @app.post("/_test/province-only")
    async def province_only(user: User = Depends(require_roles("province_staff"))):
        return {"name": user.name}

    @app.get("/_test/maybe")
    async def maybe(user: User | None = Depends(optional_user)):
        return {"name": user.name if user else None}

    @app.post("/_test/anyone")
    async def anyone(user: User = Depends(current_user)):
        return {"name": user.name, "method": user.method}

    return client, demo_db


def _token(url, name, **kw) -> str:
    with connection(url) as conn:
        return issue_token(conn, name, **kw)


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def _assert_401(r):
    assert r.status_code == 401, r.text
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    body = r.json()
    assert body["status"] == 401 and body["code"] == "Unauthorized" and body["description"]


def test_no_credentials_is_401(app_db):
    client, _ = app_db
    _assert_401(client.get("/auth/me"))
    _assert_401(client.post("/_test/anyone"))


def test_a_valid_token_identifies_its_user(app_db):
    client, url = app_db
    r = client.get("/auth/me", headers=_bearer(_token(url, "xa.staff")))
    assert r.status_code == 200
    assert r.json()["name"] == "xa.staff" and r.json()["role"] == "commune_staff"
    assert r.json()["areas"] == ["16708"] and "csrf_token" not in r.json()
    # Bearer requests need no CSRF token, even for POST.
    r = client.post("/_test/anyone", headers=_bearer(_token(url, "xa.staff")))
    assert r.json() == {"name": "xa.staff", "method": "token"}


@pytest.mark.parametrize("header", ["Bearer ntm_not-a-real-token", "Bearer ", "Basic eGE6eQ==", "ntm_abc"])
def test_a_wrong_or_malformed_token_is_401(app_db, header):
    client, url = app_db
    _token(url, "xa.staff")
    _assert_401(client.get("/auth/me", headers={"Authorization": header}))


def test_an_expired_token_is_401(app_db):
    client, url = app_db
    token = _token(url, "xa.staff", days=1)
    assert client.get("/auth/me", headers=_bearer(token)).status_code == 200
    with psycopg.connect(url) as conn:
        conn.execute("UPDATE private.api_tokens SET expires_at = now() - interval '1 second'")
    _assert_401(client.get("/auth/me", headers=_bearer(token)))


def test_a_revoked_token_is_401_and_others_still_work(app_db):
    client, url = app_db
    first, second = _token(url, "xa.staff"), _token(url, "xa.staff")
    with connection(url) as conn:
        ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM private.api_tokens ORDER BY id")]
        assert revoke(conn, "xa.staff", ids[0]) == [ids[0]]
    _assert_401(client.get("/auth/me", headers=_bearer(first)))
    assert client.get("/auth/me", headers=_bearer(second)).status_code == 200


def test_a_disabled_user_is_401(app_db):
    client, url = app_db
    token = _token(url, "xa.staff")
    with psycopg.connect(url) as conn:
        conn.execute("UPDATE private.users SET disabled = true WHERE name = 'xa.staff'")
    _assert_401(client.get("/auth/me", headers=_bearer(token)))


def test_tokens_are_stored_hashed(app_db):
    _, url = app_db
    token = _token(url, "xa.staff")
    with psycopg.connect(url) as conn:
        stored = conn.execute("SELECT token_hash FROM private.api_tokens").fetchone()[0]
    assert token not in stored and len(stored) == 64


def _login(client, username="xa.staff", password=PASSWORD, form=False):
    data = {"username": username, "password": password}
    return client.post("/auth/login", data=data) if form else client.post("/auth/login", json=data)


def test_password_login_sets_a_session_cookie_that_works(app_db):
    client, _ = app_db
    r = _login(client)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["name"] == "xa.staff" and body["csrf_token"]
    cookie = r.headers.get_list("set-cookie")
    session = next(c for c in cookie if c.startswith("ntm_session="))
    assert "HttpOnly" in session and "SameSite=lax" in session and "Secure" not in session
    assert any(c.startswith(f"ntm_csrf={body['csrf_token']}") for c in cookie)
    me = client.get("/auth/me")
    assert me.status_code == 200
    assert me.json()["method"] == "session" and me.json()["csrf_token"] == body["csrf_token"]


def test_form_login_works_too(app_db):
    client, _ = app_db
    assert _login(client, form=True).status_code == 200
    assert client.get("/auth/me").json()["name"] == "xa.staff"


def test_https_login_sets_secure_cookies(settings, app_db):
    client, _ = app_db
    r = client.post("https://testserver/auth/login", json={"username": "xa.staff", "password": PASSWORD})
    assert all("Secure" in c for c in r.headers.get_list("set-cookie"))


def test_unknown_user_and_wrong_password_look_the_same(app_db):
    client, _ = app_db
    a, b = _login(client, password="wrong password!"), _login(client, username="nobody")
    # A user with no password at all cannot log in either.
    c = _login(client, username="tinh.staff")
    for r in (a, b, c):
        _assert_401(r)
    assert a.json() == b.json() == c.json()
    assert "ntm_session" not in client.cookies


@pytest.mark.parametrize("kwargs, status", [
    ({"json": {"username": "xa.staff"}}, 400),
    ({"json": ["xa.staff", PASSWORD]}, 400),
    ({"content": b"{not json", "headers": {"Content-Type": "application/json"}}, 400),
    ({"content": b"username=xa.staff", "headers": {"Content-Type": "text/plain"}}, 415),
])
def test_bad_login_requests_are_4xx(app_db, kwargs, status):
    client, _ = app_db
    r = client.post("/auth/login", **kwargs)
    assert r.status_code == status and r.json()["description"]


def test_repeated_failures_are_throttled(app_db):
    client, _ = app_db
    for _ in range(5):
        _assert_401(_login(client, password="wrong password!"))
    r = _login(client)  # even the right password waits now
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0


def test_cookie_post_needs_the_csrf_token(app_db):
    client, _ = app_db
    csrf = _login(client).json()["csrf_token"]
    r = client.post("/_test/anyone")
    assert r.status_code == 403 and "X-CSRF-Token" in r.json()["description"]
    assert client.post("/_test/anyone", headers={"X-CSRF-Token": ("y" if csrf[0] == "x" else "x") + csrf[1:]}).status_code == 403
    r = client.post("/_test/anyone", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.json() == {"name": "xa.staff", "method": "session"}


def test_logout_ends_the_session(app_db):
    client, url = app_db
    csrf = _login(client).json()["csrf_token"]
    stolen = client.cookies["ntm_session"]
    assert client.post("/auth/logout").status_code == 403  # forced logout needs the token too
    assert client.post("/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    _assert_401(client.get("/auth/me"))
    # The old cookie value is dead on the server, not just deleted in this browser.
    client.cookies.set("ntm_session", stolen)
    _assert_401(client.get("/auth/me"))
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM private.web_sessions").fetchone()[0] == 0


def test_an_expired_session_is_401(app_db):
    client, url = app_db
    _login(client)
    with psycopg.connect(url) as conn:
        conn.execute("UPDATE private.web_sessions SET expires_at = now() - interval '1 second'")
    _assert_401(client.get("/auth/me"))


def test_wrong_role_is_403(app_db):
    client, url = app_db
    r = client.post("/_test/province-only", headers=_bearer(_token(url, "xa.staff")))
    assert r.status_code == 403 and "province_staff" in r.json()["description"]
    assert r.json()["code"] == "Forbidden"
    r = client.post("/_test/province-only", headers=_bearer(_token(url, "tinh.staff")))
    assert r.status_code == 200 and r.json() == {"name": "tinh.staff"}


def test_cross_origin_writes_are_not_allowed_by_cors(app_db):
    client, _ = app_db
    r = client.options("/auth/login", headers={"Origin": "https://evil.example",
                                                "Access-Control-Request-Method": "POST"})
    assert "POST" not in r.headers.get("access-control-allow-methods", "")
    assert r.headers.get("access-control-allow-credentials") != "true"


def test_each_login_gets_a_new_session_and_the_old_one_ends(app_db):
    client, url = app_db
    _login(client)
    first = client.cookies["ntm_session"]
    _login(client)
    assert client.cookies["ntm_session"] != first
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM private.web_sessions").fetchone()[0] == 1


def test_optional_endpoints_treat_a_stale_cookie_as_anonymous_but_not_a_bad_token(app_db):
    client, url = app_db
    assert client.get("/_test/maybe").json() == {"name": None}
    _login(client)
    assert client.get("/_test/maybe").json() == {"name": "xa.staff"}
    with psycopg.connect(url) as conn:
        conn.execute("UPDATE private.web_sessions SET expires_at = now() - interval '1 second'")
    assert client.get("/_test/maybe").json() == {"name": None}
    _assert_401(client.get("/auth/me"))
    _assert_401(client.get("/_test/maybe", headers=_bearer("ntm_wrong")))
