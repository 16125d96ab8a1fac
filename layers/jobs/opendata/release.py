"""`publish`: write a release when the data changed, never a partial or an empty one.

All datasets are read in one REPEATABLE READ snapshot, so a release is consistent across files.
Files go to `releases/.tmp-<random>/`; only when every file, changelog and manifest is written
is that directory renamed to its version (one atomic rename). Any failure removes it. A lock
file keeps two publishes from racing for the same version. The same rows give the same bytes
(layers.jobs.opendata.reproducible), so a file unchanged since the previous release is a hard
link to it; every file is read-only once written.

Test hook: `on_file(format_key, path)` is called after each file is written; raising in it
simulates a writer failing half-way (tests/opendata/test_release.py).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pyarrow.parquet as pq
from sqlalchemy import select
from sqlalchemy.engine import Connection

from geo.vector_export import FORMATS, VECTOR_ORDER, parquet_batches, write_all
from layers.db.engines import connection
from layers.db.models.history import LayerVersion
from layers.db.settings import Settings
from layers.jobs.opendata import manifest as mf
from layers.jobs.opendata import store
from layers.jobs.opendata.dataset import Dataset
from layers.jobs.opendata.datasets import all_datasets
from layers.jobs.opendata.extract import Tally, batches, schema_of
from layers.jobs.opendata.privacy import check_fields
from layers.jobs.opendata.rasters import raster_entries
from layers.jobs.opendata.reproducible import gdal_clock, pin_zip, seal
from layers.jobs.opendata.versioning import Change, diff_hashes, next_version
from layers.write.growing.expiry import expire_now

# Extra distributions of a layer dataset written by a caller (PMTiles, from tiles/): returns
# (format key, path) pairs it wrote into the directory it was given.
ExtraWriter = Callable[[Connection, Dataset, Path], list[tuple[str, Path]]]


# One read-only snapshot for every file of a release.
SNAPSHOT = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}


@dataclass
class PublishResult:
    version: str | None  # the release written (or that would be, with dry_run); None: no change
    previous: str | None
    message: str
    changes: dict[str, Change] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    path: Path | None = None
    seconds: float = 0.0


def fingerprint(datasets, versions: dict, settings: Settings, extra_key: str) -> str:
    """Everything a release depends on: data versions, dataset schemas, privacy and tile settings."""
    doc = {"versions": versions, "threshold": settings.opendata_min_count, "extra": extra_key,
           "zooms": [settings.pmtiles_min_zoom, settings.pmtiles_max_zoom], "formats": list(FORMATS),
           "datasets": {d.id: [d.geometry_type, [(f.name, f.type) for f in d.fields]] for d in datasets}}
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


def _bbox(parquet: Path):
    meta = pq.ParquetFile(parquet).metadata.metadata or {}  # file key-value metadata (GeoParquet)
    geo = json.loads(meta.get(b"geo", b"{}"))
    return geo.get("columns", {}).get("geometry", {}).get("bbox")


def _compare(ds: Dataset, tally: Tally, prev: dict | None, prev_dir: Path | None) -> Change:
    old = (prev or {}).get("datasets", {}).get(ds.id)
    if old is None:
        return Change(new_dataset=True)
    schema_now = [(f.name, f.type) for f in ds.fields]
    change = diff_hashes(pq.read_table(prev_dir / "_hashes" / f"{ds.id}.parquet"), tally.hash_table())
    change.schema_changed = (schema_now != [(f["name"], f["type"]) for f in old["fields"]]
                             or ds.geometry_type != old["geometry_type"])
    return change


def _shas(man: dict | None) -> dict[str, str]:
    """SHA-256 of each distribution a manifest lists, by path (hashed once, when written)."""
    return {d["path"]: d["sha256"] for ds in (man or {}).get("datasets", {}).values() for d in ds["distributions"]}


def _link_unchanged(new: Path, old: Path, new_shas: dict[str, str] | None = None,
                    old_shas: dict[str, str] | None = None) -> None:
    """A file byte-identical to the previous release's is stored once: a hard link (files are never
    modified). Hashes the manifests already hold are not computed again (1.4 GB at a million households)."""
    new_shas, old_shas = new_shas or {}, old_shas or {}
    for path in new.rglob("*"):
        name = path.relative_to(new).as_posix()
        twin = old / name
        if not path.is_file() or not twin.is_file() or twin.stat().st_size != path.stat().st_size:
            continue
        if (new_shas.get(name) or mf.sha256(path)) == (old_shas.get(name) or mf.sha256(twin)):
            spare = path.with_name(path.name + ".link")
            try:
                os.link(twin, spare)
            except OSError:
                continue  # another filesystem: keep the copy
            spare.replace(path)


def _copies(tmp: Path, ds: Dataset, parquet: Path, modified: str,
            on_file: Callable[[str, Path], None] | None) -> dict[str, Path]:
    """Every other vector format, written from the GeoParquet once the dataset's `modified` time is
    known: the clocks the writers stamp are pinned to it (layers.jobs.opendata.reproducible)."""
    when = datetime.fromisoformat(modified)
    scratch = tmp / f".{ds.id}"
    scratch.mkdir()
    with gdal_clock(when):
        written = write_all(scratch, ds.id, schema_of(ds), parquet_batches(parquet), ds.geometry_type,
                            formats=[k for k in VECTOR_ORDER if k != "parquet"])
    paths = {}
    for key, path in written.items():
        if key == "shp":
            pin_zip(path, when)
        paths[key] = path.replace(tmp / path.name)
        if on_file:
            on_file(key, paths[key])
    scratch.rmdir()
    return paths


def publish(settings: Settings, url: str, *, dry_run: bool = False, if_changed: bool = False,
            extra: ExtraWriter | None = None, extra_key: str = "",
            progress: Callable[[str], None] | None = None,
            on_file: Callable[[str, Path], None] | None = None,
            datasets: tuple[Dataset, ...] | None = None, rasters: bool | None = None) -> PublishResult:
    started = time.monotonic()
    with_rasters = datasets is None if rasters is None else rasters  # chosen datasets: no rasters unless asked
    datasets = datasets or all_datasets()
    for ds in datasets:
        check_fields(ds.id, ds.field_names, ds.household_derived)
    rdir = store.releases_dir(settings)
    rdir.mkdir(parents=True, exist_ok=True)
    if not dry_run:
        with connection(url) as conn:
            expire_now(conn)
    with store.lock(settings), connection(url, execution_options=SNAPSHOT) as conn:
        previous = store.latest(settings)
        prev = store.manifest(settings, previous) if previous else None
        prev_dir = rdir / previous if previous else None
        versions = dict(conn.execute(select(LayerVersion.table_name, LayerVersion.version)).all())
        versions.update({f"{d.id}:state": conn.execute(d.state()).scalar() for d in datasets if d.state})
        fp = fingerprint(datasets, versions, settings, extra_key)
        if if_changed and prev and prev.get("fingerprint") == fp:
            return PublishResult(None, previous, f"no changes since release {previous}: nothing published",
                                 seconds=time.monotonic() - started)
        tmp = rdir / f".tmp-{uuid.uuid4().hex}"
        tmp.mkdir()
        try:
            now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
            changes, entries = {}, {}
            (tmp / "_hashes").mkdir()
            for ds in datasets:
                tally = Tally()
                stream = batches(conn, ds, settings, tally)
                paths: dict[str, Path] = {}
                if dry_run:
                    for _ in stream:
                        pass
                else:
                    paths = write_all(tmp, ds.id, schema_of(ds), stream, ds.geometry_type, formats=("parquet",),
                                      on_written=on_file)
                tally.write_hashes(tmp / "_hashes" / f"{ds.id}.parquet")
                change = changes[ds.id] = _compare(ds, tally, prev, prev_dir)
                old = (prev or {}).get("datasets", {}).get(ds.id, {})
                modified = now if change.any or not old else old.get("modified", now)
                if not dry_run:
                    paths.update(_copies(tmp, ds, paths["parquet"], modified, on_file))
                    if extra and ds.layer_id:
                        for key, path in extra(conn, ds, tmp):
                            paths[key] = path
                            if on_file:
                                on_file(key, path)
                bbox = _bbox(paths["parquet"]) if "parquet" in paths else None
                entries[ds.id] = mf.dataset_entry(ds, tally.count, bbox, tally.temporal(),
                                                  [mf.distribution(k, p) for k, p in paths.items()], change,
                                                  modified, old.get("issued", now))
                if progress:
                    progress(ds.id)
            if with_rasters:  # each public raster: its COG (a hard link) and legend (layers.jobs.opendata.rasters)
                raster_ds, raster_changes = raster_entries(conn, settings, tmp, prev, now, write=not dry_run,
                                                           taken={d.id for d in datasets})
                entries.update(raster_ds)
                changes.update(raster_changes)
            withdrawn = sorted(set((prev or {}).get("datasets", {})) - set(entries))
            version = next_version(previous, changes, withdrawn)
            counts = {k: e["count"] for k, e in entries.items()}
            if version is None:
                shutil.rmtree(tmp)
                return PublishResult(None, previous, f"no changes since release {previous}: nothing published",
                                     changes, counts, seconds=time.monotonic() - started)
            if dry_run:
                shutil.rmtree(tmp)
                return PublishResult(version, previous, f"dry run: would publish release {version}",
                                     changes, counts, seconds=time.monotonic() - started)
            man = {"version": version, "previous": previous, "created": now, "fingerprint": fp,
                   "layer_versions": versions, "withdrawn": withdrawn, "license": settings.opendata_license,
                   "attribution": mf.BOUNDARY_ATTRIBUTION, "datasets": entries}
            for ds_id, change in changes.items():
                mf.write_json(tmp / "changelog" / f"{ds_id}.json",
                              mf.changelog_json(ds_id, version, previous, change, counts[ds_id]))
            (tmp / "CHANGELOG.md").write_text(mf.changelog_md(man, changes, labels=mf.feature_labels(tmp, prev_dir, changes)))
            mf.write_json(tmp / "datapackage.json", mf.datapackage(man, settings))
            mf.write_json(tmp / store.MANIFEST, man)
            if prev_dir:
                _link_unchanged(tmp, prev_dir, _shas(man), _shas(prev))
            seal(tmp)
            final = rdir / version
            tmp.rename(final)  # the release becomes visible here, complete
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return PublishResult(version, previous, f"published release {version}", changes, counts, final,
                         time.monotonic() - started)
