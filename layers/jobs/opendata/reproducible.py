"""Byte-identical files for identical data, and files that never change once published.

A release hard-links every file byte-identical to the previous release's
(`release._link_unchanged`), which only works if writing the same rows twice gives the same
bytes. Three writers stamp the clock into their files:

- GeoPackage: `gpkg_contents.last_change`, GDAL's current time unless `OGR_CURRENT_DATE` is set;
- dBase (inside the Shapefile zip): the "last update" date in bytes 1–3 of the header;
- zip: each member's modification time (the temporary files' mtimes).

Each is pinned to the dataset's `modified` time in the manifest (when its rows last changed), so
the stamp still means something and is the same whenever the rows are. GeoParquet, GeoJSON, CSV,
FlatGeobuf and PMTiles (gzip with mtime 0) carry no clock; rows come in id order.
"""
from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pyogrio

READ_ONLY = 0o444
ZIP_EPOCH = datetime(1980, 1, 1)  # the earliest time a zip entry can hold
CHUNK = 1 << 20


@contextmanager
def gdal_clock(when: datetime) -> Iterator[None]:
    """GDAL writes `when` wherever it would write the current time (GeoPackage's last_change).
    A process-wide GDAL setting, put back afterwards: publishes run one at a time (the lock)."""
    before = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": when.strftime("%Y-%m-%dT%H:%M:%SZ")})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": before})


def dbf_dated(data: bytes, when: datetime) -> bytes:
    """A dBase file whose header says it was last updated on `when` (YY since 1900, MM, DD)."""
    if len(data) < 4:
        return data
    return data[:1] + bytes((when.year - 1900, when.month, when.day)) + data[4:]


def pin_zip(path: Path, when: datetime) -> None:
    """Rewrites the zip with every member dated `when`, in name order, mode 0644 on a Unix host,
    and every .dbf's header dated `when`: the same members give the same bytes. Members are
    streamed (a million households' .dbf is ~150 MB)."""
    stamp = max(when.replace(tzinfo=None), ZIP_EPOCH).timetuple()[:6]
    spare = path.with_name(path.name + ".pinned")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(spare, "w", zipfile.ZIP_DEFLATED) as out:
        for old in sorted(src.infolist(), key=lambda i: i.filename):
            info = zipfile.ZipInfo(old.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever host wrote it
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.file_size = old.file_size  # lets zipfile pick zip64 only when needed
            with src.open(old) as reader, out.open(info, "w") as writer:
                first = reader.read(CHUNK)
                if old.filename.lower().endswith(".dbf"):
                    first = dbf_dated(first, when)
                while first:
                    writer.write(first)
                    first = reader.read(CHUNK)
    spare.replace(path)


def seal(directory: Path) -> None:
    """Every file of a release read-only (0444): a published file never changes. Hard links
    share the inode, so a file reused by the next release stays read-only there too."""
    for path in directory.rglob("*"):
        if path.is_file() and not path.is_symlink():
            os.chmod(path, READ_ONLY)
