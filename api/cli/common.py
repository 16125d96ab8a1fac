"""What every `ntm-map` command shares: the error it prints, the settings it was given, a
database connection (layers.db.checks) that says what to do when there is none."""
from __future__ import annotations

from contextlib import contextmanager

import click

from layers.db.checks import DatabaseProblem, connected, reachable
from layers.db.settings import Settings


class Fail(click.ClickException):
    """Printed as 'Error: …' with exit status 1, no traceback: the message says what to do."""


def settings_of(ctx: click.Context) -> Settings:
    """The settings `main` built for this run."""
    return ctx.obj


@contextmanager
def connect(settings: Settings, *, schema: bool = False, accounts: bool = False):
    """The database connection of a command (one transaction, committed when the command's block
    ends cleanly); `schema`/`accounts`: fail unless the migrations have run."""
    try:
        with connected(settings, schema=schema, accounts=accounts) as conn:
            yield conn
    except DatabaseProblem as exc:
        raise Fail(str(exc)) from None


def check_reachable(settings: Settings) -> None:
    """Fail now, with what to do, when the database does not answer."""
    try:
        reachable(settings)
    except DatabaseProblem as exc:
        raise Fail(str(exc)) from None
