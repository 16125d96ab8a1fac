"""Who is calling: FastAPI dependencies for Bearer tokens and cookie sessions.

A request proves itself with `Authorization: Bearer <token>` (scripts, the CLI's tokens) or
the `ntm_session` cookie (the staff pages). A cookie is sent by the browser on its own, so a
cookie-authenticated unsafe request must also carry `X-CSRF-Token` equal to its session's token,
which only a page of this site can read (cookie `ntm_csrf`, or `GET /auth/me`). A Bearer header
is never added by a browser on its own, so it needs no CSRF token. CORS allows only safe methods,
and never credentials, so other sites cannot even send a write.
"""
from __future__ import annotations

import hmac

from fastapi import Depends, Request

from api.i18n.refusal import Refusal
from geo.said import Said
from layers.write import accounts
from layers.write.accounts import User, actor_of

__all__ = ["User", "actor_of", "current_user", "optional_user", "require_roles", "SESSION_COOKIE",
           "CSRF_COOKIE", "CSRF_HEADER"]

SESSION_COOKIE = "ntm_session"
CSRF_COOKIE = "ntm_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def unauthorized(key: str, error: str | None = None, **values) -> Refusal:
    """The 401 with its challenge, in the catalogue's words (`errors.api.auth.<key>`)."""
    challenge = 'Bearer realm="ntm-map"' + (f', error="{error}"' if error else "")
    return Refusal(401, f"errors.api.auth.{key}", headers={"WWW-Authenticate": challenge}, **values)


async def _from_request(request: Request, optional: bool = False) -> User | None:
    """The caller, None when no credentials came, 401 when credentials came and are no good
    (but with `optional`, a stale session cookie just means anonymous: a browser keeps sending
    it after expiry, and public pages must not fail for that)."""
    if hasattr(request.state, "user"):
        return request.state.user
    header = request.headers.get("authorization")
    session_id = request.cookies.get(SESSION_COOKIE)
    user = None
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise unauthorized("header", "invalid_request")
        async with request.app.state.engine.begin() as conn:
            user = await accounts.authenticate_token(conn, token.strip())
        if user is None:
            raise unauthorized("token", "invalid_token")
    elif session_id:
        async with request.app.state.engine.connect() as conn:
            found = await accounts.session_user(conn, session_id)
        if found is None:
            if optional:
                return None
            raise unauthorized("session")
        user, csrf = found
        if request.method not in SAFE_METHODS:
            sent = request.headers.get(CSRF_HEADER, "")
            if not hmac.compare_digest(sent.encode(), csrf.encode()):
                raise Refusal(403, "errors.api.auth.csrf", header=CSRF_HEADER, cookie=CSRF_COOKIE)
        request.state.csrf_token = csrf
    request.state.user = user
    return user


async def optional_user(request: Request) -> User | None:
    """For endpoints that answer everyone but show staff more (e.g. history)."""
    return await _from_request(request, optional=True)


async def current_user(request: Request) -> User:
    user = await _from_request(request)
    if user is None:
        raise unauthorized("missing")
    return user


def require_roles(*roles: str):
    """A dependency admitting the given roles (and admins); 403 for anyone else."""
    unknown = set(roles) - set(accounts.ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")

    async def dependency(user: User = Depends(current_user)) -> User:
        if user.role != "admin" and user.role not in roles:
            raise Refusal(403, "errors.api.auth.role", role=user.role,
                          roles=Said(" or ".join(roles), "errors.api.auth.roles", listed=", ".join(roles)))
        return user

    return dependency
