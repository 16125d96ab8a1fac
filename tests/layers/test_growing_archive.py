"""Unpacking uploaded archives: limits on what is inflated, and no path escapes the folder."""
from __future__ import annotations

import zipfile

import pytest

from layers.write.growing.archive import unpack
from layers.write.growing.errors import BadBody, TooLarge


def make_zip(path, members: dict[str, bytes]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def test_paths_are_flattened_inside_the_folder(tmp_path):
    archive = make_zip(tmp_path / "a.zip", {"../../evil.geojson": b"{}", "/abs/x.shx": b"x", "dir/a.shp": b"x"})
    picked = unpack(archive, tmp_path / "out", 10, 1 << 20)
    assert picked == tmp_path / "out" / "a.shp"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.shp", "evil.geojson", "x.shx"]
    assert not (tmp_path.parent / "evil.geojson").exists()


def test_inflated_bytes_are_counted_even_when_the_directory_lies(tmp_path):
    archive = make_zip(tmp_path / "b.zip", {"big.geojson": b"\0" * (3 << 20)})
    # Rewrite the declared size in the central directory and local header to 10 bytes.
    raw = bytearray(archive.read_bytes())
    size = (3 << 20).to_bytes(4, "little")
    raw = raw.replace(size, (10).to_bytes(4, "little"))
    archive.write_bytes(bytes(raw))
    with pytest.raises((TooLarge, BadBody)):
        unpack(archive, tmp_path / "out", 10, 1 << 20)
    assert not (tmp_path / "out" / "big.geojson").exists() or (tmp_path / "out" / "big.geojson").stat().st_size <= 1 << 20


def test_limits_and_archives_without_vector_files(tmp_path):
    with pytest.raises(TooLarge, match="3 files"):
        unpack(make_zip(tmp_path / "c.zip", {"a": b"1", "b": b"2", "c": b"3"}), tmp_path / "o1", 2, 1 << 20)
    with pytest.raises(TooLarge, match="unpacks to"):
        unpack(make_zip(tmp_path / "d.zip", {"a.kml": b"x" * 5000}), tmp_path / "o2", 5, 1000)
    with pytest.raises(BadBody, match="no Shapefile"):
        unpack(make_zip(tmp_path / "e.zip", {"readme.txt": b"x"}), tmp_path / "o3", 5, 1000)
    (tmp_path / "f.zip").write_bytes(b"not a zip")
    with pytest.raises(BadBody, match="not a readable zip"):
        unpack(tmp_path / "f.zip", tmp_path / "o4", 5, 1000)
