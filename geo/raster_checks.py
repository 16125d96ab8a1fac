"""What a raster must be before it is converted: a size the machine can take, a place in
Vietnam, a CRS found the way the vector import finds one, and (for a VRT) sources that are
plain local GeoTIFF or JPEG2000 files.

Every check here works on the header (size, bounds, CRS, the VRT's XML), never on pixels, so a
100,000 × 100,000 raster is refused in milliseconds with the limit stated. The CRS rules are
geo.crs.resolve's (VN-2000 zones guessed from the province, mended home-made .prj definitions,
metres labelled as degrees); the trap the vector side mends by swapping x and y is refused
here, because a raster's grid cannot be swapped without transposing its pixels.
"""
from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import shapely
from pyproj import CRS, Transformer

from geo.crs import CRSProblem, ResolvedCRS, resolve
from geo.crs_traps import VIETNAM

# The drivers GDAL may use to open an administrator's raster, and those a VRT may point at.
INPUT_DRIVERS = ("GTiff", "JP2OpenJPEG", "VRT")
VRT_SOURCE_DRIVERS = ("GTiff", "JP2OpenJPEG")
VRT_SOURCE_SUFFIXES = (".tif", ".tiff", ".jp2", ".j2k")
MAX_VRT_BYTES = 10_000_000
MAX_VRT_SOURCES = 10_000
MAX_BANDS = 16  # imagery has 3–4, a class map or a DEM 1; more is a hyperspectral cube, not a map layer
_EDGE_POINTS = 21  # per side of the footprint: a TM-3 rectangle's edges curve in WGS 84


class RasterProblem(ValueError):
    """The raster cannot be imported as given; the message says what is wrong and what to do."""


def check_size(width: int, height: int, bands: int, max_pixels: int) -> None:
    """Refuse before reading a pixel: converting more than `max_pixels` takes longer than an
    administrator waits at a prompt (NTM_RASTER_MAX_PIXELS raises the limit)."""
    if width <= 0 or height <= 0 or bands <= 0:
        raise RasterProblem(f"the raster has no pixels ({width} × {height}, {bands} bands)")
    if width * height > max_pixels:
        raise RasterProblem(
            f"the raster is {width:,} × {height:,} = {width * height:,} pixels, over the limit of "
            f"{max_pixels:,} (NTM_RASTER_MAX_PIXELS): cut it into tiles or lower its resolution first")
    if bands > MAX_BANDS:
        raise RasterProblem(f"the raster has {bands} bands; at most {MAX_BANDS} are accepted")


def check_blocks(block: tuple[int, int], bands: int, itemsize: int, cache_mb: int) -> None:
    """A block GDAL must decode whole (a one-strip TIFF, an untiled JPEG2000) larger than the block
    cache would take that much memory at once, whatever the cache: refused before reading it."""
    rows, cols = block
    size = rows * cols * bands * itemsize
    if size > cache_mb * 1024 * 1024:
        raise RasterProblem(
            f"the raster is stored in blocks of {cols:,} × {rows:,} pixels ({size / 1048576:,.0f} MB each), "
            f"more than GDAL's cache of {cache_mb} MB (NTM_RASTER_GDAL_CACHE_MB) can hold: re-save it tiled "
            "(gdal_translate -co TILED=YES) or raise the cache")


def check_grid(transform, gcps: int) -> None:
    """A north-up grid: rotated or GCP-only rasters are warped first (gdalwarp), not guessed."""
    a, b, c, d, e, f = transform[:6]
    if (a, b, c, d, e, f) == (1, 0, 0, 0, 1, 0) and not gcps:
        raise RasterProblem("the raster has no georeferencing (no GeoTIFF tags, no world file such as .tfw): "
                            "georeference it first")
    if b or d:
        raise RasterProblem("the raster's grid is rotated: warp it to a north-up grid first (gdalwarp)")
    if a == 1 and e == 1 and gcps:
        raise RasterProblem("the raster is placed by ground control points only: warp it first (gdalwarp)")
    if a == 0 or e == 0:
        raise RasterProblem("the raster has no pixel size in its georeferencing")


def resolve_raster_crs(
    file_crs: CRS | None,
    override: str | None,
    bounds: tuple[float, float, float, float],
    province_at: Callable[[float, float], str | None] | None = None,
    default_province: str = "40",
) -> ResolvedCRS:
    """The CRS to read the raster with: --crs, else the file's (mended), else guessed from the
    bounds like a vector file without a .prj (VN-2000 TM-3 of the province, or WGS 84 degrees)."""
    try:
        resolved = resolve(file_crs, override, bounds, province_at, default_province)
    except CRSProblem as exc:
        raise RasterProblem(str(exc)) from None
    if resolved.swap_xy:
        minx, miny, maxx, maxy = bounds
        raise RasterProblem(
            f"the raster's georeferencing has x and y swapped (x {minx:,.4f}–{maxx:,.4f}, y {miny:,.4f}–{maxy:,.4f}: "
            "latitude or northing given as x); a raster's grid cannot be read swapped: fix its "
            "georeferencing so that x is the longitude or easting")
    return resolved


def footprint(crs: CRS, bounds: tuple[float, float, float, float]) -> shapely.Polygon:
    """The raster's outline in WGS 84, its edges densified so the polygon follows the grid."""
    minx, miny, maxx, maxy = bounds
    t = [i / (_EDGE_POINTS - 1) for i in range(_EDGE_POINTS)]
    ring = ([(minx + (maxx - minx) * s, miny) for s in t] + [(maxx, miny + (maxy - miny) * s) for s in t[1:]]
            + [(maxx - (maxx - minx) * s, maxy) for s in t[1:]] + [(minx, maxy - (maxy - miny) * s) for s in t[1:]])
    xs, ys = Transformer.from_crs(crs, 4326, always_xy=True).transform(*zip(*ring))
    if not all(map(math.isfinite, (*xs, *ys))):
        raise RasterProblem(f"the raster's bounds {_fmt(bounds)} do not convert to longitude/latitude "
                            f"from {crs.name}: check its CRS or pass --crs")
    poly = shapely.Polygon(list(zip(xs, ys)))
    return poly if poly.is_valid else poly.buffer(0)


def check_in_vietnam(outline: shapely.Polygon) -> None:
    """A raster that touches no part of Vietnam (with its coast and islands) has the wrong CRS or
    is another country's data: refused with where it would land."""
    if not outline.intersects(VIETNAM):
        raise RasterProblem(
            f"the raster lies outside Vietnam (longitude {outline.bounds[0]:.4f} to {outline.bounds[2]:.4f}, "
            f"latitude {outline.bounds[1]:.4f} to {outline.bounds[3]:.4f}): check its CRS or pass --crs")


def resolution_m(crs: CRS, res: tuple[float, float], outline: shapely.Polygon) -> float:
    """Ground size of a pixel in metres (the larger side), at the raster's centre."""
    if crs.is_geographic:
        lat = outline.centroid.y
        return max(abs(res[0]) * 111_320.0 * max(math.cos(math.radians(lat)), 0.01), abs(res[1]) * 110_574.0)
    size = max(abs(res[0]), abs(res[1]))
    factor = crs.axis_info[0].unit_conversion_factor if crs.axis_info else 1.0
    return size * factor


def vrt_sources(xml_text: str, vrt_path: Path) -> list[Path]:
    """The local files a VRT reads, refusing what the administrator's VRT should not do: fetch
    over the network (/vsicurl/, http), open archives or other VRTs, or compute pixels with code."""
    if len(xml_text) > MAX_VRT_BYTES:
        raise RasterProblem(f"{vrt_path.name}: a VRT over {MAX_VRT_BYTES:,} bytes is refused")
    try:
        root = ET.fromstring(xml_text)
    except ET.ParseError as exc:
        raise RasterProblem(f"{vrt_path.name}: not a valid VRT ({exc})") from None
    if root.tag != "VRTDataset":
        raise RasterProblem(f"{vrt_path.name}: not a VRT (its root element is {root.tag!r})")
    for band in root.iter("VRTRasterBand"):
        if band.get("subClass") or band.find("PixelFunctionType") is not None:
            raise RasterProblem(f"{vrt_path.name}: derived or warped VRT bands are not accepted; "
                                "use plain sources (gdalbuildvrt)")
    if root.get("subClass"):
        raise RasterProblem(f"{vrt_path.name}: a {root.get('subClass')} VRT is not accepted; use gdalbuildvrt's plain VRT")
    out: list[Path] = []
    for element in root.iter("SourceFilename"):
        name = (element.text or "").strip()
        if not name or "://" in name or name.startswith("/vsi") or ":" in Path(name).name:
            raise RasterProblem(f"{vrt_path.name}: source {name!r} is not a local file")
        relative = element.get("relativeToVRT", "0") == "1"
        path = (vrt_path.parent / name) if relative else Path(name)
        if path.suffix.lower() not in VRT_SOURCE_SUFFIXES:
            raise RasterProblem(f"{vrt_path.name}: source {name!r} is not a GeoTIFF or JPEG2000 file "
                                f"({', '.join(VRT_SOURCE_SUFFIXES)})")
        if not path.is_file():
            raise RasterProblem(f"{vrt_path.name}: source {name!r} does not exist")
        out.append(path)
        if len(out) > MAX_VRT_SOURCES:
            raise RasterProblem(f"{vrt_path.name}: more than {MAX_VRT_SOURCES:,} sources")
    if not out:
        raise RasterProblem(f"{vrt_path.name}: the VRT names no source file")
    return out


def _fmt(bounds) -> str:
    return "(" + ", ".join(f"{b:,.4f}" for b in bounds) + ")"


__all__ = ["INPUT_DRIVERS", "RasterProblem", "VRT_SOURCE_DRIVERS", "check_blocks", "check_grid", "check_in_vietnam",
           "check_size", "footprint", "resolution_m", "resolve_raster_crs", "vrt_sources"]
