"""The raster registry's writes and the jobs' reads (RASTER.md): `add_raster` converts a file to
a COG under raster_dir(settings)/<name>/v<version>.tif and records it in `rasters`, all or
nothing; `remove_raster` takes both away.

All or nothing across a file and a row: the COG is written under a temporary name and renamed
into place only once it is complete; the row goes into the caller's transaction; when that
transaction rolls back the new file is deleted, and only once it commits is the file it replaced
(or the removed raster's folder) deleted. A crash between leaves at worst an unreferenced
file, never a row without its file.
"""
from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection
from tqdm import tqdm

from geo.raster_checks import RasterProblem
from geo.raster_legend import check_legend, legend_range
from layers.db.models.rasters import NAME_PATTERN, RASTER_KINDS, Raster
from layers.jobs.rasters.cache import link_or_copy
from layers.jobs.rasters.cog import Converted, convert, file_digest
from layers.jobs.rasters.settings import raster_dir
from layers.read import registry

T = Raster.__table__
_COLUMNS = [c for c in T.c if c.name != "geom"]
_STEPS = ("reading the header", "writing the COG", "checking the COG", "checksum", "recording")


def _select():
    return sa.select(*_COLUMNS, sa.func.ST_AsText(T.c.geom).label("footprint_wkt"),
                     sa.func.ST_XMin(T.c.geom).label("xmin"), sa.func.ST_YMin(T.c.geom).label("ymin"),
                     sa.func.ST_XMax(T.c.geom).label("xmax"), sa.func.ST_YMax(T.c.geom).label("ymax"))


def _as_dict(row) -> dict:
    d = dict(row._mapping)
    d["bbox"] = [d.pop("xmin"), d.pop("ymin"), d.pop("xmax"), d.pop("ymax")]
    return d


def get_raster(conn: Connection, name: str, *, lock: bool = False) -> dict | None:
    """The registry row of `name` as a dict (plus `bbox` and `footprint_wkt`), None if unknown."""
    q = _select().where(T.c.name == name)
    row = conn.execute(q.with_for_update(of=T) if lock else q).first()
    return _as_dict(row) if row else None


def list_rasters(conn: Connection, *, public_only: bool = False) -> list[dict]:
    q = _select().order_by(T.c.name)
    if public_only:
        q = q.where(T.c.public)
    return [_as_dict(r) for r in conn.execute(q)]


def raster_path(settings, row: dict) -> Path:
    """The stored COG of a registry row."""
    return raster_dir(settings) / row["file"]


def check_name(name: str) -> None:
    """A raster's name is its collection id and its open-data dataset id: the registry's pattern,
    and no vector layer's or other dataset's id."""
    if not re.match(NAME_PATTERN, name or ""):
        raise RasterProblem(f"raster name {name!r} must be 2–63 lower-case letters, digits or _ starting with "
                            "a letter (e.g. landcover_2024)")
    if name in registry.BY_ID:
        raise RasterProblem(f"raster name {name!r} is already a vector layer's collection id: choose another")
    from layers.jobs.opendata.datasets import all_datasets  # here: open data's release imports this module

    if name in {d.id for d in all_datasets()}:
        raise RasterProblem(f"raster name {name!r} is already an open-data dataset's id: choose another")


def _province_lookup(conn: Connection):
    """The province containing a point, for guessing a CRS-less raster's VN-2000 zone."""
    if not conn.execute(sa.text("SELECT EXISTS (SELECT 1 FROM provinces)")).scalar():
        return None

    def province_at(lon: float, lat: float) -> str | None:
        return conn.execute(sa.text(
            "SELECT code FROM provinces WHERE ST_Intersects(geom, ST_SetSRID(ST_Point(:lon, :lat), 4326)) LIMIT 1"),
            {"lon": lon, "lat": lat}).scalar()
    return province_at


def _actor(conn: Connection, what: str) -> None:
    """Who changed the row, for change_history: the caller's actor (a demo load, a bulk session)
    when it set one, else this command."""
    conn.execute(sa.text("SELECT set_config('ntm.actor', :actor, true) "
                         "WHERE coalesce(current_setting('ntm.actor', true), '') = ''"), {"actor": what})


def _after_transaction(conn: Connection, *, on_commit=(), on_rollback=()) -> None:
    """Delete files once the caller's transaction ends: `on_commit` paths when it commits,
    `on_rollback` paths when it rolls back. A savepoint rolled back meanwhile may have undone
    this row change, so then nothing is deleted on commit (at worst an unreferenced file stays)."""
    state = {"commit": list(on_commit), "ended": False}

    def remove(paths):
        for p in paths:
            p.unlink(missing_ok=True)
            try:
                p.parent.rmdir()  # the raster's folder, once it holds no version
            except OSError:
                pass

    def committed(_conn):
        if not state["ended"]:
            state["ended"] = True
            remove(state["commit"])

    def rolled_back(_conn):
        if not state["ended"]:
            state["ended"] = True
            remove(on_rollback)

    def savepoint_undone(_conn, _name, _context):
        state["commit"] = []

    # Listeners stay on the connection (removing one while SQLAlchemy runs the list would skip the
    # next raster's); each acts once, for the transaction it was made in.
    event.listen(conn, "commit", committed)
    event.listen(conn, "rollback", rolled_back)
    event.listen(conn, "rollback_savepoint", savepoint_undone)


@dataclass
class _Job:
    """One file of an add_rasters call: checked, its version and file names chosen, converted."""
    name: str
    path: Path
    kind: str
    crs: str | None
    nodata: float | None
    row: dict  # the descriptive columns, as given
    existing: dict | None
    version: int
    folder: Path
    out: Converted | None = None
    recorded: bool = False
    ready: Converted | None = None  # `path` is already this COG (a cache's): linked and checked, not converted

    @property
    def final(self) -> Path:
        return self.folder / f"v{self.version}.tif"

    @property
    def part(self) -> Path:
        return self.folder / f".v{self.version}.tif.{os.getpid()}.part"

    def discard(self) -> None:
        self.part.unlink(missing_ok=True)
        self.final.unlink(missing_ok=True)
        if not self.existing and self.folder.is_dir() and not any(self.folder.iterdir()):
            self.folder.rmdir()


def add_raster(conn: Connection, settings, name: str, path: str | Path, *, kind: str, title_vi: str,
               title_en: str | None = None, description_vi: str | None = None, description_en: str | None = None,
               legend: dict | None = None, units: str | None = None, nodata: float | None = None,
               crs: str | None = None, source: str | None = None, licence: str | None = None,
               acquired: date | None = None, synthetic: bool = False, public: bool = True,
               replace: bool = False, progress: bool = False) -> dict:
    """Convert `path` to a COG and record it as raster `name` (RASTER.md); the row as a dict.

    Raises RasterProblem (geo.raster_checks) or LegendProblem (geo.raster_legend) with a message
    for the administrator; then no row and no file of this call remain. `progress`: a bar of the
    stages on stderr, and under it the share of the COG GDAL has written.
    """
    options = dict(kind=kind, title_vi=title_vi, title_en=title_en, description_vi=description_vi,
                   description_en=description_en, legend=legend, units=units, nodata=nodata, crs=crs,
                   source=source, licence=licence, acquired=acquired, synthetic=synthetic, public=public,
                   replace=replace)
    return add_rasters(conn, settings, [(name, path, options)], progress=progress)[0]


def add_rasters(conn: Connection, settings, items: Iterable[tuple[str, str | Path, dict]], *, workers: int = 1,
                progress: bool = False) -> list[dict]:
    """add_raster for several (name, path, add_raster keywords) at once: the checks and the rows
    one after the other in the caller's transaction, the COGs written on `workers` threads (GDAL
    works without the GIL; each conversion's memory is the shared block cache). `items` may be a
    generator still making the next file: each file is converted as soon as it is yielded, while
    the next is made (it may use `conn`: the workers touch it only between two items). All or
    nothing as add_raster: when one fails, no file of this call remains and the error is raised.
    An item whose keywords hold `ready=Converted` names a COG made before by this function (the
    raster cache's): it is linked, not converted, and refused with NotTheSameCog unless its
    sha256 is the one recorded with it."""
    jobs: list[_Job] = []
    lock = threading.Lock()  # the connection: the caller's thread, or a worker's province lookup
    lookup = _province_lookup(conn)
    province_at = None if lookup is None else lambda lon, lat: _locked(lock, lookup, lon, lat)
    convert_one = lambda job: _convert(job, settings, province_at, progress)  # noqa: E731
    try:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            pending, items = [], iter(items)
            while True:
                with lock:
                    item = next(items, None)
                    if item is None:
                        break
                    name, path, options = item
                    if any(job.name == name for job in jobs):
                        raise RasterProblem(f"raster {name!r} is given twice: one call stores each raster once")
                    jobs.append(_plan(conn, settings, name, Path(path), **options))
                if workers > 1:
                    pending.append(pool.submit(convert_one, jobs[-1]))
                else:
                    convert_one(jobs[-1])
            for future in pending:
                future.result()
        return [_record(conn, settings, job) for job in jobs]
    except BaseException:
        for job in jobs:
            if not job.recorded:
                job.discard()
        raise


def _locked(lock, function, *args):
    with lock:
        return function(*args)


def _plan(conn: Connection, settings, name: str, path: Path, *, kind: str, title_vi: str, legend=None,
          crs=None, nodata=None, replace=False, ready: Converted | None = None, **row) -> _Job:
    check_name(name)
    if kind not in RASTER_KINDS:
        raise RasterProblem(f"unknown raster kind {kind!r}: {', '.join(RASTER_KINDS)}")
    if not (title_vi or "").strip():
        raise RasterProblem("a raster needs a Vietnamese title (--title-vi)")
    legend = check_legend(legend, kind)
    existing = get_raster(conn, name, lock=True)
    if existing and not replace:
        raise RasterProblem(f"raster {name!r} already exists (version {existing['version']}): pass --replace "
                            "to store a new version")
    # After a removal in this transaction the numbers go on (v1 of a new raster must not be the
    # removed raster's v1, which the commit deletes).
    removed = conn.info.get("rasters_removed", {}).get(name, 0)
    version = max(existing["version"] if existing else 0, removed) + 1
    folder = raster_dir(settings) / name
    folder.mkdir(parents=True, exist_ok=True)
    return _Job(name, path, kind, crs, nodata, dict(row, title_vi=title_vi.strip(), legend=legend), existing,
                version, folder, ready=ready)


def _convert(job: _Job, settings, province_at, progress: bool) -> None:
    """The file work of one job (a worker thread's): the COG under its temporary name, then its
    final one."""
    bar = tqdm(total=len(_STEPS), unit="step", desc=f"{job.path.name} → {job.name}", disable=not progress,
               leave=False)
    share = tqdm(total=100, unit="%", desc="writing the COG", disable=not progress, leave=False,
                 bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}")

    def step(text: str) -> None:
        bar.set_postfix_str(text)
        bar.update(1 if bar.n < len(_STEPS) else 0)

    def written(fraction: float) -> None:
        percent = int(fraction * 100)
        if percent > share.n:  # GDAL's fraction only grows; the bar moves by whole percents
            share.update(percent - share.n)

    try:
        if job.ready is not None:
            job.out = _adopt(job, step)
            return
        job.out = convert(job.path, job.part, kind=job.kind, crs=job.crs, nodata=job.nodata,
                          max_pixels=settings.raster_max_pixels, cache_mb=settings.raster_gdal_cache_mb,
                          province_at=province_at, default_province=settings.province_code, step=step,
                          written=written)
        os.replace(job.part, job.final)
        step("recording")
    finally:
        share.close()
        bar.close()


class NotTheSameCog(RasterProblem):
    """A COG given as `ready` whose bytes are not the ones recorded with it."""


def _adopt(job: _Job, step) -> Converted:
    """A COG made before (`ready`) linked under the job's names; its sha256 is checked on the
    linked file, the one the registry will serve: a damaged copy is refused, never recorded."""
    step("writing the COG")
    link_or_copy(job.path, job.part)
    step("checksum")
    size, sha256 = file_digest(job.part)
    if (size, sha256) != (job.ready.bytes, job.ready.sha256):
        job.part.unlink(missing_ok=True)
        raise NotTheSameCog(f"{job.path} is not the COG recorded with it (sha256 {sha256[:12]}…, "
                            f"expected {job.ready.sha256[:12]}…)")
    os.replace(job.part, job.final)
    step("recording")
    return job.ready


def _record(conn: Connection, settings, job: _Job) -> dict:
    """The registry row of a converted job, in the caller's transaction."""
    out, name, final = job.out, job.name, job.final
    values = dict(
        **job.row, kind=job.kind, value_min=out.value_min, value_max=out.value_max, nodata=out.nodata,
        band_count=out.band_count, dtype=out.dtype, width=out.width, height=out.height,
        resolution_m=out.resolution_m, source_crs=out.source_crs, crs=out.crs,
        geom=sa.func.ST_GeomFromText(out.outline.wkt, 4326), file=f"{name}/{final.name}", bytes=out.bytes,
        sha256=out.sha256, version=job.version)
    _actor(conn, f"cli:raster add {name}")
    if job.existing:
        conn.execute(T.update().where(T.c.name == name).values(**values, updated_at=sa.func.now()))
    else:
        conn.execute(T.insert().values(name=name, **values))
    existing = job.existing
    old = [raster_dir(settings) / existing["file"]] if existing and existing["file"] != f"{name}/{final.name}" else []
    _after_transaction(conn, on_commit=old, on_rollback=[final])
    job.recorded = True  # from here the transaction's end decides the file's fate
    row = get_raster(conn, name)
    row["notes"] = out.notes + _legend_notes(row)
    row["cog"] = out
    return row


def _legend_notes(row: dict) -> list[str]:
    """Values the legend does not colour: told, not refused (a class map may hold rare codes)."""
    span = legend_range(row["legend"])
    if span is None or row["value_min"] is None:
        return []
    if row["value_min"] < span[0] or row["value_max"] > span[1]:
        return [f"the raster's values run from {row['value_min']:g} to {row['value_max']:g} but the legend covers "
                f"{span[0]:g} to {span[1]:g}: check the legend, values outside it have no colour of their own"]
    return []


def remove_raster(conn: Connection, settings, name: str) -> dict:
    """Delete raster `name`'s row now and its file once the transaction commits; the old row."""
    row = get_raster(conn, name, lock=True)
    if row is None:
        known = ", ".join(r["name"] for r in list_rasters(conn)) or "none"
        raise RasterProblem(f"no raster named {name!r} (rasters: {known})")
    _actor(conn, f"cli:raster remove {name}")
    conn.execute(T.delete().where(T.c.name == name))
    conn.info.setdefault("rasters_removed", {})[name] = row["version"]
    _after_transaction(conn, on_commit=[raster_dir(settings) / row["file"]])
    return row


__all__ = ["NotTheSameCog", "add_raster", "add_rasters", "check_name", "get_raster", "list_rasters", "raster_path",
           "remove_raster"]
