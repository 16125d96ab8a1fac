"""Rules of a whole lot said before the database says them: the product, the dates, the areas.

Each failure is a 422 naming the rule and, for an area, where it is; the database repeats every
one of them (migration 0011), so a path around this module is refused all the same.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import text

from geo.area_rules import Problem
from layers.write.growing.errors import RuleFailure

EARLIEST_HARVEST = date(2000, 1, 1)


def _dates(values: dict, today: date, registered: date | None) -> list[Problem]:
    problems = []
    day = values["harvest_date"]
    if day > today:
        problems.append(Problem("harvest_date", f"the harvest date {day.isoformat()} is after today ({today.isoformat()})"))
    elif registered is not None and day > registered:
        problems.append(Problem("harvest_date", f"the harvest date {day.isoformat()} is after the lot was registered "
                                f"({registered.isoformat()})"))
    if day < EARLIEST_HARVEST:
        problems.append(Problem("harvest_date", f"the harvest date {day.isoformat()} is before {EARLIEST_HARVEST.isoformat()}"))
    cert, start, end = (values.get(k) for k in ("certification", "certification_valid_from", "certification_valid_to"))
    if cert == "none":
        if start is not None or end is not None:
            problems.append(Problem("certification_validity", "validity dates are given without a certification"))
    elif start is None or end is None:
        problems.append(Problem("certification_validity", f"a {cert} certification needs certification_valid_from "
                                "and certification_valid_to"))
    elif end <= start:
        problems.append(Problem("certification_validity", "certification_valid_to must be after certification_valid_from"))
    elif not start <= day <= end:
        problems.append(Problem("certified_harvest", f"the {cert} certification ({start.isoformat()} to {end.isoformat()}) "
                                f"did not hold on the harvest date {day.isoformat()}"))
    return problems


async def _product(conn, product_id: int, cooperative: int) -> list[Problem]:
    owner = (await conn.execute(text("SELECT cooperative_id FROM ocop_products WHERE id = :id"),
                                {"id": product_id})).first()
    if owner is None or owner.cooperative_id != cooperative:
        return [Problem("product_cooperative", f"OCOP product {product_id} is not a product of this cooperative")]
    return []


async def _areas(conn, area_ids: list[int], cooperative: int, day: date) -> list[Problem]:
    rows = await conn.execute(text(
        "SELECT g.id, g.code, g.cooperative_id, ntm_growing_status_on(g.id, :day) AS status_then, "
        "ST_AsGeoJSON(g.geom, 7)::json AS where_geom FROM growing_areas g WHERE g.id = ANY(:ids) ORDER BY g.id"),
        {"ids": area_ids, "day": day})
    found, problems = set(), []
    for r in rows:
        found.add(r.id)
        name = r.code or f"#{r.id}"
        if r.cooperative_id != cooperative:
            problems.append(Problem("area_cooperative", f"growing area {name} is not linked to this cooperative",
                                    r.where_geom))
        elif r.status_then != "granted":
            problems.append(Problem("area_not_granted", f"growing area {name} was {r.status_then or 'not yet registered'} "
                                    f"on the harvest date {day.isoformat()}, not granted", r.where_geom))
    problems += [Problem("area_unknown", f"no growing area {a}") for a in area_ids if a not in found]
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
