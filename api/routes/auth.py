"""/auth/login, /auth/logout, /auth/me: web sessions for the staff pages.

Login answers the same 401 for an unknown user and a wrong password, and slows down guessing:
after a few failures for one name from one address, that pair waits (429 + Retry-After).
"""
from __future__ import annotations

import time
from collections import defaultdict, deque

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse, Response

from api.auth import (CSRF_COOKIE, ROLE_LABELS, SESSION_COOKIE, User, _from_request, current_user,
                      unauthorized)
from layers import accounts

router = APIRouter(prefix="/auth", tags=["accounts"])

FAILURES_ALLOWED = 5
FAILURE_WINDOW_S = 300


class LoginThrottle:
    """Failed logins per (name, client address) in the last few minutes, in this process."""

    def __init__(self) -> None:
        self.failures: dict[tuple[str, str], deque] = defaultdict(deque)

    def wait_s(self, key) -> int:
        recent = self.failures.get(key)
        now = time.monotonic()
        while recent and now - recent[0] > FAILURE_WINDOW_S:
            recent.popleft()
        if recent is not None and not recent:
            del self.failures[key]
        if recent and len(recent) >= FAILURES_ALLOWED:
            return int(FAILURE_WINDOW_S - (now - recent[0])) + 1
        return 0

    def failed(self, key) -> None:
        self.failures[key].append(time.monotonic())

    def succeeded(self, key) -> None:
        self.failures.pop(key, None)


def describe(user: User, csrf: str | None) -> dict:
    vi, en = ROLE_LABELS[user.role]
    body = {"name": user.name, "role": user.role, "role_label": {"vi": vi, "en": en},
            "areas": list(user.areas), "method": user.method}
    if csrf is not None:
        body["csrf_token"] = csrf
    return body


async def _credentials(request: Request) -> tuple[str, str]:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            data = await request.json()
        except ValueError:
            raise HTTPException(400, "the body is not valid JSON") from None
        if not isinstance(data, dict):
            raise HTTPException(400, "the body must be a JSON object {\"username\", \"password\"}")
    elif kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
        data = dict(await request.form())
    else:
        raise HTTPException(415, "send the username and password as JSON or as a form")
    username, password = data.get("username"), data.get("password")
    missing = [k for k, v in (("username", username), ("password", password)) if not isinstance(v, str) or not v]
    if missing:
        raise HTTPException(400, f"missing {' and '.join(missing)}")
    if len(username) > 80 or len(password) > 1024:
        raise HTTPException(400, "username or password too long")
    return username, password


@router.post("/login", summary="Log in with a user name and password; sets the session cookie")
async def login(request: Request) -> JSONResponse:
    username, password = await _credentials(request)
    throttle = getattr(request.app.state, "login_throttle", None)
    if throttle is None:
        throttle = request.app.state.login_throttle = LoginThrottle()
    key = (username, request.client.host if request.client else "")
    wait = throttle.wait_s(key)
    if wait:
        raise HTTPException(429, f"too many failed logins; try again in {wait} s", headers={"Retry-After": str(wait)})
    settings = request.app.state.settings
    async with request.app.state.engine.begin() as conn:
        user = await accounts.aauthenticate_password(conn, username, password)
        if user is None:
            throttle.failed(key)
            raise unauthorized("unknown user name or wrong password")
        throttle.succeeded(key)
        # A fresh session id at every login (no fixation); the old one, and expired ones, go.
        await accounts.adelete_session(conn, request.cookies.get(SESSION_COOKIE, ""))
        session_id, csrf = await accounts.acreate_session(conn, user, settings.session_hours)
    response = JSONResponse(describe(user, csrf))
    secure = request.url.scheme == "https"
    age = settings.session_hours * 3600
    response.set_cookie(SESSION_COOKIE, session_id, max_age=age, httponly=True, samesite="lax",
                        secure=secure, path="/")
    # Readable by this site's scripts (to echo it in X-CSRF-Token); useless to anyone else.
    response.set_cookie(CSRF_COOKIE, csrf, max_age=age, httponly=False, samesite="lax", secure=secure, path="/")
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/logout", status_code=204, summary="End this web session")
async def logout(request: Request) -> Response:
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id and request.headers.get("authorization") is None:
        try:
            await _from_request(request)  # a live session must show its CSRF token to end
        except HTTPException as exc:
            if exc.status_code != 401:  # an expired session: nothing to end, just clear cookies
                raise
        async with request.app.state.engine.begin() as conn:
            await accounts.adelete_session(conn, session_id)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.get("/me", summary="Who is logged in (and the CSRF token for a web session)")
async def me(request: Request, user: User = Depends(current_user)) -> JSONResponse:
    csrf = getattr(request.state, "csrf_token", None)
    return JSONResponse(describe(user, csrf), headers={"Cache-Control": "no-store"})
