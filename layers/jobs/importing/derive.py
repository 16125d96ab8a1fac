"""Per-layer completion of imported rows, and the checks that run before anything is inserted.

What can be known from a row alone (level from the code's length, Plus Code from the point) is
done in Python per chunk; what needs the database (the commune a point falls in, the next free
serial) is done in SQL on the staging table.
"""
from __future__ import annotations

import numpy as np
import shapely
import sqlalchemy as sa

from geo import address_code, plus_code
from geo.boundaries import level_of_code, unit_kind
from geo.geometry import REJECTED
from geo.vector_sniff import shorten
from layers.jobs.bulk import copy_rows, qualified
from layers.jobs.importing.values import shown

STAGE = "ntm_stage"  # the import's temporary table (layers.jobs.importing.loader creates it)


def _quote(conn, name: str) -> str:
    """A column name from the layer's spec, quoted by SQLAlchemy."""
    return conn.dialect.identifier_preparer.quote(name)


def extra_columns(spec) -> list[str]:
    cols = ["commune_code"] if spec.derive_commune else []
    return cols + {
        "admin_units": ["level", "kind", "parent_code"],
        "villages": ["code"],
        "households": ["address_code", "plus_code", "village_id"],
    }.get(spec.layer, [])


class ChunkHooks:
    def __init__(self, conn, spec, options):
        self.conn, self.spec, self.options = conn, spec, options

    def complete_chunk(self, records: dict, fixed, gdf) -> None:
        if self.spec.layer == "admin_units":
            for i, code in enumerate(records["code"]):
                if code is None:
                    continue
                records["level"][i] = records["level"][i] or level_of_code(code)
                records["kind"][i] = records["kind"][i] or unit_kind(records["full_name_vi"][i] if "full_name_vi" in records else None)
                if records["level"][i] != "province" and self.options.parent_code:
                    records["parent_code"][i] = records["parent_code"][i] or self.options.parent_code
        elif self.spec.layer == "households":
            self._address_codes(records, fixed)

    def _address_codes(self, records: dict, fixed) -> None:
        """Plus Codes and the check of given address codes need only the row itself."""
        live = np.flatnonzero(fixed.status != REJECTED)
        if not len(live):
            return
        pts = fixed.geoms[live].astype(object)
        for j, code in zip(live, plus_code.encode_many(shapely.get_x(pts), shapely.get_y(pts))):
            records["plus_code"][j] = code
        for i in live:
            given = records["address_code"][i]
            if given is None:
                continue
            try:
                records["address_code"][i] = address_code.normalize(given)
            except ValueError as exc:
                fixed.status[i], fixed.reasons[i] = REJECTED, f"address code {shown(given)}: {exc}"


def _new_address_codes(conn) -> None:
    """Codes for rows without one, once the whole file is staged.

    Serials continue after the highest one used in each cell, counting the households table
    and the codes given elsewhere in the same file, so a generated code never collides.
    """
    rows = conn.execute(sa.text(
        f"SELECT source_row, ST_X(geom), ST_Y(geom) FROM {STAGE} WHERE address_code IS NULL ORDER BY source_row"
    )).all()
    if not rows:
        return
    source_rows, lon, lat = (np.array(col) for col in zip(*rows))
    inside = (lon >= address_code.MIN_LON) & (lon <= address_code.MAX_LON) & (
        lat >= address_code.MIN_LAT) & (lat <= address_code.MAX_LAT)
    if not inside.any():
        return  # check() reports these rows
    cells = address_code.cells_of(lon[inside], lat[inside])
    serials = address_code.assign_serials(cells, _taken(conn, set(cells.tolist())))
    codes = address_code.make_many(cells, serials)
    conn.execute(sa.text("DROP TABLE IF EXISTS ntm_new_codes"))
    conn.execute(sa.text("CREATE TEMP TABLE ntm_new_codes (source_row integer, address_code text) ON COMMIT DROP"))
    copy_rows(conn, "ntm_new_codes", ["source_row", "address_code"], zip(source_rows[inside].tolist(), codes), schema=None)
    conn.execute(sa.text(
        f"UPDATE {STAGE} s SET address_code = n.address_code FROM ntm_new_codes n WHERE s.source_row = n.source_row"
    ))


def _taken(conn, cells: set[int]) -> dict[int, int]:
    """Highest serial already used in each cell (table and file), so codes are never reused."""
    prefixes = {address_code.make(c, 0)[:4]: c for c in cells}
    rows = conn.execute(sa.text(
        "SELECT left(code, 4), max(substr(code, 6, 4) COLLATE \"C\") FROM ("
        f"  SELECT address_code AS code FROM households UNION ALL SELECT address_code FROM {STAGE}) x "
        "WHERE left(code, 4) = ANY(:prefixes) GROUP BY 1"), {"prefixes": list(prefixes)}).all()
    # Crockford's alphabet sorts like its values, so max() of the text is the highest serial.
    return {prefixes[prefix]: address_code.decode(top) for prefix, top in rows}



def complete(conn, spec, options, report) -> None:
    if spec.derive_commune:
        conn.execute(sa.text(
            f"UPDATE {STAGE} s SET commune_code = c.code FROM communes c "
            "WHERE s.commune_code IS NULL AND ST_Intersects(c.geom, ST_PointOnSurface(s.geom))"
        ))
    if spec.layer == "admin_units":
        conn.execute(sa.text(
            f"UPDATE {STAGE} s SET parent_code = p.code FROM ("
            f"  SELECT code, geom FROM {STAGE} WHERE level = 'province'"
            "  UNION ALL SELECT code, geom FROM provinces) p "
            "WHERE s.parent_code IS NULL AND s.level <> 'province' "
            "AND ST_Intersects(p.geom, ST_PointOnSurface(s.geom))"
        ))
        orphans = conn.execute(sa.text(
            f"SELECT count(*) FROM {STAGE} WHERE parent_code IS NULL AND level <> 'province'")).scalar()
        if orphans:
            report.warnings.append(
                f"parent province unknown for {orphans} units: import the province boundary first or pass --parent")
    elif spec.layer == "villages":
        conn.execute(sa.text(
            "WITH top AS (SELECT commune_code, max(substring(code FROM '-(\\d+)$')::int) AS n "
            "             FROM villages GROUP BY commune_code), "
            "     numbered AS (SELECT source_row, commune_code, "
            "                  row_number() OVER (PARTITION BY commune_code ORDER BY source_row) AS rn "
            f"                  FROM {STAGE} WHERE code IS NULL AND commune_code IS NOT NULL) "
            f"UPDATE {STAGE} s SET code = n.commune_code || '-' || lpad((COALESCE(t.n, 0) + n.rn)::text, 3, '0') "
            "FROM numbered n LEFT JOIN top t USING (commune_code) WHERE s.source_row = n.source_row"
        ))
    elif spec.layer == "households":
        _new_address_codes(conn)
        conn.execute(sa.text(
            f"UPDATE {STAGE} s SET village_id = v.id FROM villages v "
            "WHERE s.village_id IS NULL AND ST_Intersects(v.geom, s.geom)"
        ))


def check(conn, spec, columns: list[str]) -> list[tuple[int, str]]:
    """Every staged row that cannot go in, with its reasons (all rows: --skip-invalid drops them)."""
    queries: list[tuple[str, str]] = []
    for col in spec.required:
        queries.append((f"SELECT source_row, NULL FROM {STAGE} WHERE {_quote(conn, col)} IS NULL", f"missing {col}"))
    if spec.derive_commune:
        queries.append((f"SELECT source_row, NULL FROM {STAGE} WHERE commune_code IS NULL",
                        "not inside any commune in the database (load admin_units first, or check the CRS)"))
        queries.append((
            f"SELECT source_row, commune_code FROM {STAGE} s WHERE commune_code IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM communes c WHERE c.code = s.commune_code)",
            "commune_code {!r} is not a commune in the database"))
    if spec.layer == "households":
        queries.append((f"SELECT source_row, NULL FROM {STAGE} WHERE address_code IS NULL",
                        "no address code possible: the point is outside the address-code grid"))
    unique = [c for c in (*spec.unique, *(["code"] if spec.layer == "admin_units" else [])) if c in columns]
    table = qualified(conn, spec.table.name, spec.table.schema or "public")
    for col in unique:
        c = _quote(conn, col)
        queries.append((
            f"SELECT source_row, {c}, first FROM ("
            f"  SELECT source_row, {c}, min(source_row) OVER (PARTITION BY {c}) AS first FROM {STAGE} "
            f"  WHERE {c} IS NOT NULL) d WHERE source_row > first",
            f"{col} {{!r}} appears more than once in the file (first on row {{}})"))
        current = " AND t.valid_to IS NULL" if spec.layer == "admin_units" else ""
        queries.append((f"SELECT s.source_row, s.{c} FROM {STAGE} s JOIN {table} t ON t.{c} = s.{c}{current}",
                        f"{col} {{!r}} already exists in {spec.table.name}"
                        + (" (a current version is loaded; end it with valid_to first)" if spec.layer == "admin_units" else "")))
    reasons: dict[int, list[str]] = {}
    for query, why in queries:
        for row, *values in conn.execute(sa.text(query)).all():
            reasons.setdefault(row, []).append(why.format(*(shorten(v) if isinstance(v, str) else v for v in values)))
    return [(row, "; ".join(whys)) for row, whys in sorted(reasons.items())]


def drop_rows(conn, rows: list[int]) -> None:
    conn.execute(sa.text(f"DELETE FROM {STAGE} WHERE source_row = ANY(:rows)"), {"rows": rows})


def _with_defaults(conn, table, columns: list[str]) -> str:
    """A blank cell means "the column's default", not NULL (status 'draft', wifi false, ...)."""
    defaults = dict(conn.execute(sa.text(
        "SELECT column_name, column_default FROM information_schema.columns "
        "WHERE table_schema = :schema AND table_name = :name AND column_default IS NOT NULL"),
        {"schema": table.schema or "public", "name": table.name}).all())
    # The default is an expression from the catalogue (our own schema), never user input; its
    # colons are escaped so that sa.text reads none of them as a parameter.
    return ", ".join(
        f"COALESCE(s.{_quote(conn, c)}, {defaults[c].replace(':', chr(92) + ':')})"
        if c in defaults else f"s.{_quote(conn, c)}"
        for c in columns
    )


def insert(conn, spec, columns: list[str]) -> int:
    """Move the staged rows into the layer; their personal columns into its private table.

    Ids are taken first, in file order, so each row's personal part finds its new row and the
    rule checks that follow can name the file's row of each problem (`new_ids`).
    """
    public_cols = [c for c in columns if c not in spec.private_columns]
    private = [c for c in columns if c in spec.private_columns]
    table = qualified(conn, spec.table.name, spec.table.schema or "public")
    conn.execute(sa.text(f"ALTER TABLE {STAGE} ADD COLUMN IF NOT EXISTS ntm_new_id bigint"))
    conn.execute(sa.text(
        f"UPDATE {STAGE} s SET ntm_new_id = n.id FROM (SELECT source_row, nextval(pg_get_serial_sequence(:t, 'id')) AS id "
        f"FROM (SELECT source_row FROM {STAGE} ORDER BY source_row) o) n WHERE n.source_row = s.source_row"),
        {"t": table})
    n = conn.execute(sa.text(
        f"INSERT INTO {table} (id, {', '.join(_quote(conn, c) for c in public_cols)}, geom) "
        f"SELECT s.ntm_new_id, {_with_defaults(conn, spec.table, public_cols)}, s.geom "
        f"FROM {STAGE} s ORDER BY s.source_row"
    )).rowcount
    if private:
        target = spec.private_table
        pcols = ", ".join(_quote(conn, c) for c in private)
        scols = ", ".join(f"s.{_quote(conn, c)}" for c in private)
        conn.execute(sa.text(
            f"INSERT INTO {qualified(conn, target.name, target.schema)} ({_quote(conn, spec.private_key)}, {pcols}) "
            f"SELECT s.ntm_new_id, {scols} FROM {STAGE} s"))
    return n


def new_ids(conn) -> dict[int, int]:
    """New row id → the file's row, for the rows `insert` just added."""
    return dict(conn.execute(sa.text(f"SELECT ntm_new_id, source_row FROM {STAGE} WHERE ntm_new_id IS NOT NULL")).all())
