"""Per-layer completion of imported rows, and the checks that run before anything is inserted.

What can be known from a row alone (level from the code's length, Plus Code from the point) is
done in Python per chunk; what needs the database (the commune a point falls in, the next free
serial) is done in SQL on the staging table.
"""
from __future__ import annotations

import numpy as np
import shapely
from psycopg import sql

from geo import address_code, plus_code
from geo.boundaries import level_of_code, unit_kind
from geo.geometry import REJECTED

STAGE = sql.Identifier("ntm_stage")


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
        self.taken: dict[int, int] = {}

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
        live = np.flatnonzero(fixed.status != REJECTED)
        if not len(live):
            return
        pts = fixed.geoms[live].astype(object)
        lon, lat = shapely.get_x(pts), shapely.get_y(pts)
        for j, code in zip(live, plus_code.encode_many(lon, lat)):
            records["plus_code"][j] = code
        need = []
        for k, i in enumerate(live):
            given = records["address_code"][i]
            if given is None:
                need.append(k)
                continue
            try:
                records["address_code"][i] = address_code.normalize(given)
            except ValueError as exc:
                fixed.status[i], fixed.reasons[i] = REJECTED, f"address code {given!r}: {exc}"
        if not need:
            return
        try:
            cells = address_code.cells_of(lon[need], lat[need])
        except ValueError as exc:
            for k in need:
                fixed.status[live[k]], fixed.reasons[live[k]] = REJECTED, f"no address code possible: {exc}"
            return
        self._load_taken(set(cells.tolist()) - set(self.taken))
        serials = address_code.assign_serials(cells, self.taken)
        for c, s in zip(cells.tolist(), serials.tolist()):
            self.taken[c] = max(self.taken.get(c, 0), s)
        for k, code in zip(need, address_code.make_many(cells, serials)):
            records["address_code"][live[k]] = code

    def _load_taken(self, cells: set[int]) -> None:
        """Highest serial already used in each cell, so new codes never collide or reuse."""
        if not cells:
            return
        prefixes = {address_code.make(c, 0)[:4]: c for c in cells}
        rows = self.conn.execute(
            "SELECT left(address_code, 4), max(substr(address_code, 6, 4)) FROM households "
            "WHERE left(address_code, 4) = ANY(%s) GROUP BY 1", (list(prefixes),),
        ).fetchall()
        for c in cells:
            self.taken.setdefault(c, 0)
        for prefix, top in rows:
            self.taken[prefixes[prefix]] = _b32(top)


def _b32(text: str) -> int:
    """Base-32 digits of a serial; Crockford's alphabet sorts like its values, so max() works."""
    n = 0
    for ch in text:
        n = n * 32 + address_code.ALPHABET.index(ch)
    return n


def complete(conn, spec, options, report) -> None:
    if spec.derive_commune:
        conn.execute(sql.SQL(
            "UPDATE {s} s SET commune_code = c.code FROM communes c "
            "WHERE s.commune_code IS NULL AND ST_Intersects(c.geom, ST_PointOnSurface(s.geom))"
        ).format(s=STAGE))
    if spec.layer == "admin_units":
        conn.execute(sql.SQL(
            "UPDATE {s} s SET parent_code = p.code FROM ("
            "  SELECT code, geom FROM {s} WHERE level = 'province'"
            "  UNION ALL SELECT code, geom FROM provinces) p "
            "WHERE s.parent_code IS NULL AND s.level <> 'province' "
            "AND ST_Intersects(p.geom, ST_PointOnSurface(s.geom))"
        ).format(s=STAGE))
        orphans = conn.execute(sql.SQL(
            "SELECT count(*) FROM {s} WHERE parent_code IS NULL AND level <> 'province'").format(s=STAGE)).fetchone()[0]
        if orphans:
            report.warnings.append(
                f"parent province unknown for {orphans} units: import the province boundary first or pass --parent")
    elif spec.layer == "villages":
        conn.execute(sql.SQL(
            "WITH top AS (SELECT commune_code, max(substring(code FROM '-(\\d+)$')::int) AS n "
            "             FROM villages GROUP BY commune_code), "
            "     numbered AS (SELECT source_row, commune_code, "
            "                  row_number() OVER (PARTITION BY commune_code ORDER BY source_row) AS rn "
            "                  FROM {s} WHERE code IS NULL AND commune_code IS NOT NULL) "
            "UPDATE {s} s SET code = n.commune_code || '-' || lpad((COALESCE(t.n, 0) + n.rn)::text, 3, '0') "
            "FROM numbered n LEFT JOIN top t USING (commune_code) WHERE s.source_row = n.source_row"
        ).format(s=STAGE))
    elif spec.layer == "households":
        conn.execute(sql.SQL(
            "UPDATE {s} s SET village_id = v.id FROM villages v "
            "WHERE s.village_id IS NULL AND ST_Intersects(v.geom, s.geom)"
        ).format(s=STAGE))


def check(conn, spec, columns: list[str]) -> list[tuple[int, str]]:
    problems: list[tuple[int, str]] = []
    required = [*spec.required, *(["commune_code"] if spec.derive_commune else [])]
    for col in required:
        why = (
            "not inside any commune in the database (load admin_units first, or check the CRS)"
            if col == "commune_code" else f"missing {col}"
        )
        if col not in columns:
            return [(0, f"the file has no field for {col} (map one with --map FIELD={col})")]
        rows = conn.execute(sql.SQL("SELECT source_row FROM {s} WHERE {c} IS NULL ORDER BY 1 LIMIT 50").format(
            s=STAGE, c=sql.Identifier(col))).fetchall()
        problems += [(r, why) for (r,) in rows]
    for col in spec.unique:
        if col not in columns:
            continue
        dup = conn.execute(sql.SQL(
            "SELECT min(source_row), {c} FROM {s} WHERE {c} IS NOT NULL GROUP BY {c} HAVING count(*) > 1 LIMIT 50"
        ).format(s=STAGE, c=sql.Identifier(col))).fetchall()
        problems += [(r, f"{col} {val!r} appears more than once in the file") for r, val in dup]
        clash = conn.execute(sql.SQL(
            "SELECT s.source_row, s.{c} FROM {s} s JOIN {t} t ON t.{c} = s.{c} ORDER BY 1 LIMIT 50"
        ).format(s=STAGE, c=sql.Identifier(col), t=sql.Identifier(spec.table.name))).fetchall()
        problems += [(r, f"{col} {val!r} already exists in {spec.table.name}") for r, val in clash]
    if spec.layer == "admin_units":
        clash = conn.execute(sql.SQL(
            "SELECT s.source_row, s.code FROM {s} s JOIN admin_units a ON a.code = s.code AND a.valid_to IS NULL "
            "ORDER BY 1 LIMIT 50").format(s=STAGE)).fetchall()
        problems += [(r, f"unit {code} already exists (a current version is loaded)") for r, code in clash]
    return sorted(problems)


def insert(conn, spec, columns: list[str]) -> int:
    public_cols = [c for c in columns if c not in spec.private_columns]
    cols = sql.SQL(", ").join(sql.Identifier(c) for c in [*public_cols, "geom"])
    cur = conn.execute(sql.SQL("INSERT INTO {t} ({cols}) SELECT {cols} FROM {s} ORDER BY source_row").format(
        t=sql.Identifier(spec.table.schema or "public", spec.table.name), cols=cols, s=STAGE))
    n = cur.rowcount
    private = [c for c in columns if c in spec.private_columns]
    if private:
        pcols = sql.SQL(", ").join(sql.Identifier(c) for c in private)
        scols = sql.SQL(", ").join(sql.Identifier("s", c) for c in private)
        conn.execute(sql.SQL(
            "INSERT INTO private.household_private (household_id, {pcols}) "
            "SELECT h.id, {scols} FROM {s} s JOIN households h USING (address_code)"
        ).format(pcols=pcols, scols=scols, s=STAGE))
    return n
