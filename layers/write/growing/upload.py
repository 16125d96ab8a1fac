"""Upload of many growing areas from one file: read with the [foundation] importer's pieces,
check every feature, store all as drafts in one transaction, or none.

Reading reuses geo.vector_io (formats, encodings, mended rings), geo.crs.resolve (the file's
CRS, or the province's VN-2000 TM-3 zone for metres without .prj) and the importer's field
mapping and value converters (layers.jobs.importing). Each feature then meets the same rules as one
sent through the API (geo.area_rules and the database trigger); the report lists, per feature,
each rule that failed with its geometry. `code`, `status` and validity columns in a file are
ignored (reported): they come from the lifecycle only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import shapely
from shapely.strtree import STRtree

from geo import crs as vcrs
from geo import vector_io
from geo.area_rules import Problem, check_attributes, check_minimum, geodesic_area_ha
from geo.said import Said
from geo.vector_sniff import shorten
from layers.jobs.importing.loader import map_fields
from layers.jobs.importing.specs import get_spec
from layers.jobs.importing.values import BadValue
from layers.write.growing import shapes
from layers.write.growing.errors import BadBody, RuleFailure, TooLarge, UploadRejected
from layers.write.growing.fields import DEFAULTS, SYSTEM, WRITABLE


@dataclass
class Candidate:
    index: int  # 1-based feature number in the file
    values: dict
    geom: shapely.MultiPolygon | None
    area_ha: float = 0.0
    repaired: str | None = None
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Parsed:
    candidates: list[Candidate]
    crs: str
    ignored_fields: list[str]
    crs_notes: list[dict] = field(default_factory=list)  # geo.crs_traps findings, vi and en


def read(path: Path, display: str, settings, province_at=None) -> Parsed:
    """Read and check every feature (no database writes); raises for file-level trouble."""
    spec = get_spec("growing_areas")
    named = display if path.name == display else f"{display}: {path.name}"  # a member of an uploaded zip
    try:  # untrusted: content must match the suffix, GDAL may use only that format's driver, no network
        src = vector_io.open_vector(path, target="Polygon")
    except vector_io.FileProblem as exc:
        raise BadBody(str(exc).replace(str(path), named)) from None
    if src.count > settings.growing_upload_max_features:
        raise TooLarge(Said(f"{display} holds {src.count:,} features; at most {settings.growing_upload_max_features:,} "
                            "per upload (NTM_GROWING_UPLOAD_MAX_FEATURES): split the file",
                            "errors.api.growing.upload_features", file=display, n=src.count,
                            max=settings.growing_upload_max_features))
    if src.count == 0:
        raise BadBody(f"{display} holds no features")
    mapping, ignored = map_fields(spec, src.fields, {}, display)
    skipped = [f for f, col in mapping.items() if col in SYSTEM or col not in WRITABLE]
    mapping = {f: col for f, col in mapping.items() if f not in skipped}
    limits = shapes.limits_of(settings)
    out: list[Candidate] = []
    resolved = None
    src.display = display  # messages name the uploaded file, not its temporary copy
    try:
        for chunk in vector_io.read_chunks(src):
            if resolved is None:
                try:
                    resolved = vcrs.resolve(src.crs, None, src.bounds or tuple(chunk.geometry.total_bounds),
                                            province_at, settings.province_code)
                except vcrs.CRSProblem as exc:
                    raise RuleFailure([Problem("wrong_crs", f"{display}: {exc}")]) from None
            try:
                gdf = vcrs.reproject(chunk, resolved)
            except Exception as exc:  # pyproj cannot transform these coordinates
                raise RuleFailure([Problem("wrong_crs", f"{display}: cannot transform from {resolved.crs.name} "
                                                        f"to WGS84 ({exc})")]) from None
            notes = gdf[vector_io.GEOMETRY_NOTE].tolist() if vector_io.GEOMETRY_NOTE in gdf else [None] * len(gdf)
            for i, (row, geom) in enumerate(zip(gdf.itertuples(index=False), gdf.geometry.values)):
                out.append(_candidate(int(row.source_row), row, geom, notes[i], mapping, spec, limits))
    except vector_io.FileProblem as exc:  # GDAL gave up midway: bad bytes, a truncated file
        raise BadBody(str(exc)) from None
    _overlaps_within(out, settings.growing_overlap_tolerance_m2)
    return Parsed(out, resolved.message if resolved else "", sorted({shorten(f) for f in (*ignored, *skipped)}),
                  [n.as_dict() for n in resolved.notes] if resolved else [])


def _candidate(index, row, geom, note, mapping, spec, limits) -> Candidate:
    values = dict(DEFAULTS)
    problems: list[Problem] = []
    record = row._asdict()
    for src_field, col in mapping.items():
        try:
            values[col] = {**spec.columns, **spec.private_columns}[col](record.get(src_field))
        except BadValue as exc:
            problems.append(Problem("invalid_value", f"{shorten(src_field)}: {exc}"))
    if values.get("target_markets") is None:
        values["target_markets"] = []
    for key in ("certification", "farming_diary", "residue_monitoring"):
        if values.get(key) is None:
            values[key] = DEFAULTS[key]
    if isinstance(note, str) and not note.startswith("repaired:"):
        checked = None
        problems.append(Problem("geometry_invalid", note))
    else:
        checked = shapes.check_shape(geom, limits)  # bounded: a worker process for any repair
        problems += checked.problems
    problems += check_attributes(values)
    if checked is not None and checked.geom is not None:
        problems += check_minimum(values.get("crop"), checked.area_ha, limits, checked.geom)
    return Candidate(index, values, checked.geom if checked else None, checked.area_ha if checked else 0.0,
                     (checked.repaired or note) if checked else None, problems)


def _overlaps_within(cands: list[Candidate], tolerance_m2: float) -> None:
    """Two features of the same file may not overlap each other either."""
    good = [c for c in cands if c.geom is not None]
    if len(good) < 2:
        return
    tree = STRtree([c.geom for c in good])
    left, right = tree.query([c.geom for c in good], predicate="intersects")
    for a, b in zip(left, right):
        if a >= b:
            continue
        inter = shapely.intersection(good[a].geom, good[b].geom)
        if not inter.is_empty and geodesic_area_ha(inter) * 1e4 > tolerance_m2:
            good[b].problems.append(Problem(
                "overlap", f"overlaps feature {good[a].index} of the same file",
                shapely.geometry.mapping(inter)))


def report(cands: list[Candidate], ids: dict[int, int] | None = None) -> list[dict]:
    out = []
    for c in cands:
        entry = {"index": c.index, "ok": not c.problems, "errors": [p.as_dict() for p in c.problems]}
        if c.repaired:
            entry["repaired"] = c.repaired
        if c.geom is not None:
            entry["area_ha"] = round(c.area_ha, 4)
        if ids and c.index in ids:
            entry["id"] = ids[c.index]
        out.append(entry)
    return out


async def store(conn, user, parsed: Parsed, settings) -> list[dict]:
    """Insert every feature as a draft, each in a savepoint so all failures are reported; any
    failure raises UploadRejected, and the caller's transaction rolls every insert back."""
    from layers.write.growing import edits
    from layers.write.growing.errors import Forbidden
    from layers.write.growing.session import translate
    from sqlalchemy.exc import DBAPIError

    ids: dict[int, int] = {}
    for c in parsed.candidates:
        if c.problems:
            continue
        body = {"type": "Feature", "geometry": shapely.geometry.mapping(c.geom),
                "properties": {k: v for k, v in c.values.items() if k in WRITABLE and v is not None}}
        try:
            async with conn.begin_nested():
                ids[c.index], _ = await edits.create(conn, user, body, settings)
        except RuleFailure as exc:
            c.problems += exc.problems
        except Forbidden as exc:
            c.problems.append(Problem("forbidden", exc.message))
        except BadBody as exc:
            c.problems.append(Problem("invalid_value", exc.message))
        except DBAPIError as exc:
            mapped = translate(exc)
            if isinstance(mapped, RuleFailure):
                c.problems += mapped.problems
            elif isinstance(mapped, BadBody):
                c.problems.append(Problem("invalid_value", mapped.message))
            else:
                raise
    failed = [c for c in parsed.candidates if c.problems]
    if failed:
        raise UploadRejected(f"{len(failed)} of {len(parsed.candidates)} features failed the rules; nothing was "
                             "stored (fix them and upload the file again)", report(parsed.candidates))
    return report(parsed.candidates, ids)
