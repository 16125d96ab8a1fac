"""A tourism route's track read from a GPX or KML file: bounded, safe XML, a compact elevation profile.

Promoters record a route with a phone app or draw it in Google My Maps / Earth and export GPX or
KML (or KMZ, a zip holding one KML). What comes back is the route's line, its length, the
elevations when the file has them and a note when the track was simplified. Pure: no database.

Hostile or careless files are refused with a `RouteFileProblem` (a `geo.said.Said`), never half read:
- at most MAX_BYTES of file (a KMZ's KML counts, read no further than that), so a zip bomb is not
  unpacked;
- any DTD is refused (defusedxml: GPX and KML need none), so an entity bomb ("billion laughs")
  or an external entity (a file or URL to read) never expands; nothing is fetched;
- at most MAX_POINTS points: counted while the XML streams, the reading stops at the first point
  over, so 1,000,000 points cost no more than 200,001;
- a track over STORED_POINTS points is simplified (Douglas–Peucker on the plane, the tolerance
  doubled from 1 m until it fits) and the note says from how many to how many; the length and the
  elevation profile are computed from every point before that.

Both are read in one streaming defusedxml pass: GPX track segments (else routes) point by point,
each point cleared once read; KML LineString coordinates and gx:Track gx:coord. (gpxpy, tried
first, built its whole object tree: a 120,000-point GPX took 5.5 s and 374 MB in the worker.)
"""
from __future__ import annotations

import io
import math
import zipfile
from dataclasses import dataclass, field

import shapely
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import iterparse

from geo.said import Said

MAX_BYTES = 16 * 1024 * 1024
MAX_POINTS = 200_000  # a day recorded at one point a second is 86,400
STORED_POINTS = 5_000  # what the route's line keeps: metre-level detail for a day's walk or ride
PROFILE_POINTS = 240  # samples of the elevation profile (a chart a phone's width wide)
EARTH_M = 6_371_008.8
FORMATS = ("gpx", "kml", "kmz")


class RouteFileProblem(ValueError):
    """A file that cannot become a route's track; the message is a Said (tourism_share.route_file.*)."""

    def __init__(self, said: Said, status: int = 400):
        super().__init__(said)
        self.status = status

    def __reduce__(self):  # pickled back from a bounded worker
        return (RouteFileProblem, (self.args[0], self.status))


@dataclass(frozen=True)
class Profile:
    """Elevation along the route: distances from the start (m, whole) and heights (m, tenths)."""
    distance_m: tuple[int, ...]
    elevation_m: tuple[float, ...]

    @property
    def climb_m(self) -> float:
        return round(sum(max(0.0, b - a) for a, b in zip(self.elevation_m, self.elevation_m[1:])), 1)

    @property
    def lowest_m(self) -> float:
        return min(self.elevation_m)

    @property
    def highest_m(self) -> float:
        return max(self.elevation_m)

    def as_json(self) -> dict:
        return {"distance_m": list(self.distance_m), "elevation_m": list(self.elevation_m)}


@dataclass(frozen=True)
class Track:
    lines: tuple[tuple[tuple[float, float], ...], ...]  # lon/lat, each line 2+ points, stored size
    length_m: float  # every point read, before simplification
    points_read: int
    points_kept: int
    profile: Profile | None
    source_format: str
    name: str | None = None
    notes: tuple[Said, ...] = field(default=())

    @property
    def wkt(self) -> str:
        return shapely.MultiLineString([list(line) for line in self.lines]).wkt


def _problem(english: str, key: str, status: int = 400, **values) -> RouteFileProblem:
    return RouteFileProblem(Said(english, key, **values), status)


def kind_of(filename: str, data: bytes) -> str:
    """'gpx', 'kml' or 'kmz' from the content (a zip, or the root element), the name only breaking ties."""
    if data[:4] == b"PK\x03\x04":
        return "kmz"
    head = data[:4096].lower()
    if b"<gpx" in head:
        return "gpx"
    if b"<kml" in head:
        return "kml"
    raise _problem("the file is not a GPX, KML or KMZ route file", "tourism_share.route_file.not_route")


def _unzip(data: bytes) -> bytes:
    """The KMZ's first .kml (doc.kml by convention), read no further than MAX_BYTES."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = sorted((n for n in z.namelist() if n.lower().endswith(".kml")), key=lambda n: n != "doc.kml")
            if not names:
                raise _problem("the KMZ holds no .kml file", "tourism_share.route_file.kmz_empty")
            with z.open(names[0]) as kml:
                inner = kml.read(MAX_BYTES + 1)
    except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError) as exc:
        raise _problem(f"the KMZ cannot be unpacked ({exc})", "tourism_share.route_file.bad_zip", reason=str(exc)[:200]) from None
    if len(inner) > MAX_BYTES:
        raise _too_big(len(inner))
    return inner


def _too_big(n: int) -> RouteFileProblem:
    return _problem(f"the route file is over {MAX_BYTES:,} bytes ({n:,})", "tourism_share.route_file.bytes", 413,
                    n=n, max=MAX_BYTES)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _scan(data: bytes, kind: str) -> tuple[list[list[tuple[float, float, float | None]]], str | None]:
    """One streaming pass with defusedxml (DTDs refused), counting points and stopping past
    MAX_POINTS: the lines (GPX track segments, else routes; KML LineString coordinates and
    gx:Track coords) and the first name of a track, route or document. A GPX point is read and
    cleared as soon as it ends, so memory grows with the points kept, not the XML."""
    lines: list[list[tuple[float, float, float | None]]] = []
    routes: list[list[tuple[float, float, float | None]]] = []
    stack: list[str] = []
    name, count = None, 0
    try:
        for event, elem in iterparse(io.BytesIO(data), events=("start", "end"), forbid_dtd=True):
            tag = _local(elem.tag)
            if event == "start":
                stack.append(tag)
                if tag in ("Track", "trkseg"):
                    lines.append([])
                elif tag == "rte":
                    routes.append([])
                continue
            stack.pop()
            if tag in ("trkpt", "rtept") and kind == "gpx":
                (lines if tag == "trkpt" else routes)[-1].append(_gpx_point(elem))
                count += 1
                elem.clear()
            elif tag == "coordinates" and stack and stack[-1] == "LineString":
                line = [_kml_coord(c.split(",")) for c in (elem.text or "").split()]
                count += len(line)
                lines.append(line)
            elif tag == "coord" and stack and stack[-1] == "Track":
                lines[-1].append(_kml_coord((elem.text or "").split()))
                count += 1
            elif tag == "name" and name is None and elem.text and elem.text.strip() \
                    and (kind != "gpx" or (stack and stack[-1] in ("trk", "rte", "metadata", "gpx"))):
                name = elem.text.strip()[:250]
            if count > MAX_POINTS:
                raise _problem(f"the route file has more than {MAX_POINTS:,} points; simplify it or split the route",
                               "tourism_share.route_file.points", 413, max=MAX_POINTS)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden):
        raise _problem("the file declares a DTD or entities, which a route file never needs; it was not read",
                       "tourism_share.route_file.dtd") from None
    except SyntaxError as exc:  # ParseError
        raise _problem(f"the file is not well-formed XML ({exc})", "tourism_share.route_file.xml",
                       reason=str(exc)[:200]) from None
    found = [line for line in lines if len(line) >= 2]
    return found or [line for line in routes if len(line) >= 2], name


def _gpx_point(elem) -> tuple[float, float, float | None]:
    """A trkpt/rtept: lat and lon attributes, and its <ele> when it has one."""
    ele = next((c.text for c in elem if _local(c.tag) == "ele"), None)
    try:
        return float(elem.get("lon")), float(elem.get("lat")), float(ele) if ele and ele.strip() else None
    except (TypeError, ValueError):
        raise _problem("a GPX point has no numeric lat and lon", "tourism_share.route_file.gpx_point") from None


def _kml_coord(parts) -> tuple[float, float, float | None]:
    try:
        lon, lat = float(parts[0]), float(parts[1])
        ele = float(parts[2]) if len(parts) > 2 and parts[2] != "" else None
    except (ValueError, IndexError):
        raise _problem("a KML coordinate is not 'longitude,latitude[,altitude]'", "tourism_share.route_file.coordinate") from None
    return lon, lat, ele


def _metres(a, b) -> float:
    """Great-circle distance (haversine on the mean sphere); the height difference is left out."""
    lon1, lat1, lon2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_M * math.asin(min(1.0, math.sqrt(h)))


def _check(lines) -> None:
    for line in lines:
        for lon, lat, _ in line:
            if not (-180 <= lon <= 180 and -90 <= lat <= 90) or math.isnan(lon) or math.isnan(lat):
                raise _problem(f"a point ({lon}, {lat}) is not a longitude/latitude in degrees",
                               "tourism_share.route_file.out_of_range", lon=str(lon), lat=str(lat))


def profile_of(lines) -> Profile | None:
    """Elevation against distance, sampled to at most PROFILE_POINTS; None when under half the
    points carry an elevation (a drawn route, a phone without a fix) or every one is 0."""
    along, total, with_ele, points = [], 0.0, 0, 0
    for line in lines:
        prev = None
        for p in line:
            points += 1
            if prev is not None:
                total += _metres(prev, p)
            prev = p
            if p[2] is not None and not math.isnan(p[2]):
                with_ele += 1
                along.append((total, p[2]))
    if points == 0 or with_ele * 2 < points or len(along) < 2 or all(e == 0 for _, e in along):
        return None  # all zero: KML's altitude of a line clamped to the ground
    n = len(along)
    picked = along if n <= PROFILE_POINTS else [along[round(i * (n - 1) / (PROFILE_POINTS - 1))]
                                                 for i in range(PROFILE_POINTS)]
    return Profile(tuple(round(d) for d, _ in picked), tuple(round(e, 1) for _, e in picked))


def _simplified(lines) -> tuple[list[list[tuple[float, float]]], int]:
    flat = [[(lon, lat) for lon, lat, _ in line] for line in lines]
    kept = sum(len(line) for line in flat)
    if kept <= STORED_POINTS:
        return flat, kept
    geom = shapely.MultiLineString(flat)
    tolerance = 1e-5  # ~1 m
    while True:
        simple = shapely.simplify(geom, tolerance, preserve_topology=False)
        kept = int(shapely.get_num_coordinates(simple))
        if kept <= STORED_POINTS:
            parts = [list(g.coords) for g in getattr(simple, "geoms", [simple]) if len(g.coords) >= 2]
            return parts, kept
        tolerance *= 2


def read(data: bytes, filename: str = "") -> Track:
    """The route's track from a GPX, KML or KMZ file, or RouteFileProblem saying what is wrong."""
    if len(data) > MAX_BYTES:
        raise _too_big(len(data))
    kind = kind_of(filename, data)
    xml = _unzip(data) if kind == "kmz" else data
    lines, name = _scan(xml, "kml" if kind == "kmz" else kind)
    if not lines:
        raise _problem("the file holds no track or route with two points or more", "tourism_share.route_file.no_track")
    _check(lines)
    read_n = sum(len(line) for line in lines)
    length = sum(_metres(a, b) for line in lines for a, b in zip(line, line[1:]))
    stored, kept = _simplified(lines)
    notes = ()
    if kept < read_n:
        notes = (Said(f"the track was simplified from {read_n:,} to {kept:,} points", "tourism_share.route_file.simplified",
                      n=read_n, kept=kept),)
    return Track(tuple(tuple(line) for line in stored), round(length, 1), read_n, kept, profile_of(lines),
                 kind, name, notes)
