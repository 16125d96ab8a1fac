"""The CRSs the OGC APIs offer (Part 2), named by URI, with the axis order each one implies.

Storage is CRS84 (lon, lat). EPSG:4326 and VN-2000 geographic (4756) are lat, lon by their
definition, which OGC API - Features Part 2 honours; the projected CRSs are easting, northing.
Getting the order wrong puts Nghệ An in the Indian Ocean, so it is decided here, once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pyproj import CRS, Transformer

from geo.said import Said

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_URI = "http://www.opengis.net/def/crs/EPSG/0/{}"

# WGS 84, Web Mercator, VN-2000 geographic, VN-2000 UTM 48N/49N and the TM-3 zones provinces use.
SUPPORTED_EPSG: tuple[int, ...] = (4326, 3857, 4756, 3405, 3406, *range(5896, 5900), *range(9205, 9219))


class UnsupportedCRS(ValueError):
    """A CRS a client asked for that this service does not offer (the message lists them)."""


@dataclass(frozen=True)
class OgcCRS:
    uri: str
    srid: int
    lat_first: bool
    geographic: bool

    @property
    def decimals(self) -> int:
        """~1 cm either way: 7 decimals of a degree, 2 of a metre."""
        return 7 if self.geographic else 2


@lru_cache(maxsize=None)
def _describe(srid: int) -> tuple[bool, bool]:
    crs = CRS.from_epsg(srid)
    first = crs.axis_info[0].direction.lower() if crs.axis_info else "east"
    return first == "north", crs.is_geographic


def supported() -> list[str]:
    return [CRS84, *(EPSG_URI.format(code) for code in SUPPORTED_EPSG)]


_FORMS = (
    re.compile(r"^https?://www\.opengis\.net/def/crs/EPSG/0/(\d+)$", re.I),
    re.compile(r"^\[?EPSG:(\d+)\]?$", re.I),
    re.compile(r"^urn:ogc:def:crs:EPSG:[\d.]*:(\d+)$", re.I),
)
_CRS84_FORMS = {CRS84.lower(), "https://www.opengis.net/def/crs/ogc/1.3/crs84", "crs84", "[ogc:crs84]",
                "ogc:crs84", "urn:ogc:def:crs:ogc:1.3:crs84"}


def parse(text: str | None) -> OgcCRS:
    """`None` (parameter absent) means CRS84."""
    if text is None or text.strip().lower() in _CRS84_FORMS:
        return OgcCRS(CRS84, 4326, lat_first=False, geographic=True)
    value = text.strip()
    for form in _FORMS:
        m = form.match(value)
        if m:
            srid = int(m.group(1))
            if srid not in SUPPORTED_EPSG:
                break
            lat_first, geographic = _describe(srid)
            return OgcCRS(EPSG_URI.format(srid), srid, lat_first, geographic)
    raise UnsupportedCRS(
        f"unsupported CRS {text!r}; use one of: {CRS84}, or " + EPSG_URI.format("{code}")
        + " with code " + ", ".join(str(c) for c in SUPPORTED_EPSG))


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """`minx,miny,maxx,maxy` (or 6 numbers with heights, which are dropped), in the axis order given."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) not in (4, 6):
        raise ValueError(Said(f"bbox needs 4 numbers (or 6 with heights), got {len(parts)}: {text!r}", "errors.bbox.count",
                              n=len(parts), text=repr(text)))
    try:
        nums = [float(p) for p in parts]
    except ValueError:
        raise ValueError(Said(f"bbox must be numbers separated by commas, got {text!r}", "errors.bbox.numbers",
                              text=repr(text))) from None
    if any(n != n or n in (float("inf"), float("-inf")) for n in nums):
        raise ValueError(Said(f"bbox must be finite numbers, got {text!r}", "errors.bbox.finite", text=repr(text)))
    if len(nums) == 6:
        nums = [nums[0], nums[1], nums[3], nums[4]]
    return nums[0], nums[1], nums[2], nums[3]


def bbox_to_xy(bbox: tuple[float, float, float, float], crs: OgcCRS) -> tuple[float, float, float, float]:
    """The bbox as (minx, miny, maxx, maxy) in x=easting/longitude order, checked for range."""
    a, b, c, d = bbox
    xmin, ymin, xmax, ymax = (b, a, d, c) if crs.lat_first else (a, b, c, d)
    if xmin > xmax or ymin > ymax:
        order = Said("latitude first", "errors.bbox.lat_first") if crs.lat_first else Said("x first", "errors.bbox.x_first")
        raise ValueError(Said(f"bbox lower corner is not below and left of the upper corner in {crs.uri} "
                              f"({order}): {bbox}", "errors.bbox.corners", uri=crs.uri, order=order, bbox=str(bbox)))
    if crs.geographic:
        if not (-90 <= ymin <= 90 and -90 <= ymax <= 90):
            order = Said("latitude first", "errors.bbox.lat_first") if crs.lat_first else \
                Said("longitude first", "errors.bbox.lon_first")
            raise ValueError(Said(f"bbox latitude out of range [-90, 90] in {crs.uri} ({order}): {bbox}",
                                  "errors.bbox.latitude", uri=crs.uri, order=order, bbox=str(bbox)))
        if not (-180 <= xmin <= 180 and -180 <= xmax <= 180):
            raise ValueError(Said(f"bbox longitude out of range [-180, 180]: {bbox}", "errors.bbox.longitude", bbox=str(bbox)))
    else:
        w, s, e, n = usable_bounds(crs.srid)
        if xmin < w or ymin < s or xmax > e or ymax > n:
            raise ValueError(Said(f"bbox reaches beyond where {crs.uri} is usable (x {w:,.0f} to {e:,.0f}, "
                                  f"y {s:,.0f} to {n:,.0f} m: its area of use and {USABLE_MARGIN_M // 1000:,} km "
                                  f"around): {bbox}", "errors.bbox.usable", uri=crs.uri, w=round(w), e=round(e), s=round(s),
                                  n=round(n), km=USABLE_MARGIN_M // 1000, bbox=str(bbox)))
    return xmin, ymin, xmax, ymax


USABLE_MARGIN_M = 1_000_000


@lru_cache(maxsize=None)
def usable_bounds(srid: int) -> tuple[float, float, float, float]:
    """A projected CRS's area of use in its own units, widened by USABLE_MARGIN_M. Far beyond it
    the projection breaks down (PROJ: "Point outside of projection domain"), so a box reaching
    there is the client's mistake, said before any SQL runs; within it every supported CRS
    transforms to lon/lat (tests/api/test_edge_failures.py checks each with PostGIS)."""
    crs = CRS.from_epsg(srid)
    w, s, e, n = Transformer.from_crs(4326, crs, always_xy=True).transform_bounds(
        *crs.area_of_use.bounds, densify_pts=21)
    m = USABLE_MARGIN_M
    return w - m, s - m, e + m, n + m
