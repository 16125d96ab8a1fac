"""What a user's vector file may be opened as, decided before GDAL sees a byte of it.

GDAL chooses a driver by content, not by name: a `.geojson` whose text is an OGR VRT or a GDALG
pipeline is opened by that driver, which reads whatever local file or URL it names, and the
file's "features" then come back in our reports (issue 11). So the declared type (the suffix)
names the drivers allowed, the first bytes must look like that format, and text that only a
file-referencing format would hold (VRT, GDALG, XML entities, a GeoJSON `crs` given as a link)
is refused wherever it sits. pyogrio cannot hand GDAL an allowed-driver list, so `vector_io`
also opens through a driver's own prefix where it has one and checks the driver GDAL used.
"""
from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import BinaryIO

# Declared type → the GDAL drivers that may open it. A zip is a zipped Shapefile unless it holds
# one other vector file, which is then judged by its own suffix.
ALLOWED_DRIVERS = {
    ".geojson": ("GeoJSON",), ".json": ("GeoJSON",),
    ".kml": ("LIBKML", "KML"), ".kmz": ("LIBKML", "KML"),
    ".gpkg": ("GPKG",), ".shp": ("ESRI Shapefile",), ".zip": ("ESRI Shapefile",), "folder": ("ESRI Shapefile",),
    ".csv": ("CSV",), ".gpx": ("GPX",), ".fgb": ("FlatGeobuf",),
}
# Connection prefixes with which GDAL tries that one driver and no other.
PREFIXES = {".geojson": "GeoJSON:", ".json": "GeoJSON:", ".gpkg": "GPKG:", ".csv": "CSV:"}

TEXT_TYPES = {".geojson", ".json", ".kml", ".csv", ".gpx"}
XML_ROOTS = {".kml": "kml", ".gpx": "gpx"}
# Anywhere in a text file (compared without case): what makes GDAL's VRT, raster VRT and GDALG
# drivers claim a file, whatever its name.
MARKS = (b"<ogrvrtdatasource", b"<vrtdataset", b"gdal_streamed_alg")
CRS_KEY = b'"crs"'
CRS_MEMBER = re.compile(rb'"crs"\s*:\s*\{')
CRS_TYPES = {"name", "epsg", "ogc"}  # a link or URL would be fetched by GDAL
CRS_WINDOW = 4096
HEAD = 64 * 1024
CHUNK = 1 << 20
PREVIEW = 60
VSI_PATH = re.compile(r"^([a-z][\w \-]*:)?/vsi")  # with or without a driver prefix (CSV:/vsicurl/…)
URL = re.compile(r"^[a-z][a-z0-9+.\-]*://")


class Refused(ValueError):
    """The content is not what its name says, or it could make GDAL read something else."""


def shorten(value, limit: int = PREVIEW) -> str:
    """A value from a user's file as it may appear in a message: at most `limit` characters."""
    text = value if isinstance(value, str) else str(value)
    text = "".join(c if c.isprintable() else " " for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def untrusted_path(text: str) -> str | None:
    """Why a path given for a user's file is refused before it is even looked at, or None."""
    lowered = text.strip().lower()
    if VSI_PATH.match(lowered):
        return "GDAL virtual paths (/vsi…) are not accepted"
    if URL.match(lowered):
        return "URLs are not accepted; download the file first"
    return None


def check_file(path: Path, suffix: str | None = None) -> None:
    """Raise Refused unless the file at `path` looks like its declared type throughout."""
    suffix = (suffix or path.suffix).lower()
    if path.is_dir():
        shps = sorted(p for p in path.iterdir() if p.suffix.lower() == ".shp" and p.is_file())
        for shp in shps:
            check_file(shp)
        return
    if suffix in (".zip", ".kmz"):
        check_archive(path, suffix)
        return
    with open(path, "rb") as f:
        check_stream(f, suffix)


def check_archive(path: Path, suffix: str) -> None:
    """Every vector file inside a zip or KMZ is checked as if it had been sent alone."""
    try:
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if info.is_dir():
                    continue
                name = info.filename
                if name.startswith(("/", "\\")) or ".." in Path(name.replace("\\", "/")).parts:
                    raise Refused(f"member {shorten(name)!r} has a path that leaves the archive")
                member = Path(name).suffix.lower()
                if member in ALLOWED_DRIVERS and member not in (".zip", ".kmz"):
                    with z.open(info) as f:
                        check_stream(f, member, name)
                elif member in (".vrt", ".gdalg"):
                    raise Refused(f"member {shorten(name)!r} is a GDAL virtual file, which may read other files")
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise Refused(f"is not a readable {suffix[1:].upper()} archive ({shorten(exc, 120)})") from None


def check_stream(f: BinaryIO, suffix: str, name: str = "") -> None:
    """Check content read from `f` (a file or a zip member) against the declared `suffix`."""
    head = f.read(HEAD)
    problem = _head_problem(head, suffix)
    if problem:
        raise Refused(f"{name + ': ' if name else ''}{problem}")
    if suffix in TEXT_TYPES:
        _scan_text(head, f, suffix, name)


def _head_problem(head: bytes, suffix: str) -> str | None:
    if suffix in (".geojson", ".json"):
        if _text_start(head)[:1] != b"{":
            return "is not GeoJSON (it must start with '{')"
    elif suffix in XML_ROOTS:
        return _xml_root_problem(head, XML_ROOTS[suffix])
    elif suffix == ".gpkg":
        if not head.startswith(b"SQLite format 3\x00"):
            return "is not a GeoPackage (no SQLite header)"
    elif suffix == ".shp":
        if len(head) < 100 or head[:4] != b"\x00\x00\x27\x0a":
            return "is not a Shapefile .shp (no file code 9994 in its header)"
    elif suffix == ".fgb":
        if head[:3] != b"fgb" or head[3:4] != b"\x03" or head[4:7] != b"fgb":
            return "is not a FlatGeobuf file (no fgb magic bytes)"
    elif suffix == ".csv":
        if b"\x00" in head:
            return "is not a CSV text file (it holds NUL bytes)"
    return None


def _text_start(head: bytes) -> bytes:
    return head.removeprefix(b"\xef\xbb\xbf").lstrip()


XML_SKIP = re.compile(rb"\s*(<\?.*?\?>|<!--.*?-->)", re.DOTALL)
XML_TAG = re.compile(rb"\s*<\s*(?:[A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")


def _xml_root_problem(head: bytes, root: str) -> str | None:
    text, pos = _text_start(head), 0
    while m := XML_SKIP.match(text, pos):
        pos = m.end()
    if text[pos:].lstrip()[:9].upper() == b"<!DOCTYPE":
        return "declares a DOCTYPE; XML with entity declarations is not accepted"
    tag = XML_TAG.match(text, pos)
    if tag is None or tag.group(1).decode("ascii", "replace").lower() != root:
        found = tag.group(1).decode("ascii", "replace") if tag else "none"
        return f"is not {root.upper()} (its first XML element is {shorten(found, 40)!r}, not <{root}>)"
    return None


def _scan_text(head: bytes, f: BinaryIO, suffix: str, name: str) -> None:
    """Look at the whole text, in chunks that overlap by more than any mark or crs member."""
    overlap = CRS_WINDOW * 2
    buf = head
    while True:
        more = f.read(CHUNK)
        last = not more
        _scan_buffer(buf, suffix, name, complete=last)
        if last:
            return
        buf = buf[-overlap:] + more


def _scan_buffer(buf: bytes, suffix: str, name: str, complete: bool) -> None:
    where = f"{name}: " if name else ""
    low = buf.lower()  # then plain searches: ~0.3 s per 100 MB, where regexes took seconds
    for mark in MARKS:
        if (i := low.find(mark)) != -1:
            found = buf[i:i + len(mark)].decode("ascii", "replace")
            raise Refused(f"{where}holds {found!r}: a file that refers to other files or URLs is not accepted")
    if suffix not in (".geojson", ".json"):
        return
    i = low.find(CRS_KEY)
    while i != -1:
        m = CRS_MEMBER.match(low, i)
        if m and (complete or i <= len(buf) - CRS_WINDOW):  # else seen whole in the next buffer
            crs_type = _crs_type(buf[m.end() - 1: m.end() - 1 + CRS_WINDOW])
            if crs_type not in CRS_TYPES:
                raise Refused(f"{where}its \"crs\" member is of type {shorten(crs_type or 'unknown', 40)!r}; "
                              "only a named CRS (\"type\": \"name\") is accepted, never a link to fetch")
        i = low.find(CRS_KEY, i + len(CRS_KEY))


def _crs_type(text: bytes) -> str | None:
    """The `type` of a GeoJSON crs object starting at `text` ({...}), or None if unreadable."""
    depth, in_string, escaped = 0, False, False
    for i, byte in enumerate(text):
        c = chr(byte)
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
            continue
        if c == '"':
            in_string = True
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                try:
                    value = json.loads(text[: i + 1])
                except ValueError:
                    return None
                kind = value.get("type") if isinstance(value, dict) else None
                return kind.lower() if isinstance(kind, str) else None
    return None
