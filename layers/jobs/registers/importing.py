"""Import one commune's register: stream, match, store in `private`, pair with points, report.

All or nothing, in one transaction: the register's row, then its rows COPYed in batches of
`BATCH` as they are read (each distinct village name matched once, geo.village_match), then one
statement per pairing rule ties rows to household points of their village: the same ID number,
else the same phone, else the same head's name (folded), each point taken by one row only. A row
repeating an earlier one (same ID number, or same village, head and phone) is a duplicate: kept,
reported, and not counted twice. The import and the households it paired are written to
`private.household_access` (an edit of personal data, Decree 13/2023/NĐ-CP).

A register changes the households the open-data indicators count (layers.read.coverage), yet its
tables are private and have no version trigger, so the import bumps `layer_versions`
('household_registers') itself, in the same transaction: `ntm-map publish --if-changed` compares
those versions and would otherwise skip the release whose indicators moved. (Registers are never
deleted today; a delete would bump it the same way, `bump_register_version`.)

What did not match (no village, an ambiguous one, no point) is what staff go and place: the
report counts each reason and `unplaced` gives the rows back with a reason, in the file's format.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection
from tqdm import tqdm

from geo import registers
from geo.village_match import VillageMatcher
from layers.db.engines import atomic
from layers.jobs.bulk import copy_rows
from layers.jobs.registers.reading import open_register

BATCH = 5_000
MAX_ROWS = 250_000  # a commune of 200,000 households, with room; more is not one commune's register
COLUMNS = ("register_id", "row_number", "village_text", "head_name", "members", "phone", "address_text",
           "national_id", "cells", "village_id", "match", "score")

_COMMUNE = text("SELECT code FROM communes WHERE code = :c")
_VILLAGES = text("SELECT id, name FROM villages WHERE commune_code = :c ORDER BY id")
_REGISTER = text("""
    INSERT INTO private.household_registers (commune_code, file_name, file_format, encoding, columns, imported_by)
    VALUES (:commune, :name, :format, :encoding, :columns, :actor) RETURNING id""")
# Pairing, strongest evidence first; each point goes to one row (the first in the file).
_PAIR = """
    WITH cand AS (
        SELECT DISTINCT ON (h.id) r.row_number, h.id AS household_id
        FROM private.household_register_rows r
        JOIN households h ON h.village_id = r.village_id AND h.status = 'active'
        JOIN private.household_private p ON p.household_id = h.id
        WHERE r.register_id = :id AND r.household_id IS NULL AND r.duplicate_of IS NULL AND {condition}
          AND NOT EXISTS (SELECT 1 FROM private.household_register_rows t
                          WHERE t.register_id = :id AND t.household_id = h.id)
        ORDER BY h.id, r.row_number)
    UPDATE private.household_register_rows r SET household_id = cand.household_id
    FROM cand WHERE r.register_id = :id AND r.row_number = cand.row_number AND r.household_id IS NULL"""
PAIRINGS = {
    "national_id": "r.national_id IS NOT NULL AND p.national_id = r.national_id",
    "phone": "r.phone IS NOT NULL AND p.phone = r.phone",
    "head_name": "r.head_name IS NOT NULL AND ntm_fold(p.head_name) = ntm_fold(r.head_name)",
}
_DUPLICATES = text("""
    UPDATE private.household_register_rows r SET duplicate_of = d.first FROM (
    SELECT row_number, first FROM (
        SELECT row_number, min(row_number) OVER (PARTITION BY coalesce(national_id,
                   coalesce(village_id::text, ntm_fold(village_text)) || '|' || ntm_fold(coalesce(head_name, ''))
                   || '|' || coalesce(phone, ''))) AS first
        FROM private.household_register_rows WHERE register_id = :id) f
    WHERE row_number <> first) d
    WHERE r.register_id = :id AND r.row_number = d.row_number""")
_COUNTS = text("""
    UPDATE private.household_registers g SET rows_total = c.total, rows_village = c.village, rows_point = c.point
    FROM (SELECT count(*) AS total, count(village_id) AS village, count(household_id) AS point
          FROM private.household_register_rows WHERE register_id = :id) c
    WHERE g.id = :id""")
_NO_POINT = text("SELECT count(*) FROM private.household_register_rows WHERE register_id = :id "
                 "AND village_id IS NOT NULL AND household_id IS NULL AND duplicate_of IS NULL")
_PAIRED = text("SELECT household_id FROM private.household_register_rows WHERE register_id = :id "
               "AND household_id IS NOT NULL ORDER BY household_id")
# Only a count of imports reaches the release manifest's layer_versions, nothing from the register.
REGISTER_VERSION = "household_registers"
_BUMP = text("""
    INSERT INTO layer_versions (table_name, version, changed_at) VALUES (:t, 1, now())
    ON CONFLICT (table_name) DO UPDATE SET version = layer_versions.version + 1, changed_at = now()""")
_RECORD = text("""
    INSERT INTO private.household_access (actor, user_id, action, household_ids, what)
    VALUES (:actor, (SELECT id FROM private.users WHERE name = :actor), 'edit', :ids, :what)""")


def bump_register_version(conn: Connection) -> None:
    """Registers changed: what depends on them (the open-data indicators' households) is stale."""
    conn.execute(_BUMP, {"t": REGISTER_VERSION})


class RegisterRefused(ValueError):
    """The register cannot be imported (unknown commune, no village column, too many rows)."""


def _rows(reg, columns: dict, matcher: VillageMatcher, register_id: int, counts: Counter, bar):
    for number, cells in reg.rows():
        if counts["rows"] >= MAX_ROWS:
            raise RegisterRefused(f"the register has more than {MAX_ROWS:,} rows: not one commune's register")
        values = registers.row_values(cells, columns)
        found = matcher.match(values["village_text"])
        counts["rows"] += 1
        counts[found.how] += 1
        bar.update(1)
        yield (register_id, number, values["village_text"], values["head_name"], values["members"], values["phone"],
               values["address_text"], values["national_id"], cells, found.village_id, found.how, found.score)


def import_register(conn: Connection, path: str | Path, commune: str, actor: str, *, encoding: str | None = None,
                    progress: bool = True, name: str | None = None) -> dict:
    """Import the register at `path` (called `name`, default its own) for `commune`; returns the
    report (counts by outcome)."""
    path = Path(path)
    name = name or path.name
    if conn.execute(_COMMUNE, {"c": commune}).first() is None:
        raise RegisterRefused(f"no commune {commune}")
    villages = [(r.id, r.name) for r in conn.execute(_VILLAGES, {"c": commune})]
    matcher = VillageMatcher(villages)
    reg = open_register(path, encoding)
    try:
        columns = registers.header_map(reg.header)
    except registers.RegisterProblem:
        reg.close()
        raise
    counts: Counter = Counter()
    with atomic(conn), tqdm(total=reg.total, unit="rows", desc=f"{name} → register {commune}",
                            disable=not progress, mininterval=0.5) as bar:
        register_id = conn.execute(_REGISTER, {"commune": commune, "name": name, "format": reg.format,
                                               "encoding": reg.encoding, "columns": reg.header, "actor": actor}).scalar()
        rows = _rows(reg, columns, matcher, register_id, counts, bar)
        while copy_rows(conn, "household_register_rows", COLUMNS, _take(rows, BATCH), schema="private"):
            pass
        duplicates = conn.execute(_DUPLICATES, {"id": register_id}).rowcount
        paired = Counter()
        for rule, condition in PAIRINGS.items():
            paired[rule] = conn.execute(text(_PAIR.format(condition=condition)), {"id": register_id}).rowcount
        no_point = conn.execute(_NO_POINT, {"id": register_id}).scalar()
        conn.execute(_COUNTS, {"id": register_id})
        bump_register_version(conn)
        ids = [r[0] for r in conn.execute(_PAIRED, {"id": register_id})]
        conn.execute(_RECORD, {"actor": actor, "ids": ids,
                               "what": f"register {register_id} imported from {name}: {counts['rows']} rows"})
    village = counts["exact"] + counts["fuzzy"]
    return {"register_id": register_id, "commune": commune, "file": name, "format": reg.format,
            "encoding": reg.encoding, "columns": {f: reg.header[i] for f, i in columns.items()},
            "rows": counts["rows"], "village_matched": village, "village_exact": counts["exact"],
            "village_fuzzy": counts["fuzzy"], "village_ambiguous": counts["ambiguous"],
            "village_none": counts["none"], "village_empty": counts["empty"],
            "point_matched": sum(paired.values()), "point_by": dict(paired),
            "no_point": no_point, "duplicates": duplicates}


def _take(rows, n: int):
    for _, row in zip(range(n), rows):
        yield row
