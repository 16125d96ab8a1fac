"""Counting scans of a lot's label without keeping who scanned (issue 15, migration 0012).

Every GET of a lot's trace page or JSON-LD is a scan; one client counts once per lot per day.
A client is known only by `sha256(salt of the day ‖ client address ‖ user agent ‖ lot id)`, kept
in `private.scan_seen` with its day: the address and the browser are hashed here, in the app, and
never reach the database. The salt is 32 random bytes made by the first scan of the day (Vietnam
date) with INSERT … ON CONFLICT DO NOTHING, so every worker process ends up with the same one;
whoever makes it deletes the earlier days' salts and digests in the same transaction, so nothing
links a scan to a client once its day is over. `lot_scans (lot, day)` is a plain counter, not an
edited layer: no history, no layer version (a scan must not make caches stale).

Abuse: the same client scanning a thousand times counts once (its digest is already there:
ON CONFLICT DO NOTHING). A client inventing a new user agent per request looks like a new client;
without storing addresses nothing can tell, so two caps bound what it can do: at most
`LOT_CAP` scans counted per lot per day (far above what real buyers of one lot do) and at most
`DAY_CAP` digests a day in all (~100 bytes each with the index: ~10 MB at the cap). Past a cap
scans are not counted and nothing is stored; the page answers as always.

A counting failure (database down, a lock timeout) is logged and swallowed: the page a buyer
scanned must answer whatever happens to the statistics.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import date, datetime
from typing import Callable
from zoneinfo import ZoneInfo

from sqlalchemy import Date, bindparam, text

log = logging.getLogger("ntm_map")

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
SALT_BYTES = 32
LOT_CAP = 5_000  # scans counted per lot per day
DAY_CAP = 100_000  # digests kept per day, all lots together

_SALT = text("SELECT salt FROM private.scan_salts WHERE day = :day").bindparams(bindparam("day", type_=Date))
_NEW_SALT = text("INSERT INTO private.scan_salts (day, salt) VALUES (:day, :salt) ON CONFLICT (day) DO NOTHING "
                 "RETURNING salt").bindparams(bindparam("day", type_=Date))
_FORGET_SALTS = text("DELETE FROM private.scan_salts WHERE day < :day").bindparams(bindparam("day", type_=Date))
_FORGET_SEEN = text("DELETE FROM private.scan_seen WHERE day < :day").bindparams(bindparam("day", type_=Date))
# One statement: the digest is recorded unless seen already or past a cap; if it was recorded,
# the lot's count for the day goes up by one. Returns the lot's count when it counted.
_COUNT = text("""
WITH seen AS (
  INSERT INTO private.scan_seen (digest, day)
  SELECT :digest, :day
  WHERE (SELECT coalesce(sum(t.scans), 0) FROM lot_scans t WHERE t.day = :day) < :day_cap
    AND coalesce((SELECT t.scans FROM lot_scans t WHERE t.lot_id = :lot AND t.day = :day), 0) < :lot_cap
  ON CONFLICT (digest) DO NOTHING
  RETURNING day
)
INSERT INTO lot_scans (lot_id, day, scans) SELECT :lot, day, 1 FROM seen
ON CONFLICT (lot_id, day) DO UPDATE SET scans = lot_scans.scans + 1
RETURNING scans
""").bindparams(bindparam("day", type_=Date))


def vietnam_today() -> date:
    return datetime.now(VIETNAM).date()


def digest(salt: bytes, client: str, user_agent: str, lot_id: int) -> bytes:
    """sha256 of the salt and the three parts, each preceded by its length (no two different
    clients can be written as the same bytes)."""
    h = hashlib.sha256(salt)
    for part in (client, user_agent, str(lot_id)):
        data = part.encode("utf-8", "replace")
        h.update(len(data).to_bytes(4, "big"))
        h.update(data)
    return h.digest()


class ScanCounter:
    """One per app (app.state.scans). `today` says which Vietnam date it is; tests replace it to
    move the clock."""

    def __init__(self, today: Callable[[], date] = vietnam_today, lot_cap: int = LOT_CAP,
                 day_cap: int = DAY_CAP) -> None:
        self.today, self.lot_cap, self.day_cap = today, lot_cap, day_cap
        self._salt: tuple[date, bytes] | None = None  # today's, once read: one statement per scan

    async def _salt_of(self, conn, day: date) -> bytes:
        if self._salt is not None and self._salt[0] == day:
            return self._salt[1]
        salt = (await conn.execute(_SALT, {"day": day})).scalar()
        if salt is None:
            made = (await conn.execute(_NEW_SALT, {"day": day, "salt": secrets.token_bytes(SALT_BYTES)})).scalar()
            if made is not None:  # this process made the day's salt: the earlier days are forgotten
                await conn.execute(_FORGET_SALTS, {"day": day})
                await conn.execute(_FORGET_SEEN, {"day": day})
                salt = made
            else:  # another worker made it a moment ago
                salt = (await conn.execute(_SALT, {"day": day})).scalar_one()
        self._salt = (day, bytes(salt))
        return self._salt[1]

    async def count(self, engine, lot_id: int, client: str, user_agent: str) -> bool:
        """Count a scan of `lot_id`; True when it counted (a new client today, under the caps).
        Never raises: a failure is logged and the scan is not counted."""
        try:
            day = self.today()
            async with engine.begin() as conn:
                salt = await self._salt_of(conn, day)
                values = {"digest": digest(salt, client, user_agent, lot_id), "day": day, "lot": lot_id,
                          "lot_cap": self.lot_cap, "day_cap": self.day_cap}
                return (await conn.execute(_COUNT, values)).first() is not None
        except Exception:  # noqa: BLE001 — statistics must never cost a buyer the page
            self._salt = None
            log.exception("counting a scan of harvest lot %s failed; the page answered anyway", lot_id)
            return False
