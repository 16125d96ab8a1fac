"""Uploaded archives unpacked safely: limits on entries and unpacked bytes, counted as they come.

A zip's directory states each member's size, but a crafted one can lie, so the limits are
checked on the bytes actually inflated (reading stops at the limit), not only on what is
declared. Paths are flattened to their last part, so `../../etc/x` lands inside the folder.
"""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from geo.said import Said
from layers.write.growing.errors import BadBody, TooLarge

CHUNK = 1 << 20


def unpack(archive: Path, into: Path, max_entries: int, max_bytes: int) -> Path:
    """Extract the vector files of a .zip/.kmz into `into`; return the one to read."""
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BadBody(f"{archive.name}: not a readable zip archive ({exc})") from None
    with zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        if len(members) > max_entries:
            raise TooLarge(Said(f"{archive.name} holds {len(members):,} files; at most {max_entries} are accepted "
                                "(NTM_GROWING_UPLOAD_MAX_ENTRIES)", "errors.api.growing.zip_entries", file=archive.name,
                                n=len(members), max=str(max_entries)))
        declared = sum(m.file_size for m in members)
        if declared > max_bytes:
            raise TooLarge(Said(f"{archive.name} unpacks to {declared:,} bytes; at most {max_bytes:,} "
                                "(NTM_GROWING_UPLOAD_MAX_UNZIPPED_MB)", "errors.api.growing.zip_size", file=archive.name,
                                n=declared, max=max_bytes))
        into.mkdir(parents=True, exist_ok=True)
        total = 0
        for m in members:
            name = Path(m.filename.replace("\\", "/")).name
            if not name or name.startswith("."):
                continue
            try:
                with zf.open(m) as src, open(into / name, "wb") as dst:
                    while chunk := src.read(CHUNK):
                        total += len(chunk)
                        if total > max_bytes:
                            raise TooLarge(Said(f"{archive.name} unpacks to more than {max_bytes:,} bytes "
                                                "(NTM_GROWING_UPLOAD_MAX_UNZIPPED_MB)", "errors.api.growing.zip_over",
                                                file=archive.name, max=max_bytes))
                        dst.write(chunk)
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
                raise BadBody(f"{archive.name}: member {name} cannot be unpacked ({exc})") from None
    return _pick(into, archive.name)


def _pick(folder: Path, display: str) -> Path:
    found = {p.suffix.lower(): p for p in sorted(folder.iterdir())}
    for suffix in (".shp", ".gpkg", ".geojson", ".json", ".kml"):
        if suffix in found:
            return found[suffix]
    names = ", ".join(p.name for p in sorted(folder.iterdir())[:10]) or "nothing"
    shutil.rmtree(folder, ignore_errors=True)
    raise BadBody(f"{display} holds no Shapefile, GeoPackage, GeoJSON or KML (it contains: {names})")
