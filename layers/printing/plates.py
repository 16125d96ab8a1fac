"""Address plates of one village (issue 16): who may print them, which households, the print job.

Plates are for staff whose area holds the village's commune: `commune_staff` of that commune,
`province_staff` of its province, admins (403 for anyone else; 404 for no such village). A plate
is printed for every active household of the village (a retired code gets no new plate), ordered
by code, at most geo.plates.MAX_PLATES. Nothing personal is read: a plate carries the public
address only, so printing records no access to personal data.

The PDF is drawn in a printing worker of its own pool (layers.workers.bounded, preloading
layers.printing.plates_jobs) under `print_memory_mb` and `print_timeout_s`, into a temporary file
the caller streams and deletes, as label sheets are (layers.printing.labels).
"""
from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from geo import plates
from geo.said import Said
from layers.printing import plates_jobs
from layers.printing.labels import failed
from layers.workers.bounded import Unbounded, runner
from layers.write.accounts import area_covers
from layers.write.growing.errors import Forbidden, NotFound, TooLarge

log = logging.getLogger("ntm_map")
PRELOAD = ("layers.printing.plates_jobs",)
PRINTERS = ("admin", "province_staff", "commune_staff")

_VILLAGE = text("""
    SELECT v.id, v.code, v.name, v.commune_code, c.province_code, c.full_name_vi AS commune_vi,
           coalesce(c.full_name_en, c.full_name_vi) AS commune_en
    FROM villages v LEFT JOIN communes c ON c.code = v.commune_code WHERE v.id = :id""")
_HOUSEHOLDS = text("""
    SELECT address_code, plus_code FROM households
    WHERE village_id = :id AND status = 'active' ORDER BY address_code LIMIT :limit""")


@dataclass(frozen=True)
class Village:
    id: int
    code: str
    name: str
    commune_code: str
    province_code: str | None
    commune_vi: str | None
    commune_en: str | None


async def village(conn, village_id: int) -> Village:
    row = (await conn.execute(_VILLAGE, {"id": village_id})).first()
    if row is None:
        raise NotFound(Said(f"no village {village_id}", "addresses_public.plates.no_village", id=str(village_id)))
    return Village(**row._mapping)


def check_may_print(user, found: Village) -> None:
    """403 unless the user is staff whose area holds the village's commune, or an admin."""
    if user.role not in PRINTERS or not area_covers(user.areas, found.commune_code, found.province_code, user.role):
        raise Forbidden(Said(f"only staff of commune {found.commune_code} (or its province) print the plates of "
                             f"village {found.name}; {user.name} cannot", "addresses_public.plates.forbidden",
                             commune=found.commune_code, village=found.name, name=user.name))


async def households(conn, found: Village) -> list[tuple[str, str | None]]:
    """(address code, Plus Code) of each active household, by code; 413 past MAX_PLATES."""
    rows = [(r.address_code, r.plus_code)
            for r in await conn.execute(_HOUSEHOLDS, {"id": found.id, "limit": plates.MAX_PLATES + 1})]
    if len(rows) > plates.MAX_PLATES:
        raise TooLarge(Said(f"village {found.name} has more than {plates.MAX_PLATES} households: one PDF holds at "
                            f"most {plates.MAX_PLATES} plates", "addresses_public.plates.too_many",
                            limit=plates.MAX_PLATES, count=f"{plates.MAX_PLATES}+"))
    return rows


def page_url(base: str, code: str) -> str:
    return f"{base.rstrip('/')}/a/{code}"


async def render(settings, items: list[plates.Plate], title: str) -> tuple[Path, dict]:
    """The plates in a new temporary file (the caller deletes it) and the job's report."""
    fd, name = tempfile.mkstemp(prefix="ntm-plates-", suffix=".pdf")
    os.close(fd)
    try:
        report = await runner(settings.print_workers, settings.print_memory_mb, PRELOAD).run(
            plates_jobs.plate_sheets, name, items, title, timeout=settings.print_timeout_s)
    except Unbounded as exc:
        os.unlink(name)
        raise failed(exc, settings) from None
    except BaseException:
        os.unlink(name)
        raise
    log.info("plates: %s on %s pages, %s bytes; worker peak %.0f MB (cap %s MB)", len(items), report["pages"],
             report["bytes"], report["peak_rss_mb"] or 0, report["cap_mb"])
    return Path(name), report
