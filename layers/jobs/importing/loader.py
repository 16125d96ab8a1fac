"""The import flow: read → map fields → reproject → repair → stage (COPY) → complete → check → insert."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from tqdm import tqdm

from geo import crs as vcrs
from geo import vector_io
from geo.geometry import OK, REJECTED, REPAIRED, family, outside_world, repair
from geo.vector_sniff import shorten
from layers.jobs.bulk import copy_rows, ewkb_hex
from layers.jobs.checks import CheckParams
from layers.jobs.checks import run as run_checks
from layers.jobs.checks.rules import RULES_BY_ID
from layers.jobs.importing import derive
from layers.jobs.importing.specs import ImportSpec, get_spec
from layers.jobs.importing.values import BadValue, _fold

STAGE = "ntm_stage"
MAX_LISTED = 20
RULED_LAYERS = ("growing_areas", "households")  # layers with rules of their own in layers.jobs.checks


class ImportFailed(Exception):
    """Nothing was loaded; the message names the file, the rows and the reasons."""

    def __init__(self, message: str, report: ImportReport | None = None):
        super().__init__(message)
        self.report = report


@dataclass
class ImportOptions:
    source_layer: str | None = None
    crs: str | None = None
    encoding: str | None = None
    field_map: dict[str, str] = field(default_factory=dict)
    skip_invalid: bool = False
    parent_code: str | None = None
    default_province: str = "40"
    progress: bool = True
    chunk_size: int = 50_000
    trust_file: bool = False  # the administrator's own file: GDAL may open it however it likes
    # The rules of `ntm-map check` (layers.jobs.checks) run over the rows loaded: reported by
    # default; with `strict`, rows that break one are refused like invalid rows.
    strict: bool = False
    check_params: CheckParams | None = None


@dataclass
class ImportReport:
    file: str
    layer: str
    crs: str = ""
    notes: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    ignored_fields: list[str] = field(default_factory=list)
    strict: bool = False
    rows_read: int = 0
    rows_loaded: int = 0
    repaired: list[tuple[int, str]] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    broken_rules: list[tuple[int, str]] = field(default_factory=list)  # (file row, "rule: message")
    problems_file: str | None = None

    def counts(self) -> dict:
        return {"rows_read": self.rows_read, "rows_loaded": self.rows_loaded,
                "rows_repaired": len(self.repaired), "rows_rejected": len(self.rejected)}

    def header(self) -> list[str]:
        """How the file was read (CRS, encoding, field mapping): what a user checks first."""
        lines = [f"{self.file} → {self.layer}", f"  CRS: {self.crs}"]
        lines += [f"  {n}" for n in self.notes]
        if self.mapping:
            lines.append("  fields: " + ", ".join(f"{shorten(s)} → {d}" for s, d in self.mapping.items()))
        if self.ignored_fields:
            lines.append("  ignored fields: " + field_list(self.ignored_fields))
        return lines

    def summary(self) -> str:
        lines = self.header()
        lines.append(
            f"  read {self.rows_read}, loaded {self.rows_loaded}, repaired {len(self.repaired)}, "
            f"rejected {len(self.rejected)}"
        )
        lines += [f"  row {r}: {why}" for r, why in self.repaired[:MAX_LISTED]]
        lines += [f"  row {r} rejected: {why}" for r, why in self.rejected[:MAX_LISTED]]
        if len(self.rejected) > MAX_LISTED:
            lines.append(f"  … and {len(self.rejected) - MAX_LISTED} more rejected rows")
        if self.broken_rules:
            loaded = "refused (--strict)" if self.strict else "loaded all the same (--strict refuses them)"
            lines.append(f"  {len(self.broken_rules)} rows break a rule of `ntm-map check`, {loaded}:")
            lines += [f"  row {r}: {why}" for r, why in self.broken_rules[:MAX_LISTED]]
            if len(self.broken_rules) > MAX_LISTED:
                lines.append(f"  … and {len(self.broken_rules) - MAX_LISTED} more")
        lines += [f"  warning: {w}" for w in self.warnings]
        if self.problems_file:
            lines.append(f"  rows to fix, with a reason column: {self.problems_file}")
        return "\n".join(lines)


def field_list(fields: list[str], most: int = 40) -> str:
    """Field names from a file, as messages list them: each cut short, and not too many."""
    listed = ", ".join(shorten(f) for f in fields[:most])
    return listed + (f", … ({len(fields)} in all)" if len(fields) > most else "")


def map_fields(spec: ImportSpec, fields: list[str], explicit: dict[str, str], display: str) -> tuple[dict, list]:
    """Source field → column; explicit --map wins, then exact names, then aliases."""
    known = {**spec.columns, **spec.private_columns}
    for src, dst in explicit.items():
        if src not in fields:
            raise ImportFailed(f"{display}: --map {src}={dst}: the file has no field {src!r}; fields: {field_list(fields)}")
        if dst not in known:
            raise ImportFailed(f"{display}: --map {src}={dst}: {spec.layer} has no column {dst!r}; columns: {', '.join(known)}")
    mapping = {src: dst for src, dst in explicit.items()}  # --map wins over names and aliases
    ignored = []
    for f in fields:
        if f in mapping:
            continue
        folded = _fold(f)
        dst = folded if folded in known else spec.aliases.get(folded)
        if dst is None or dst in mapping.values():
            ignored.append(f)
        else:
            mapping[f] = dst
    return mapping, ignored


def _province_lookup(conn: Connection):
    def province_at(lon: float, lat: float) -> str | None:
        row = conn.execute(sa.text(
            "SELECT code FROM provinces WHERE ST_Intersects(geom, ST_SetSRID(ST_Point(:lon, :lat), 4326)) LIMIT 1"),
            {"lon": lon, "lat": lat},
        ).first()
        return row[0] if row else None
    has_provinces = conn.execute(sa.text("SELECT EXISTS (SELECT 1 FROM provinces)")).scalar()
    return province_at if has_provinces else None


def _create_stage(conn: Connection, spec: ImportSpec, columns: list[str]) -> None:
    """Column names and types come from the layer's model (the spec), quoted by SQLAlchemy."""
    geom_type = {"Point": "Point", "LineString": "MultiLineString", "Polygon": "MultiPolygon"}[spec.family]
    quote = conn.dialect.identifier_preparer.quote
    defs = ["source_row integer", *(f"{quote(c)} {spec.sql_type(c)}" for c in columns),
            f"geom geometry({geom_type}, 4326)"]
    conn.execute(sa.text(f"DROP TABLE IF EXISTS {quote(STAGE)}"))
    conn.execute(sa.text(f"CREATE TEMP TABLE {quote(STAGE)} ({', '.join(defs)}) ON COMMIT DROP"))


def import_file(conn: Connection, layer: str, path: str | Path, options: ImportOptions) -> ImportReport:
    """Load one file into one layer inside the caller's transaction; raise ImportFailed to abort."""
    try:
        spec = get_spec(layer)
    except KeyError as exc:
        raise ImportFailed(str(exc.args[0])) from None
    try:
        src = vector_io.open_vector(path, options.source_layer, options.encoding, spec.family,
                                    trusted=options.trust_file)
    except vector_io.UnsafeFile as exc:
        raise ImportFailed(f"{exc}. If you made this file yourself and trust it, pass --trust-file") from None
    except vector_io.FileProblem as exc:
        raise ImportFailed(str(exc)) from None
    report = ImportReport(file=src.display, layer=layer, notes=list(src.notes), strict=options.strict)
    _check_file(src, spec)
    mapping, report.ignored_fields = map_fields(spec, src.fields, options.field_map, src.display)
    report.mapping = mapping
    columns = list(dict.fromkeys([*mapping.values(), *derive.extra_columns(spec)]))
    missing = [c for c in spec.required if c not in columns]
    if missing:
        raise ImportFailed(
            f"{src.display}: no field for {', '.join(missing)}, which {layer} requires; fields: "
            f"{field_list(src.fields) or '(none)'} (map one with --map FIELD={missing[0]})", report)
    _create_stage(conn, spec, columns)
    hooks = derive.ChunkHooks(conn, spec, options)
    resolved = None
    bar = tqdm(total=src.count, unit="features", desc=f"{Path(src.display).name} → {layer}",
               disable=not options.progress, leave=False)
    try:
        for chunk in vector_io.read_chunks(src, options.chunk_size):
            if resolved is None:
                bounds = src.bounds or tuple(chunk.geometry.total_bounds)
                try:
                    resolved = vcrs.resolve(src.crs, options.crs, bounds, _province_lookup(conn), options.default_province)
                except vcrs.CRSProblem as exc:
                    raise ImportFailed(f"{src.display}: {exc}", report) from None
                report.crs = resolved.message
                report.notes += [("warning: " if n.warning else "") + n.en for n in resolved.notes]  # CRS traps
            rows = _stage_chunk(chunk, spec, mapping, columns, resolved, report, hooks)
            copy_rows(conn, STAGE, ["source_row", *columns, "geom"], rows, schema=None)
            bar.update(len(chunk))
    except vector_io.BadText as exc:
        raise ImportFailed(f"{exc}; the file says it is, but if it is in a legacy encoding pass it with "
                           "--encoding (tcvn3, vni, cp1258)") from None
    except vector_io.FileProblem as exc:
        raise ImportFailed(str(exc)) from None
    finally:
        bar.close()
    _give_up_on_rejects(src, report, options)
    derive.complete(conn, spec, options, report)
    problems = derive.check(conn, spec, columns)
    if problems:
        report.rejected = sorted(report.rejected + problems)
        _give_up_on_rejects(src, report, options)  # raises unless --skip-invalid leaves rows to load
        derive.drop_rows(conn, [r for r, _ in problems])
    try:
        report.rows_loaded = _insert_checked(conn, spec, columns, options, report, src)
    except sa.exc.IntegrityError as exc:
        diag = exc.orig.diag
        detail = diag.message_detail or ""
        raise ImportFailed(f"{src.display}: the database refused the rows ({diag.message_primary}) {detail}; nothing was loaded", report) from None
    return report


def _insert_checked(conn, spec, columns, options: ImportOptions, report: ImportReport, src) -> int:
    """Insert, then run the layer's rules on the new rows; --strict takes the breakers out again
    (the insert is undone to a savepoint and redone without them), or refuses the file."""
    if spec.layer not in RULED_LAYERS:
        return derive.insert(conn, spec, columns)
    params = options.check_params or CheckParams()
    savepoint = conn.begin_nested()
    loaded = derive.insert(conn, spec, columns)
    rows = derive.new_ids(conn)
    found = run_checks(conn, params, [spec.layer], {spec.layer: list(rows)})
    per_row: dict[int, list[str]] = {}
    for f in found.findings:
        per_row.setdefault(rows[f.id], []).append(f"{f.rule}: {f.message(RULES_BY_ID[f.rule])}")
    report.broken_rules = [(r, "; ".join(whys)) for r, whys in sorted(per_row.items())]
    if not (options.strict and per_row):
        savepoint.commit()
        return loaded
    savepoint.rollback()
    report.rejected = sorted(report.rejected + report.broken_rules)
    report.broken_rules = []
    _give_up_on_rejects(src, report, options)  # raises unless --skip-invalid leaves rows to load
    derive.drop_rows(conn, list(per_row))
    return derive.insert(conn, spec, columns)


def _check_file(src: vector_io.VectorSource, spec: ImportSpec) -> None:
    """Fail before reading a row when the whole file cannot fit the layer."""
    if src.count == 0:
        raise ImportFailed(f"{src.display}: layer {src.layer!r} has no features; nothing to import")
    kind = family(src.geometry_type or "")
    if kind in ("Point", "LineString", "Polygon") and kind != spec.family:
        raise ImportFailed(
            f"{src.display}: holds {src.geometry_type} geometries, but {spec.layer} takes "
            f"{spec.family.lower()}s; choose another layer of the file (--layer) or another target layer")


def _give_up_on_rejects(src, report: ImportReport, options: ImportOptions) -> None:
    if report.rejected and not options.skip_invalid:
        raise ImportFailed(
            f"{src.display}: {len(report.rejected)} of {report.rows_read} rows cannot be loaded, so nothing "
            "was loaded (use --skip-invalid to load the others):\n" + _listing(report.rejected), report)
    if report.rejected and len(report.rejected) >= report.rows_read:
        raise ImportFailed(f"{src.display}: none of the {report.rows_read} rows can be loaded:\n"
                           + _listing(report.rejected), report)


def _listing(rows: list[tuple[int, str]]) -> str:
    out = [f"  row {r}: {why}" for r, why in sorted(rows)[:MAX_LISTED]]
    if len(rows) > MAX_LISTED:
        out.append(f"  … and {len(rows) - MAX_LISTED} more")
    return "\n".join(out)


def _stage_chunk(chunk, spec, mapping, columns, resolved, report, hooks) -> list[tuple]:
    report.rows_read += len(chunk)
    try:
        gdf = vcrs.reproject(chunk, resolved)  # the CRS, and x/y swapped when the file had them so
    except Exception as exc:  # pyproj cannot transform: report it as a CRS problem
        raise ImportFailed(f"{report.file}: cannot transform from {resolved.crs.name} to WGS84 ({exc})") from None
    fixed = repair(np.asarray(gdf.geometry.values, dtype=object), spec.family)
    if vector_io.GEOMETRY_NOTE in gdf:
        _apply_read_notes(fixed, gdf[vector_io.GEOMETRY_NOTE].tolist())
    ok = fixed.status != REJECTED
    if ok.any():
        far = np.zeros(len(gdf), dtype=bool)
        far[ok] = outside_world(fixed.geoms[ok].astype(object))
        for i in np.flatnonzero(far):
            fixed.status[i] = REJECTED
            fixed.reasons[i] = "coordinates fall outside the world after reprojection: is the CRS right? (--crs)"
    source_rows = gdf["source_row"].to_numpy()
    records = {col: [None] * len(gdf) for col in columns}
    for src_field, col in mapping.items():
        convert = {**spec.columns, **spec.private_columns}[col]
        values = gdf[src_field].tolist()
        for i, raw in enumerate(values):
            if fixed.status[i] == REJECTED:
                continue
            try:
                records[col][i] = convert(raw)
            except BadValue as exc:
                fixed.status[i] = REJECTED
                # Reasons are printed and kept in import_runs: never echo a person's data there.
                fixed.reasons[i] = (f"{shorten(src_field)}: not a valid {col} (personal data, so the value is not shown)"
                                    if col in spec.private_columns else f"{shorten(src_field)}: {exc}")
    hooks.complete_chunk(records, fixed, gdf)
    keep = np.flatnonzero(fixed.status != REJECTED)
    for i in np.flatnonzero(fixed.status == REJECTED):
        report.rejected.append((int(source_rows[i]), fixed.reasons[i]))
    for i in np.flatnonzero(fixed.status == REPAIRED):
        report.repaired.append((int(source_rows[i]), fixed.reasons[i]))
    hexes = ewkb_hex(fixed.geoms[keep].astype(object)) if len(keep) else []
    return [
        (int(source_rows[i]), *(records[c][i] for c in columns), hexes[j])
        for j, i in enumerate(keep)
    ]


def _apply_read_notes(fixed, notes: list) -> None:
    """Fold in what the reader mended (closed rings) or could not read at all."""
    for i, note in enumerate(notes):
        if not isinstance(note, str):
            continue
        if note.startswith("repaired:"):
            if fixed.status[i] == OK:
                fixed.status[i], fixed.reasons[i] = REPAIRED, note
            elif fixed.status[i] == REPAIRED:
                fixed.reasons[i] = f"{note}; {fixed.reasons[i].removeprefix('repaired: ')}"
        else:
            fixed.status[i], fixed.reasons[i] = REJECTED, note
