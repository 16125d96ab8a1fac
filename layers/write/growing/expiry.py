"""Expiry by date without cron: once when the app starts, then every few minutes, and before
every growing-area read or write of the staff API (layers.write.growing.session.expire).

The database function writes (and bumps layer_versions, so tiles and items follow) only when an
area is actually due, so running it often costs one indexed lookup. A code whose `valid_to` was
yesterday therefore shows as expired on the public API within `growing_expiry_interval_s` of
midnight (Vietnam time), and at once for staff.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import date

from sqlalchemy import text

from layers.db.engines import atomic
from layers.write.growing.session import EXPIRE, VN_TODAY, expire

log = logging.getLogger("ntm_map")


def expire_now(conn, today: date | None = None) -> int:
    """The same statement on a sync SQLAlchemy connection, for the CLI and for publishing: a
    release states what is true today, so codes past their date are expired before its snapshot
    is taken."""
    with atomic(conn):  # history records the change as made by 'system:expiry'
        return conn.execute(EXPIRE, {"today": today}).scalar_one()


def today_in_vietnam(conn) -> date:
    """The database's date in Vietnam: the day expiry goes by."""
    return conn.execute(text(f"SELECT {VN_TODAY}")).scalar_one()


async def _once(engine) -> int:
    try:
        async with engine.begin() as conn:
            return await expire(conn)
    except Exception as exc:  # a database that is down must not stop the app; the next run retries
        log.warning("growing-area expiry did not run: %s", exc)
        return 0


async def _loop(engine, interval_s: int) -> None:
    while True:
        await asyncio.sleep(interval_s)
        await _once(engine)


async def start(engine, settings) -> asyncio.Task | None:
    """Expire what is due now, then keep doing it; returns the task to cancel at shutdown."""
    await _once(engine)
    if settings.growing_expiry_interval_s <= 0:
        return None
    return asyncio.create_task(_loop(engine, settings.growing_expiry_interval_s))
