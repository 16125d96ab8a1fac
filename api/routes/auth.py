"""/auth/login, /auth/logout, /auth/me: web sessions for the staff pages.

Login answers the same 401 for an unknown user and a wrong password, at the same cost (argon2
against a dummy hash), and keeps guessing and load in check:
- the body is read up to LOGIN_MAX_BYTES and no further (413), whatever Content-Length says;
- failures are counted per (name, address), per address over all names and per name over all
  addresses; past a limit that key waits (429 + Retry-After) before any password is checked;
- at most `login_max_concurrent` argon2 verifications run at once, in threads, each after the
  database connection is given back; more than MAX_WAITING logins queued for one is a 503.
The address is the connecting peer's; X-Forwarded-For counts only from `trusted_proxies`
(api/http/host_check.py), so a client cannot pick a fresh address per guess.
"""
from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict, deque
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse, Response

from api.auth import CSRF_COOKIE, SESSION_COOKIE, User, _from_request, current_user, unauthorized
from api.http.limits import client_address
from api.i18n.refusal import Refusal
from geo.said import Said
from geo.vocabulary import ROLES
from layers.write import accounts

router = APIRouter(prefix="/auth", tags=["accounts"])

LOGIN_MAX_BYTES = 4096  # a name (80) and a password (1,024), as JSON or a form, with room to spare
FAILURE_WINDOW_S = 300
# Failures allowed per key within the window: one name from one address (a person mistyping),
# one address over every name (one client trying names: each also costs an argon2 run), one name
# from every address (a guess spread over addresses).
FAILURES_ALLOWED = {"pair": 5, "address": 20, "name": 20}
MAX_WAITING = 32  # logins queued for a verification slot (~50 ms each) before 503s


class LoginThrottle:
    """Failed logins in the last few minutes, in this process (each worker counts its own)."""

    def __init__(self, allowed: dict[str, int] | None = None, window_s: float = FAILURE_WINDOW_S,
                 max_keys: int = 100_000) -> None:
        self.allowed = allowed or FAILURES_ALLOWED
        self.window_s, self.max_keys = window_s, max_keys
        self.failures: dict[tuple, deque] = defaultdict(deque)

    @staticmethod
    def keys(name: str, address: str) -> list[tuple]:
        return [("pair", name, address), ("address", address), ("name", name)]

    def _recent(self, key, now: float) -> deque | None:
        recent = self.failures.get(key)
        while recent and now - recent[0] > self.window_s:
            recent.popleft()
        if recent is not None and not recent:
            del self.failures[key]
            return None
        return recent

    def wait_s(self, keys: list[tuple]) -> int:
        """Seconds until every key may try again (0: now)."""
        now, wait = time.monotonic(), 0
        for key in keys:
            recent = self._recent(key, now)
            if recent and len(recent) >= self.allowed[key[0]]:
                wait = max(wait, int(self.window_s - (now - recent[-self.allowed[key[0]]])) + 1)
        return wait

    def failed(self, keys: list[tuple]) -> None:
        now = time.monotonic()
        if len(self.failures) >= self.max_keys:  # many names or addresses: forget the stale ones
            for key in list(self.failures):
                self._recent(key, now)
        for key in keys:
            self.failures[key].append(now)

    def succeeded(self, keys: list[tuple]) -> None:
        """Only the (name, address) pair is forgiven: a login with one account that works must not
        reset the count of an address trying others."""
        self.failures.pop(keys[0], None)


def describe(user: User, csrf: str | None) -> dict:
    vi, en = ROLES[user.role]
    body = {"name": user.name, "role": user.role, "role_label": {"vi": vi, "en": en},
            "areas": list(user.areas), "method": user.method}
    if user.cooperative_id is not None:  # a cooperative account (issue 15)
        body["cooperative_id"] = user.cooperative_id
    if csrf is not None:
        body["csrf_token"] = csrf
    return body


def _too_large() -> Refusal:
    return Refusal(413, "errors.api.auth.body_size", max=Said(f"{LOGIN_MAX_BYTES:,}", "errors.number", n=LOGIN_MAX_BYTES))


async def _small_body(request: Request) -> bytes:
    """The body, refusing more than LOGIN_MAX_BYTES without reading further."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > LOGIN_MAX_BYTES):
        raise _too_large()
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > LOGIN_MAX_BYTES:
            raise _too_large()
        chunks.append(chunk)
    return b"".join(chunks)


async def _credentials(request: Request) -> tuple[str, str]:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("application/json", "application/x-www-form-urlencoded", "multipart/form-data"):
        raise Refusal(415, "errors.api.auth.body_type")
    raw = await _small_body(request)
    if kind == "application/json":
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            raise Refusal(400, "errors.api.auth.body_json") from None
        if not isinstance(data, dict):
            raise Refusal(400, "errors.api.auth.body_object")
    elif kind == "application/x-www-form-urlencoded":
        try:
            data = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
        except (UnicodeDecodeError, ValueError):
            raise Refusal(400, "errors.api.auth.body_utf8") from None
    else:
        request._body = raw  # Starlette parses a multipart form from the body already read
        data = dict(await request.form(max_files=0, max_fields=10))
    username, password = data.get("username"), data.get("password")
    missing = [k for k, v in (("username", username), ("password", password)) if not isinstance(v, str) or not v]
    if missing:
        raise Refusal(400, "errors.api.auth.missing_both" if len(missing) > 1 else "errors.api.auth.missing_one",
                      names=" and ".join(missing))
    if len(username) > 80 or len(password) > 1024:
        raise Refusal(400, "errors.api.auth.too_long")
    return username, password


def _state(request: Request, name: str, make):
    found = getattr(request.app.state, name, None)
    if found is None:
        found = make()
        setattr(request.app.state, name, found)
    return found


class LoginSlots:
    """At most `size` password verifications at once and `max_waiting` logins queued for one;
    beyond that a login is refused at once (503) rather than piling up."""

    def __init__(self, size: int, max_waiting: int = MAX_WAITING) -> None:
        self.free = asyncio.Semaphore(size)
        self.waiting, self.max_waiting = 0, max_waiting

    async def verify(self, found: accounts.PasswordUser | None, password: str, still_allowed) -> User | None:
        """argon2 in a thread. `still_allowed()` is asked again once a slot is free (failures may
        have come in meanwhile). The slot is given back when the thread ends, not when the
        request does: a client that hangs up cannot start more verifications than there are slots."""
        if self.waiting >= self.max_waiting:
            raise Refusal(503, "errors.api.auth.busy", headers={"Retry-After": "5"})
        self.waiting += 1
        try:
            await self.free.acquire()
        finally:
            self.waiting -= 1
        try:
            still_allowed()
        except BaseException:
            self.free.release()
            raise
        job = asyncio.get_running_loop().run_in_executor(None, accounts.verify_password, found, password)
        job.add_done_callback(lambda _: self.free.release())
        return await asyncio.shield(job)


@router.post("/login", summary="Log in with a user name and password; sets the session cookie")
async def login(request: Request) -> JSONResponse:
    username, password = await _credentials(request)
    settings = request.app.state.settings
    throttle = _state(request, "login_throttle", LoginThrottle)
    slots = _state(request, "login_slots", lambda: LoginSlots(settings.login_max_concurrent))
    keys = throttle.keys(username, client_address(request.client.host if request.client else None))

    def allowed() -> None:
        wait = throttle.wait_s(keys)
        if wait:
            raise Refusal(429, "errors.api.auth.throttled", headers={"Retry-After": str(wait)}, wait=wait)

    allowed()
    engine = request.app.state.engine
    async with engine.connect() as conn:
        found = await accounts.password_user(conn, username)
    user = await slots.verify(found, password, allowed)
    if user is None:
        throttle.failed(keys)
        raise unauthorized("login")
    throttle.succeeded(keys)
    async with engine.begin() as conn:
        # A fresh session id at every login (no fixation); the old one, and expired ones, go.
        await accounts.delete_session(conn, request.cookies.get(SESSION_COOKIE, ""))
        session_id, csrf = await accounts.create_session(conn, user.name, settings.session_hours)
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
            await accounts.delete_session(conn, session_id)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.get("/me", summary="Who is logged in (and the CSRF token for a web session)")
async def me(request: Request, user: User = Depends(current_user)) -> JSONResponse:
    csrf = getattr(request.state, "csrf_token", None)
    return JSONResponse(describe(user, csrf), headers={"Cache-Control": "no-store"})
