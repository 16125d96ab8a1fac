"""NTM criteria sets as data: one JSON file per period, so 2026–2030 is added without code."""
from __future__ import annotations

import json
from pathlib import Path

import psycopg


class CriteriaFileError(ValueError):
    pass


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


def load_criteria_set(conn: psycopg.Connection, data: dict) -> tuple[int, dict[int, int]]:
    """Insert a set and its criteria; returns the set id and criterion id by number."""
    exists = conn.execute("SELECT 1 FROM ntm_criteria_sets WHERE code = %s", (data["code"],)).fetchone()
    if exists:
        raise CriteriaFileError(f"criteria set {data['code']!r} is already loaded")
    set_id = conn.execute(
        "INSERT INTO ntm_criteria_sets (code, name_vi, name_en, period_start, period_end, legal_basis) "
        "VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
        (data["code"], data["name_vi"], data.get("name_en"), data["period_start"], data["period_end"],
         data.get("legal_basis")),
    ).fetchone()[0]
    ids = {}
    for c in data["criteria"]:
        ids[c["number"]] = conn.execute(
            "INSERT INTO ntm_criteria (set_id, number, name_vi, name_en, description) "
            "VALUES (%s, %s, %s, %s, %s) RETURNING id",
            (set_id, c["number"], c["name_vi"], c.get("name_en"), c.get("description")),
        ).fetchone()[0]
    return set_id, ids
