"""QR label sheets of one harvest lot: who may print them, what they encode, and the print job.

Printing is for the lot's own cooperative (a `cooperative` account acting for it), province staff
whose provinces hold the cooperative's commune, and admins: 403 for anyone else, 404 for a lot
that does not exist, 409 for a recalled lot (no new label may put recalled produce back on a
shelf). The QR code holds the lot's GS1 Digital Link (`{base}/01/{GTIN-14}/10/{lot}`) when the
product has a GTIN, else the short URL `{base}/l/{lot id}`; `base` is the site's address as the
request reached it.

The PDF is drawn in a printing worker (layers.workers.bounded, modules preloaded by
`PRELOAD`): `print_memory_mb` of address space beyond the loaded worker and `print_timeout_s`,
written into a temporary file the caller streams and deletes, so neither the event loop nor the
server's memory depends on the number of labels (at most geo.labels.MAX_LABELS).
"""
from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import text

from geo import gs1, labels
from geo.said import Said
from layers.printing import jobs
from layers.workers.bounded import Unbounded, runner
from layers.write.accounts import area_covers
from layers.write.growing.errors import Conflict, Forbidden, NotFound

log = logging.getLogger("ntm_map")
PRELOAD = ("layers.printing.jobs",)
STAFF_ROLES = ("admin", "province_staff")

_LOT = text("""
    SELECT l.id, l.lot_code, l.status, l.cooperative_id, l.harvest_date, p.name AS product, p.gtin,
           c.commune_code, m.province_code
    FROM harvest_lots l
    JOIN ocop_products p ON p.id = l.product_id
    JOIN cooperatives c ON c.id = l.cooperative_id
    LEFT JOIN communes m ON m.code = c.commune_code
    WHERE l.id = :id""")
_ACTS_FOR = text("SELECT cooperative_id FROM private.users WHERE name = :name AND NOT disabled")


@dataclass(frozen=True)
class Lot:
    id: int
    lot_code: str
    status: str
    cooperative_id: int
    harvest_date: date
    product: str
    gtin: str | None
    commune_code: str
    province_code: str | None


class PrintFailed(Exception):
    """The print job overran its time or memory, or its worker died; `reason` says which."""

    def __init__(self, message: Said, reason: str):
        super().__init__(message)
        self.reason = reason


async def lot(conn, lot_id: int) -> Lot:
    row = (await conn.execute(_LOT, {"id": lot_id})).first()
    if row is None:
        raise NotFound(Said(f"no harvest lot {lot_id}", "printing.errors.no_lot", id=lot_id))
    return Lot(**row._mapping)


async def check_may_print(conn, user, found: Lot) -> None:
    """403 unless the user is an admin, province staff covering the cooperative's commune, or
    the lot's own cooperative; 409 for a recalled lot (checked after who may see it)."""
    if user.role in STAFF_ROLES and area_covers(user.areas, found.commune_code, found.province_code, user.role):
        allowed = True
    elif user.role == "cooperative":
        allowed = (await conn.execute(_ACTS_FOR, {"name": user.name})).scalar() == found.cooperative_id
    else:
        allowed = False
    if not allowed:
        raise Forbidden(Said(f"only the lot's cooperative, province staff of its province or an admin prints "
                             f"labels of harvest lot {found.id}; {user.name} cannot",
                             "printing.errors.forbidden", id=found.id, name=user.name))
    if found.status == "recalled":
        raise Conflict(Said(f"harvest lot {found.lot_code} was recalled: no new labels are printed for it",
                            "printing.errors.recalled", lot=found.lot_code))


def lot_url(base: str, found: Lot) -> str:
    """What the QR code holds: the GS1 Digital Link when the product has a GTIN, else the short URL."""
    base = base.rstrip("/")
    if found.gtin:
        return gs1.build(base, found.gtin, found.lot_code).uri
    return f"{base}/l/{found.id}"


def short(url: str) -> str:
    """The URL as printed under the code: without its scheme."""
    return url.split("://", 1)[-1]


async def render_sheet(settings, label: labels.Label, count: int, sheet: str, skip: int, outline: bool,
                       title: str) -> tuple[Path, dict]:
    """The label sheet in a new temporary file (the caller deletes it) and what the job reported
    (pages, bytes, the worker's peak memory and cap). Busy when every printing worker is taken."""
    fd, name = tempfile.mkstemp(prefix="ntm-labels-", suffix=".pdf")
    os.close(fd)
    try:
        report = await runner(settings.print_workers, settings.print_memory_mb, PRELOAD).run(
            jobs.label_sheet, name, label, count, sheet, skip, outline, title, timeout=settings.print_timeout_s)
    except Unbounded as exc:
        os.unlink(name)
        raise failed(exc, settings) from None
    except BaseException:
        os.unlink(name)
        raise
    log.info("labels: %s × %s on %s, %s pages, %s bytes; worker RSS %.0f → peak %.0f MB, address space %.0f MB "
             "(cap %s MB)", count, label.lot, sheet, report["pages"], report["bytes"], report["rss_before_mb"] or 0,
             report["peak_rss_mb"] or 0, report["address_space_mb"] or 0, report["cap_mb"])
    return Path(name), report


def failed(exc: Unbounded, settings) -> PrintFailed:
    if exc.reason == "time":
        said = Said(f"the print job took more than {settings.print_timeout_s:g} s and was stopped; print fewer labels",
                    "printing.errors.time", seconds=settings.print_timeout_s)
    elif exc.reason == "memory":
        said = Said(f"the print job reached its memory cap of {settings.print_memory_mb} MB and was stopped; "
                    "print fewer labels", "printing.errors.memory", mb=settings.print_memory_mb)
    else:
        said = Said("the print job's worker process ended unexpectedly; try again", "printing.errors.died")
    return PrintFailed(said, exc.reason)
