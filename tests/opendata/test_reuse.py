"""Two releases with one growing-area edit between them: every file of the other datasets is the
previous release's file (same inode), every file is read-only, and both take < 1.2x one's disk."""
from __future__ import annotations

import time
import zipfile
from datetime import datetime, timezone

import psycopg
import pytest

from layers.jobs.opendata import store
from layers.jobs.opendata.release import publish
from layers.jobs.opendata.reproducible import pin_zip
from tiles.pmtiles_export import pmtiles_writer, writer_key

EDITED = "growing_areas"


@pytest.fixture(scope="module")
def two_releases(settings, databases, demo_template, tmp_path_factory):
    """1.0.0, then (more than 2 s later: the zip clock's step) one granted area renamed, 1.0.1."""
    url = databases.create(template=demo_template)
    s = settings.model_copy(update={"opendata_dir": tmp_path_factory.mktemp("reuse"), "pmtiles_max_zoom": 10})
    first = publish(s, url, extra=pmtiles_writer(s), extra_key=writer_key(s))
    time.sleep(2.1)
    with psycopg.connect(url) as conn:
        conn.execute("UPDATE growing_areas SET name = name || ' (đã sửa)' "
                     "WHERE id = (SELECT min(id) FROM growing_areas WHERE status = 'granted')")
    second = publish(s, url, extra=pmtiles_writer(s), extra_key=writer_key(s))
    assert (first.version, second.version) == ("1.0.0", "1.0.1"), second.message
    return s, first.path, second.path


def test_only_the_edited_dataset_gets_new_files(two_releases):
    s, old, new = two_releases
    man = store.manifest(s, "1.0.1")
    unchanged = {k for k, ds in man["datasets"].items() if not any(ds["changes"].values())}
    assert unchanged == set(man["datasets"]) - {EDITED} and len(unchanged) >= 13
    for ds_id, ds in man["datasets"].items():
        formats = {d["format"] for d in ds["distributions"]}
        assert {"parquet", "geojson", "gpkg", "shp", "csv", "fgb"} <= formats
        for d in ds["distributions"]:
            same = (new / d["path"]).stat().st_ino == (old / d["path"]).stat().st_ino
            assert same == (ds_id in unchanged), (ds_id, d["format"])
    assert any(d["format"] == "pmtiles" for ds in man["datasets"].values() for d in ds["distributions"])
    # An unchanged dataset's dates in its files are its `modified`, kept from the release before.
    assert man["datasets"]["communes"]["modified"] == store.manifest(s, "1.0.0")["datasets"]["communes"]["modified"]


def test_published_files_are_read_only(two_releases):
    _, old, new = two_releases
    files = [p for d in (old, new) for p in d.rglob("*") if p.is_file()]
    assert len(files) > 100
    assert {oct(p.stat().st_mode & 0o777) for p in files} == {"0o444"}  # (root could still write: a mode)


def test_two_releases_take_little_more_disk_than_one(two_releases):
    _, old, new = two_releases

    def disk(*dirs) -> int:
        inodes = {}
        for d in dirs:
            for p in d.rglob("*"):
                if p.is_file():
                    st = p.stat()
                    inodes[st.st_ino] = st.st_size
        return sum(inodes.values())

    one, both = disk(old), disk(old, new)
    assert one > 5_000_000
    assert both < 1.2 * one, (one, both)


def test_a_pinned_zip_depends_only_on_its_members(tmp_path):
    """Same members written at different times, with dBase headers of different days: one file."""
    when = datetime(2026, 3, 4, 5, 6, 8, tzinfo=timezone.utc)
    dbf = bytearray(b"\x03" + bytes((99, 1, 2)) + b"rest of the header")
    paths = []
    for i, stamp in enumerate(((2026, 12, 4, 10, 0, 0), (2027, 1, 5, 11, 30, 2))):
        path = tmp_path / f"{i}.zip"
        dbf[1:4] = bytes((120 + i, 1 + i, 2 + i))
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in (("a.shp", b"shape"), ("a.dbf", bytes(dbf))):
                z.writestr(zipfile.ZipInfo(name, date_time=stamp), data)
        paths.append(path)
    assert paths[0].read_bytes() != paths[1].read_bytes()
    for p in paths:
        pin_zip(p, when)
    assert paths[0].read_bytes() == paths[1].read_bytes()
    with zipfile.ZipFile(paths[0]) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 3, 4, 5, 6, 8)}
        assert z.read("a.dbf")[1:4] == bytes((126, 3, 4)) and z.read("a.shp") == b"shape"
