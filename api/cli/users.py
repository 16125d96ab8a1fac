"""`ntm-map users …`: create staff accounts and hand out, list and revoke their API tokens.

A token is printed once, when it is made; only its hash is stored, so a lost token is revoked
and replaced, never recovered.
"""
from __future__ import annotations

import click

from api.cli.common import Fail, connect
from layers.write import accounts
from layers.write.accounts import ROLES, AccountError


def _conn(settings):
    return connect(settings, accounts=True)


def _fail(exc: Exception):
    return Fail(str(exc))


def _print_token(name: str, token: str, days: int) -> None:
    click.echo(f"token for {name} (valid {days} days; shown only this once, keep it secret):")
    click.echo(token)
    click.echo(f"use it as the header  Authorization: Bearer {token[:8]}…", err=True)


@click.group()
def users() -> None:
    """Staff accounts, roles and API tokens (tài khoản cán bộ)."""


@users.command("add")
@click.argument("name")
@click.option("--role", required=True, help=f"One of: {', '.join(ROLES)}.")
@click.option("--area", "areas", multiple=True,
              help="Province (2-digit) or commune (5-digit) code the user works in; repeatable.")
@click.option("--cooperative", "cooperative_id", type=click.IntRange(1, 2**31 - 1), default=None,
              help="For --role cooperative (required there, refused elsewhere): the id of the cooperative it acts for.")
@click.option("--password", "with_password", is_flag=True, help="Also set a password for the staff web pages (asked for).")
@click.option("--days", type=int, default=None, help="Days the first token is valid (default: NTM_TOKEN_DAYS).")
@click.pass_obj
def add(settings, name: str, role: str, areas: tuple[str, ...], cooperative_id: int | None, with_password: bool,
        days: int | None) -> None:
    """Create user NAME and print a first API token."""
    days = settings.token_days if days is None else days  # 0 is refused, not the default
    try:
        areas = accounts.check_user(name, role, areas, cooperative_id)
        accounts.check_token_days(days)
    except AccountError as exc:
        raise _fail(exc) from None
    with _conn(settings) as conn:
        unknown = accounts.unknown_areas(conn, areas)
        if unknown:
            raise _fail(AccountError(
                f"unknown area code{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}: no such province or "
                "commune in admin_units (load the boundaries first, e.g. `ntm-map load demo`)"))
        password = None
        if with_password:
            password = click.prompt("password", hide_input=True, confirmation_prompt=True)
        try:
            accounts.create_user(conn, name, role, areas, password=password,
                                 min_password_length=settings.password_min_length, cooperative_id=cooperative_id)
            token = accounts.issue_token(conn, name, days)
            coop = accounts.cooperative_name(conn, cooperative_id) if cooperative_id is not None else None
        except AccountError as exc:
            raise _fail(exc) from None
    click.echo(f"user {name} created: {role}" + (f" in {', '.join(areas)}" if areas else "")
               + (f" for cooperative {cooperative_id} ({coop})" if coop else ""))
    _print_token(name, token, days)


@users.command("token")
@click.argument("name")
@click.option("--days", type=int, default=None, help="Days the token is valid (default: NTM_TOKEN_DAYS).")
@click.pass_obj
def token(settings, name: str, days: int | None) -> None:
    """Issue a new API token for NAME (its other tokens stay valid)."""
    days = settings.token_days if days is None else days  # 0 is refused, not the default
    with _conn(settings) as conn:
        try:
            value = accounts.issue_token(conn, name, days)
        except AccountError as exc:
            raise _fail(exc) from None
    _print_token(name, value, days)


@users.command("password")
@click.argument("name")
@click.pass_obj
def password(settings, name: str) -> None:
    """Set or change NAME's password for the staff web pages (asked for)."""
    value = click.prompt("new password", hide_input=True, confirmation_prompt=True)
    with _conn(settings) as conn:
        try:
            ended = accounts.set_password(conn, name, value, settings.password_min_length)
        except AccountError as exc:
            raise _fail(exc) from None
    click.echo(f"password of {name} changed; {ended} web session{'s' if ended != 1 else ''} ended "
               "(API tokens stay valid: `ntm-map users revoke` ends those)")


@users.command("revoke")
@click.argument("name")
@click.option("--all", "revoke_all", is_flag=True, help="Revoke every token of NAME.")
@click.option("--token", "token_id", type=int, help="Revoke one token, by the id `users list --tokens` shows.")
@click.pass_obj
def revoke(settings, name: str, revoke_all: bool, token_id: int | None) -> None:
    """Revoke NAME's tokens: all of them (--all) or one (--token ID)."""
    if revoke_all == (token_id is not None):
        raise _fail(AccountError("say which: --all, or --token ID (ids: `ntm-map users list --tokens`)"))
    with _conn(settings) as conn:
        try:
            ids = accounts.revoke(conn, name, token_id)
        except AccountError as exc:
            raise _fail(exc) from None
    if token_id is not None and not ids:
        raise _fail(AccountError(f"{name} has no live token with id {token_id}"))
    click.echo(f"revoked {len(ids)} token{'s' if len(ids) != 1 else ''} of {name}"
               + (f" (ids {', '.join(map(str, ids))})" if ids else ""))


@users.command("disable")
@click.argument("name")
@click.pass_obj
def disable(settings, name: str) -> None:
    """Disable NAME: its tokens are revoked and its web sessions end (e.g. someone left)."""
    with _conn(settings) as conn:
        try:
            accounts.set_disabled(conn, name, True)
        except AccountError as exc:
            raise _fail(exc) from None
    click.echo(f"{name} disabled; its tokens are revoked and its sessions ended")


@users.command("enable")
@click.argument("name")
@click.pass_obj
def enable(settings, name: str) -> None:
    """Enable NAME again (issue a new token with `users token`; old ones stay revoked)."""
    with _conn(settings) as conn:
        try:
            accounts.set_disabled(conn, name, False)
        except AccountError as exc:
            raise _fail(exc) from None
    click.echo(f"{name} enabled; issue a token with `ntm-map users token {name}`")


@users.command("list")
@click.option("--tokens", "show_tokens", is_flag=True, help="Also list each user's tokens (ids and dates, no secrets).")
@click.pass_obj
def list_users(settings, show_tokens: bool) -> None:
    """List users with role, areas or cooperative, and live token count (never a secret)."""
    with _conn(settings) as conn:
        rows = accounts.list_users(conn)
        click.echo(f"{'name':24} {'role':17} {'areas / cooperative':20} password tokens")
        for r in rows:
            flags = " (disabled)" if r.disabled else ""
            scope = ','.join(r.areas) or '-'
            if r.cooperative_id is not None:
                scope = f"HTX {r.cooperative_id}" + (f" {r.cooperative_name}" if r.cooperative_name else " (missing)")
            click.echo(f"{r.name:24} {r.role:17} {scope:20} "
                       f"{'yes' if r.has_password else 'no':8} {r.active_tokens:6}{flags}")
            if show_tokens:
                for t in accounts.list_tokens(conn, r.name):
                    state = ("revoked " + f"{t.revoked_at:%Y-%m-%d}") if t.revoked_at else f"expires {t.expires_at:%Y-%m-%d}"
                    used = f", last used {t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else ""
                    click.echo(f"    token {t.id}: created {t.created_at:%Y-%m-%d}, {state}{used}")
