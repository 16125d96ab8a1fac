"""The register rows staff still have to place, given back in the register's own format.

A row is given back when it matched no village (none, ambiguous, or no village written), when it
matched a village but no household point, or when it repeats an earlier row; each with its
reason (geo.registers.REASONS, in the language asked). The cells are the file's own, as read,
so staff fix the rows and import them again; a CSV comes back in the file's own encoding
(comma-separated), an .xlsx as an .xlsx. Reading these rows is a read of personal data: recorded.
"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

from geo import registers
from geo.village_match import VillageMatcher

_REGISTER = text("SELECT id, commune_code, file_name, file_format, encoding, columns FROM private.household_registers "
                 "WHERE id = :id")
_ROWS = text("""
    SELECT r.row_number, r.cells, r.match, r.village_text, r.duplicate_of, v.name AS village_name
    FROM private.household_register_rows r LEFT JOIN villages v ON v.id = r.village_id
    WHERE r.register_id = :id AND (r.village_id IS NULL OR r.household_id IS NULL OR r.duplicate_of IS NOT NULL)
    ORDER BY r.row_number""")
_VILLAGES = text("SELECT id, name FROM villages WHERE commune_code = :c ORDER BY id")
_RECORD = text("""
    INSERT INTO private.household_access (actor, user_id, action, household_ids, what)
    VALUES (:actor, (SELECT id FROM private.users WHERE name = :actor), 'export', '{}', :what)""")
MEDIA = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def register(conn: Connection, register_id: int):
    return conn.execute(_REGISTER, {"id": register_id}).first()


def reasons(conn: Connection, reg, lang: str):
    villages = [(v.id, v.name) for v in conn.execute(_VILLAGES, {"c": reg.commune_code})]
    names, matcher = dict(villages), VillageMatcher(villages)
    for r in conn.execute(_ROWS, {"id": reg.id}):
        if r.duplicate_of is not None:
            why = registers.reason("duplicate", lang, row=r.duplicate_of)
        elif r.match in ("exact", "fuzzy"):
            why = registers.reason("no_point", lang, matched=r.village_name)
        elif r.match == "ambiguous":
            tied = matcher.match(r.village_text).candidates
            why = registers.reason("ambiguous", lang, village=r.village_text,
                                   candidates=", ".join(names[i] for i in tied) or "?")
        else:
            why = registers.reason(r.match, lang, village=r.village_text or "")
        yield list(r.cells), why


def unplaced(conn: Connection, register_id: int, actor: str, lang: str = "vi") -> tuple[bytes, str, str] | None:
    """(file bytes, file name, media type) of the rows to place, or None for no such register."""
    reg = register(conn, register_id)
    if reg is None:
        return None
    rows = reasons(conn, reg, lang)
    if reg.file_format == "xlsx":
        data = registers.write_xlsx(list(reg.columns), rows)
    else:
        data = registers.write_csv(list(reg.columns), rows, reg.encoding or "utf-8")
    conn.execute(_RECORD, {"actor": actor, "what": f"unplaced rows of register {reg.id} ({reg.file_name})"})
    stem = reg.file_name.rsplit(".", 1)[0]
    return data, f"{stem}.unplaced.{reg.file_format}", MEDIA[reg.file_format]
