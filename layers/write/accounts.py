"""Staff accounts: users, passwords, API tokens, web sessions and the area-scope rule.

Each operation exists once, on the side that uses it: what the CLI does (create users, hand
out, list and revoke tokens, passwords, disabling) is sync on a SQLAlchemy Connection (each call
all-or-nothing, a savepoint inside the caller's transaction); what the app does (authenticate a
token or a session, log in and out) is async on an AsyncConnection, in the caller's transaction.
Only sha256 hashes of tokens and session ids are stored: they are 256-bit random, so a fast hash is
enough, and a stolen dump holds no working credential. Passwords use argon2id.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Text, and_, bindparam, delete, func, insert, or_, select, true, update
from sqlalchemy.dialects.postgresql import ARRAY

from layers.db.engines import atomic
from layers.db.models.accounts import ROLES, ApiToken, User as UserRow, WebSession
from layers.db.models.admin import AdminUnit
from layers.db.models.agriculture import Cooperative

__all__ = [
    "ROLES", "AccountError", "User", "actor_of", "area_covers", "authenticate_token", "create_session",
    "create_user", "delete_session", "issue_token", "list_tokens", "list_users", "password_user", "revoke",
    "session_user", "set_disabled", "set_password", "verify_password",
]

DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 3660  # ten years: beyond, "never expires" in disguise (and past any date bound)
TOKEN_PREFIX = "ntm_"
NAME = re.compile(r"^[\w.@-]{1,80}$")
_HASHER = PasswordHasher()
# Verified against when the user does not exist, so that case costs what a wrong password does.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))

users, tokens, sessions = UserRow.__table__, ApiToken.__table__, WebSession.__table__
cooperatives = Cooperative.__table__


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message says why, for a person."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    areas: tuple[str, ...]
    method: str = "token"  # "token" | "session"
    cooperative_id: int | None = None  # the one cooperative a `cooperative` account acts for


@dataclass(frozen=True)
class PasswordUser:
    """A user as a login finds it: who, and the hash to verify against (None: no password)."""

    user: User
    password_hash: str | None


def actor_of(user: User) -> str:
    """What `ntm.actor` (and so change_history.changed_by) records for this user's writes."""
    return user.name


def area_covers(areas: Iterable[str], commune_code: str, province_code: str | None,
                role: str | None = None) -> bool:
    """A 5-digit area covers that commune, a 2-digit one every commune of that province
    (`province_code` is the commune's parent in admin_units); admins cover everything."""
    if role == "admin":
        return True
    areas = set(areas)
    return commune_code in areas or (province_code is not None and province_code in areas)


def scope_condition(user: User, commune_column):
    """SQL truth of `area_covers` for a commune-code column, for queries over many rows."""
    if user.role == "admin":
        return true()
    areas = list(user.areas)
    in_province = select(AdminUnit.code).where(AdminUnit.parent_code.in_(areas))
    return or_(commune_column.in_(areas), commune_column.in_(in_province))


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def check_user(name: str, role: str, areas: Iterable[str], cooperative_id: int | None = None) -> tuple[str, ...]:
    """Validate a new account's fields; returns the areas, sorted and deduplicated. A
    `cooperative` account names its cooperative (and no areas); no other role names one."""
    if not NAME.match(name or ""):
        raise AccountError("a user name is 1–80 letters, digits or . _ @ - (no spaces)")
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
    areas = tuple(sorted(set(areas)))
    bad = [a for a in areas if not re.fullmatch(r"\d{2}|\d{5}", a)]
    if bad:
        raise AccountError(f"an area is a 2-digit province or 5-digit commune code, not {', '.join(bad)}")
    if role in ("province_staff", "tourism_staff") and (not areas or any(len(a) != 2 for a in areas)):
        raise AccountError(f"{role} needs one or more 2-digit province codes (--area 40)")
    if role == "commune_staff" and (not areas or any(len(a) != 5 for a in areas)):
        raise AccountError("commune_staff needs one or more 5-digit commune codes (--area 16708)")
    if role == "cooperative":
        if cooperative_id is None:
            raise AccountError("a cooperative account needs the id of its cooperative (--cooperative 12)")
        if areas:
            raise AccountError("a cooperative account acts for its cooperative (--cooperative), not for --area")
    elif cooperative_id is not None:
        raise AccountError(f"only a cooperative account has a cooperative; a {role} has none (drop --cooperative)")
    return areas


def check_token_days(days: int) -> int:
    """1 to MAX_TOKEN_DAYS; 0 or less is refused (it once meant the 90-day default)."""
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise AccountError(f"a token lives at least one day and at most {MAX_TOKEN_DAYS} "
                           f"(--days 1 … {MAX_TOKEN_DAYS}), not {days}")
    return days


def hash_password(password: str, min_length: int = 10) -> str:
    if len(password) < min_length:
        raise AccountError(f"a password needs at least {min_length} characters")
    return _HASHER.hash(password)


def _verify(stored: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


# --- statements ----------------------------------------------------------------------------
def _now() -> datetime:
    return datetime.now(timezone.utc)


def _user_columns():
    return users.c.name, users.c.role, users.c.areas, users.c.cooperative_id


def _s_unknown_areas(areas: list[str]):
    wanted = func.unnest(bindparam("areas", areas, type_=ARRAY(Text))).table_valued("code").render_derived()
    return select(wanted.c.code).except_(select(AdminUnit.code))


def _s_insert_user(name, role, areas, password_hash, cooperative_id):
    return insert(users).values(name=name, role=role, areas=list(areas), password_hash=password_hash,
                                cooperative_id=cooperative_id)


def _s_user_exists(name):
    return select(users.c.id).where(users.c.name == name)


def _s_set_password(name, password_hash):
    return update(users).where(users.c.name == name).values(password_hash=password_hash).returning(users.c.id)


def _s_insert_token(name, token_hash, expires_at):
    uid = select(users.c.id).where(users.c.name == name).scalar_subquery()
    return insert(tokens).values(user_id=uid, token_hash=token_hash, expires_at=expires_at).returning(tokens.c.id)


def _s_revoke(name, token_id):
    uid = select(users.c.id).where(users.c.name == name).scalar_subquery()
    cond = and_(tokens.c.user_id == uid, tokens.c.revoked_at.is_(None))
    if token_id is not None:
        cond = and_(cond, tokens.c.id == token_id)
    return update(tokens).where(cond).values(revoked_at=func.now()).returning(tokens.c.id)


def _s_token_user(token_hash):
    return (select(tokens.c.id, *_user_columns()).join(users, users.c.id == tokens.c.user_id)
            .where(tokens.c.token_hash == token_hash, tokens.c.revoked_at.is_(None),
                   tokens.c.expires_at > func.now(), users.c.disabled.is_(False)))


def _s_touch_token(token_id):
    """last_used_at at most once a minute: a busy client must not write on every request."""
    return (update(tokens).where(tokens.c.id == token_id, or_(
        tokens.c.last_used_at.is_(None), tokens.c.last_used_at < func.now() - timedelta(minutes=1)))
        .values(last_used_at=func.now()))


def _s_password_user(name):
    return select(users.c.password_hash, *_user_columns()).where(users.c.name == name, users.c.disabled.is_(False))


def _s_insert_session(name, id_hash, csrf, expires_at):
    """No row when there is no such user (never a row without one)."""
    found = select(bindparam("id_hash", id_hash), users.c.id, bindparam("csrf", csrf),
                   bindparam("expires_at", expires_at, type_=sessions.c.expires_at.type)).where(users.c.name == name)
    return insert(sessions).from_select(["id_hash", "user_id", "csrf_token", "expires_at"], found)


def _s_session_user(id_hash):
    return (select(sessions.c.csrf_token, *_user_columns()).join(users, users.c.id == sessions.c.user_id)
            .where(sessions.c.id_hash == id_hash, sessions.c.expires_at > func.now(),
                   users.c.disabled.is_(False)))


def _s_delete_session(id_hash):
    return delete(sessions).where(or_(sessions.c.id_hash == id_hash, sessions.c.expires_at < func.now()))


def _s_set_disabled(name, disabled):
    return update(users).where(users.c.name == name).values(disabled=disabled).returning(users.c.id)


def _s_end_sessions(name):
    uid = select(users.c.id).where(users.c.name == name).scalar_subquery()
    return delete(sessions).where(sessions.c.user_id == uid)


def _s_list_users():
    active = (select(func.count()).where(tokens.c.user_id == users.c.id, tokens.c.revoked_at.is_(None),
                                         tokens.c.expires_at > func.now()).scalar_subquery())
    return (select(users.c.name, users.c.role, users.c.areas, users.c.disabled,
                   users.c.password_hash.is_not(None).label("has_password"), active.label("active_tokens"),
                   users.c.created_at, users.c.cooperative_id, cooperatives.c.name.label("cooperative_name"))
            .select_from(users.outerjoin(cooperatives, cooperatives.c.id == users.c.cooperative_id))
            .order_by(users.c.name))


def _s_list_tokens(name):
    return (select(tokens.c.id, tokens.c.created_at, tokens.c.expires_at, tokens.c.revoked_at,
                   tokens.c.last_used_at).join(users, users.c.id == tokens.c.user_id)
            .where(users.c.name == name).order_by(tokens.c.id))


def _user(row, method: str) -> User:
    return User(name=row.name, role=row.role, areas=tuple(row.areas or ()), method=method,
                cooperative_id=row.cooperative_id)


# --- the CLI's (sync SQLAlchemy Connection) ----------------------------------------------------
def unknown_areas(conn, areas: Iterable[str]) -> list[str]:
    """The codes among `areas` that are no admin unit in this database."""
    return sorted(r.code for r in conn.execute(_s_unknown_areas(list(areas))))


def cooperative_name(conn, cooperative_id: int) -> str | None:
    """The cooperative's name, None when there is no cooperative with that id."""
    return conn.execute(select(cooperatives.c.name).where(cooperatives.c.id == cooperative_id)).scalar()


def create_user(conn, name: str, role: str, areas: Iterable[str], password: str | None = None,
                min_password_length: int = 10, cooperative_id: int | None = None) -> None:
    areas = check_user(name, role, areas, cooperative_id)
    password_hash = hash_password(password, min_password_length) if password is not None else None
    with atomic(conn):
        if conn.execute(_s_user_exists(name)).first():
            raise AccountError(f"a user named {name!r} exists already")
        if cooperative_id is not None and cooperative_name(conn, cooperative_id) is None:
            raise AccountError(f"no cooperative has the id {cooperative_id} (the ids: GET /collections/cooperatives/items)")
        conn.execute(_s_insert_user(name, role, areas, password_hash, cooperative_id))


def set_password(conn, name: str, password: str, min_password_length: int = 10) -> int:
    """Set the password and end every web session of `name` (a session opened with the old
    password, perhaps by whoever learnt it, must not outlive it); returns how many ended.
    API tokens stay: they were handed out one by one and are revoked one by one (`users revoke`),
    as other services keep app tokens across a password change."""
    password_hash = hash_password(password, min_password_length)
    with atomic(conn):
        if not conn.execute(_s_set_password(name, password_hash)).first():
            raise AccountError(f"no user named {name!r}")
        return conn.execute(_s_end_sessions(name)).rowcount


def issue_token(conn, name: str, days: int | None = None) -> str:
    """A new token for `name`, returned in plain this once; only its hash is kept."""
    days = check_token_days(DEFAULT_TOKEN_DAYS if days is None else days)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with atomic(conn):
        if not conn.execute(_s_user_exists(name)).first():
            raise AccountError(f"no user named {name!r}")
        conn.execute(_s_insert_token(name, hash_secret(token), _now() + timedelta(days=days)))
    return token


def revoke(conn, name: str, token_id: int | None = None) -> list[int]:
    """Revoke one token (by id) or all of a user's live tokens; returns the ids revoked."""
    with atomic(conn):
        if not conn.execute(_s_user_exists(name)).first():
            raise AccountError(f"no user named {name!r}")
        return [r.id for r in conn.execute(_s_revoke(name, token_id))]


def set_disabled(conn, name: str, disabled: bool) -> None:
    """Disable (or enable) an account. Disabling also revokes its tokens and ends its sessions,
    so enabling it again needs a new token: nothing old comes back to life."""
    with atomic(conn):
        if not conn.execute(_s_set_disabled(name, disabled)).first():
            raise AccountError(f"no user named {name!r}")
        if disabled:
            conn.execute(_s_revoke(name, None))
            conn.execute(_s_end_sessions(name))


def list_users(conn) -> list:
    return list(conn.execute(_s_list_users()))


def list_tokens(conn, name: str) -> list:
    return list(conn.execute(_s_list_tokens(name)))


# --- the app's (SQLAlchemy AsyncConnection; the caller's transaction) ---------------------------
async def authenticate_token(conn, token: str) -> User | None:
    row = (await conn.execute(_s_token_user(hash_secret(token)))).first()
    if row is None:
        return None
    await conn.execute(_s_touch_token(row.id))
    return _user(row, "token")


async def password_user(conn, name: str) -> PasswordUser | None:
    """The enabled user `name` with its password hash, or None. Verifying is the caller's step
    (api/routes/auth.py bounds how many run at once), after the connection is given back."""
    row = (await conn.execute(_s_password_user(name))).first()
    return PasswordUser(_user(row, "session"), row.password_hash) if row else None


def verify_password(found: PasswordUser | None, password: str) -> User | None:
    """argon2 against the user's hash, or against a dummy one when there is no such user, so
    both cost the same; None for either failure. CPU-bound (~50 ms, 64 MiB): run it in a thread."""
    ok = _verify(found.password_hash if found else None, password)
    return found.user if ok and found is not None else None


async def create_session(conn, name: str, hours: int) -> tuple[str, str]:
    """A new web session for user `name`: (cookie value, CSRF token). The cookie value is stored
    hashed."""
    session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    made = await conn.execute(_s_insert_session(name, hash_secret(session_id), csrf,
                                                _now() + timedelta(hours=hours)))
    if not made.rowcount:
        raise AccountError(f"no user named {name!r}")
    return session_id, csrf


async def session_user(conn, session_id: str) -> tuple[User, str] | None:
    """The session's user and CSRF token, or None when unknown or expired."""
    row = (await conn.execute(_s_session_user(hash_secret(session_id)))).first()
    return (_user(row, "session"), row.csrf_token) if row else None


async def delete_session(conn, session_id: str) -> None:
    """Ends this session (and sweeps expired ones while at it)."""
    await conn.execute(_s_delete_session(hash_secret(session_id)))
