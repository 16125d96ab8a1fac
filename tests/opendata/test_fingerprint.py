"""The release fingerprint must change with anything that changes the files, or --if-changed skips a needed release."""
from __future__ import annotations

from layers.db.settings import Settings
from layers.jobs.opendata.datasets import all_datasets
from layers.jobs.opendata.release import fingerprint
from tiles.pmtiles_export import writer_key


def test_a_release_without_pmtiles_is_not_taken_for_one_with_them():
    s = Settings()
    ds, versions = all_datasets(), {"growing_areas": 3}
    without, with_ = fingerprint(ds, versions, s, ""), fingerprint(ds, versions, s, writer_key(s))
    assert without != with_
    assert with_ == fingerprint(ds, versions, s, writer_key(s))


def test_pmtiles_zooms_change_the_fingerprint():
    ds, versions = all_datasets(), {"growing_areas": 3}
    a, b = Settings(), Settings()
    b.pmtiles_max_zoom = a.pmtiles_max_zoom - 1
    assert fingerprint(ds, versions, a, writer_key(a)) != fingerprint(ds, versions, b, writer_key(b))


def test_unchanged_files_are_hard_linked_to_the_previous_release(tmp_path):
    from layers.jobs.opendata.release import _link_unchanged
    old, new = tmp_path / "1.0.0", tmp_path / "1.0.1"
    for d, b in ((old, b"old"), (new, b"new")):
        (d / "x").mkdir(parents=True)
        (d / "x" / "same.csv").write_bytes(b"same")
        (d / "x" / "edited.csv").write_bytes(b)
    _link_unchanged(new, old)
    assert (new / "x" / "same.csv").stat().st_ino == (old / "x" / "same.csv").stat().st_ino
    assert (new / "x" / "edited.csv").read_bytes() == b"new"
    assert (new / "x" / "edited.csv").stat().st_ino != (old / "x" / "edited.csv").stat().st_ino
