"""Rules of a whole lot said before the database says them: the product, the dates, the areas.

Each failure is a 422 naming the rule and, for an area, where it is; the database repeats every
one of them (migration 0011), so a path around this module is refused all the same. An area is
named by its code (what people read on certificates and maps), never by its internal id; an area
without a code yet by its name when it is the cooperative's own, else by the id the request sent.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import text

from geo.area_rules import Problem
from geo.said import Said
from layers.write.growing.errors import RuleFailure

EARLIEST_HARVEST = date(2000, 1, 1)


def status_words(status: str | None) -> Said:
    """An area's status as a word of the sentence (lots.area_status.*)."""
    word = status or "not yet registered"
    return Said(word, f"lots.area_status.{status or 'none'}")


def area_named(area_id: int, code: str | None, name: str | None, own: bool) -> Said:
    if code:
        return Said(code, "lots.area.code", code=code)
    if own and name:
        return Said(f"“{name}” (no code yet)", "lots.area.named", name=name)
    return Said(f"#{area_id} (no code)", "lots.area.uncoded", id=str(area_id))


def _dates(values: dict, today: date, registered: date | None) -> list[Problem]:
    problems = []
    day = values["harvest_date"]
    if day > today:
        problems.append(Problem("harvest_date", Said(f"the harvest date {day.isoformat()} is after today ({today.isoformat()})",
                                                     "lots.problem.harvest_future", day=day.isoformat(),
                                                     today=today.isoformat())))
    elif registered is not None and day > registered:
        problems.append(Problem("harvest_date", Said(f"the harvest date {day.isoformat()} is after the lot was registered "
                                                     f"({registered.isoformat()})", "lots.problem.harvest_registered",
                                                     day=day.isoformat(), registered=registered.isoformat())))
    if day < EARLIEST_HARVEST:
        problems.append(Problem("harvest_date", Said(f"the harvest date {day.isoformat()} is before "
                                                     f"{EARLIEST_HARVEST.isoformat()}", "lots.problem.harvest_early",
                                                     day=day.isoformat(), earliest=EARLIEST_HARVEST.isoformat())))
    cert, start, end = (values.get(k) for k in ("certification", "certification_valid_from", "certification_valid_to"))
    if cert == "none":
        if start is not None or end is not None:
            problems.append(Problem("certification_validity", Said(
                "validity dates are given without a certification", "lots.problem.validity_without")))
    elif start is None or end is None:
        problems.append(Problem("certification_validity", Said(
            f"a {cert} certification needs certification_valid_from and certification_valid_to",
            "lots.problem.validity_needed", cert=cert)))
    elif end <= start:
        problems.append(Problem("certification_validity", Said(
            "certification_valid_to must be after certification_valid_from", "lots.problem.validity_order")))
    elif not start <= day <= end:
        problems.append(Problem("certified_harvest", Said(
            f"the {cert} certification ({start.isoformat()} to {end.isoformat()}) did not hold on the harvest date "
            f"{day.isoformat()}", "lots.problem.certified_harvest", cert=cert, start=start.isoformat(),
            end=end.isoformat(), day=day.isoformat())))
    return problems


async def _product(conn, product_id: int, cooperative: int) -> list[Problem]:
    owner = (await conn.execute(text("SELECT cooperative_id FROM ocop_products WHERE id = :id"),
                                {"id": product_id})).first()
    if owner is None or owner.cooperative_id != cooperative:
        return [Problem("product_cooperative", Said(f"OCOP product {product_id} is not a product of this cooperative",
                                                    "lots.problem.product_cooperative", id=str(product_id)))]
    return []


async def _areas(conn, area_ids: list[int], cooperative: int, day: date) -> list[Problem]:
    rows = await conn.execute(text(
        "SELECT g.id, g.code, g.name, g.cooperative_id, ntm_growing_status_on(g.id, :day) AS status_then, "
        "ST_AsGeoJSON(g.geom, 7)::json AS where_geom FROM growing_areas g WHERE g.id = ANY(:ids) ORDER BY g.id"),
        {"ids": area_ids, "day": day})
    found, problems = set(), []
    for r in rows:
        found.add(r.id)
        own = r.cooperative_id == cooperative
        area = area_named(r.id, r.code, r.name, own)
        if not own:
            problems.append(Problem("area_cooperative", Said(f"growing area {area} is not linked to this cooperative",
                                                             "lots.problem.area_cooperative", area=area), r.where_geom))
        elif r.status_then != "granted":
            status = status_words(r.status_then)
            problems.append(Problem("area_not_granted", Said(
                f"growing area {area} was {status} on the harvest date {day.isoformat()}, not granted",
                "lots.problem.area_not_granted", area=area, status=status, day=day.isoformat()), r.where_geom))
    problems += [Problem("area_unknown", Said(f"no growing area {a}", "lots.problem.area_unknown", id=str(a)))
                 for a in area_ids if a not in found]
    return problems


async def check(conn, values: dict, cooperative: int, today: date, product: bool = True,
                areas: bool = True, registered: date | None = None) -> None:
    """422 with every rule the values break; `registered` is a corrected lot's registration date
    (its harvest cannot come later)."""
    problems = _dates(values, today, registered)
    if product:
        problems += await _product(conn, values["product_id"], cooperative)
    if areas and not any(p.rule == "harvest_date" for p in problems):
        problems += await _areas(conn, values["growing_area_ids"], cooperative, values["harvest_date"])
    if problems:
        raise RuleFailure(problems)
