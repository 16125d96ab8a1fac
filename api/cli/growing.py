"""`ntm-map growing-areas expire`: expire codes past their date now (the app also does it on its
own, at start and every few minutes; this is for scripts and for checking a given date)."""
from __future__ import annotations

from datetime import date

import click

from api.cli.common import connect


@click.group("growing-areas")
def growing_areas() -> None:
    """Growing areas (vùng trồng): lifecycle chores."""


@growing_areas.command()
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Expire as of this date (default: today in Vietnam).")
@click.pass_context
def expire(ctx: click.Context, day) -> None:
    """Mark granted or suspended areas whose validity ended before DATE as expired."""
    from layers.write.growing.expiry import expire_now, today_in_vietnam

    with connect(ctx.obj) as conn:
        today: date = day.date() if day else today_in_vietnam(conn)
        n = expire_now(conn, today)
    click.echo(f"{n} growing area{'s' if n != 1 else ''} expired as of {today.isoformat()}")
