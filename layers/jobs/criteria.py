"""NTM criteria sets as data: one JSON file per period, so 2026–2030 is added without code."""
from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from layers.db.engines import atomic
from layers.db.models.ntm import NtmCriteriaSet, NtmCriterion


class CriteriaFileError(ValueError):
    pass


SETS, CRITERIA = NtmCriteriaSet.__table__, NtmCriterion.__table__
REQUIRED = ("code", "name_vi", "period_start", "period_end", "criteria")


def read_criteria_file(path: str | Path) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CriteriaFileError(f"{path}: not a readable JSON file ({exc})") from None
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        raise CriteriaFileError(f"{path}: missing {', '.join(missing)}")
    numbers = [c.get("number") for c in data["criteria"]]
    if not numbers or any(not isinstance(n, int) for n in numbers) or len(set(numbers)) != len(numbers):
        raise CriteriaFileError(f"{path}: every criterion needs a distinct integer 'number'")
    if any(not c.get("name_vi") for c in data["criteria"]):
        raise CriteriaFileError(f"{path}: every criterion needs a 'name_vi'")
    return data


def load_criteria_set(conn: Connection, data: dict) -> tuple[int, dict[int, int]]:
    """Insert a set and its criteria, all or nothing; returns the set id and criterion id by number."""
    with atomic(conn):
        exists = conn.execute(sa.select(SETS.c.id).where(SETS.c.code == data["code"])).first()
        if exists:
            raise CriteriaFileError(f"criteria set {data['code']!r} is already loaded")
        set_id = conn.execute(sa.insert(SETS).values(
            code=data["code"], name_vi=data["name_vi"], name_en=data.get("name_en"),
            period_start=data["period_start"], period_end=data["period_end"],
            legal_basis=data.get("legal_basis")).returning(SETS.c.id)).scalar_one()
        ids = {}
        for c in data["criteria"]:
            ids[c["number"]] = conn.execute(sa.insert(CRITERIA).values(
                set_id=set_id, number=c["number"], name_vi=c["name_vi"], name_en=c.get("name_en"),
                description=c.get("description")).returning(CRITERIA.c.id)).scalar_one()
    return set_id, ids
