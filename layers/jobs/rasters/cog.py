"""An administrator's raster (GeoTIFF, JPEG2000 or a plain VRT of them) → a Cloud Optimized
GeoTIFF, checked on its header first (geo.raster_checks) so that a file too large, outside
Vietnam or with no usable CRS is refused before a pixel is read.

The COG is written by GDAL's COG driver (internal 512 × 512 tiles, overviews, compression per
kind) in the input's own grid: categories and heights are not resampled at import, the tile
server reprojects on the fly. When the CRS or nodata must differ from the file's (--crs, a
guessed VN-2000 zone, --nodata) a small VRT over the input says so; GDAL reads through it.
Memory is GDAL's block cache (NTM_RASTER_GDAL_CACHE_MB), whatever the raster's size.
"""
from __future__ import annotations

import hashlib
import math
import threading
import warnings
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import rasterio
import shapely
from pyproj import CRS
from rasterio.dtypes import _gdal_typename
from rasterio.enums import MaskFlags
from rasterio._err import CPLE_BaseError
from rasterio.errors import NotGeoreferencedWarning, RasterioError, RasterioIOError

from geo import raster_checks as checks
from geo.gdal_config import UNTRUSTED_GDAL_CONFIG
from geo.raster_checks import RasterProblem
from layers.jobs.rasters import gdal_copy

BLOCK = 512
# rasterio opens a file or wraps an array inside `warnings.catch_warnings()`, which swaps the
# process-wide filter list and is not thread-safe before Python 3.14: every such call of ours,
# here and in the demo's painting (raster_terrain), takes this one lock.
WARNINGS_LOCK = threading.Lock()
JPEG_QUALITY = 85
_INTEGER = ("uint8", "int8", "uint16", "int16", "uint32", "int32")


@dataclass
class Converted:
    """What the COG is: the registry row's technical columns (layers.db.models.rasters)."""
    width: int
    height: int
    band_count: int
    dtype: str
    nodata: float | None
    crs: str
    source_crs: str
    resolution_m: float
    outline: shapely.Polygon
    value_min: float | None = None
    value_max: float | None = None
    bytes: int = 0
    sha256: str = ""
    notes: list[str] = field(default_factory=list)


@contextmanager
def gdal_env(cache_mb: int):
    """GDAL for an import: bounded block cache, two threads, no network, no side files written."""
    with rasterio.Env(GDAL_CACHEMAX=cache_mb, GDAL_NUM_THREADS=2, GDAL_PAM_ENABLED="NO",
                      **{k: v for k, v in UNTRUSTED_GDAL_CONFIG.items() if k != "GDAL_DISABLE_READDIR_ON_OPEN"}):
        yield


_MAGIC = ((b"II*\x00", "GTiff"), (b"MM\x00*", "GTiff"), (b"II+\x00", "GTiff"), (b"MM\x00+", "GTiff"),
          (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "JP2OpenJPEG"), (b"\xffO\xffQ", "JP2OpenJPEG"))


def sniff_driver(path: Path, allowed: tuple[str, ...]) -> str:
    """The one GDAL driver allowed to open `path`, from its first bytes (never GDAL's guess)."""
    if not path.is_file():
        raise RasterProblem(f"{path}: no such file")
    with open(path, "rb") as f:
        head = f.read(64)
    if head.lstrip().startswith(b"<VRTDataset"):
        driver = "VRT"
    else:
        driver = next((d for magic, d in _MAGIC if head.startswith(magic)), None)
    if driver is None or driver not in allowed:
        kinds = {"GTiff": "GeoTIFF", "JP2OpenJPEG": "JPEG2000", "VRT": "VRT"}
        names = [kinds[d] for d in allowed]
        raise RasterProblem(f"{path.name} is not a {', '.join(names[:-1])} or {names[-1]} file"
                            + (" (a VRT may point only at GeoTIFF or JPEG2000 files)" if driver == "VRT" else ""))
    return driver


def open_input(path: Path):
    """The raster opened with only the drivers an import accepts (a VRT's sources checked first)."""
    driver = sniff_driver(path, checks.INPUT_DRIVERS)
    try:
        if driver == "VRT":
            text = path.read_text(encoding="utf-8", errors="replace")
            for source in checks.vrt_sources(text, path):
                with rasterio.open(source, driver=sniff_driver(source, checks.VRT_SOURCE_DRIVERS)):
                    pass
        # No georeferencing is refused by check_grid, in words. catch_warnings swaps the
        # process-wide filters (not thread-safe): one at a time, as add_rasters converts on threads.
        with WARNINGS_LOCK, warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            return rasterio.open(path, driver=driver)
    except (RasterioIOError, CPLE_BaseError) as exc:
        raise RasterProblem(f"{path.name} cannot be read as a raster, it is damaged or truncated: "
                            f"{_gdal_message(exc)}") from None


def _gdal_message(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:300]


def check_kind(src, kind: str, nodata: float | None) -> None:
    dtypes = set(src.dtypes)
    if kind == "imagery":
        if src.count not in (1, 3, 4) or not dtypes <= {"uint8", "uint16"}:
            raise RasterProblem(f"imagery must be 1, 3 or 4 bands of 8 or 16 bits; this file has {src.count} "
                                f"band(s) of {', '.join(sorted(dtypes))}")
    elif src.count != 1:
        raise RasterProblem(f"a {kind} raster has one band; this file has {src.count}: "
                            "use --kind imagery, or extract the band first")
    if kind == "categorical" and not dtypes <= set(_INTEGER):
        raise RasterProblem(f"a categorical raster holds whole-number classes; this file holds {src.dtypes[0]}")
    if nodata is not None:
        dtype = src.dtypes[0]
        integer = dtype in _INTEGER
        info = np.iinfo(dtype) if integer else np.finfo(dtype)
        fits = (not integer and math.isnan(nodata)) or (
            not math.isnan(nodata) and info.min <= nodata <= info.max and (not integer or nodata == int(nodata)))
        if not fits:
            raise RasterProblem(f"--nodata {nodata:g} cannot be stored in this raster's {src.dtypes[0]} pixels")


def cog_options(kind: str, count: int, dtype: str, has_nodata: bool) -> dict:
    """Compression and overview resampling per kind: lossy JPEG only for RGB(A) photographs
    with no nodata value (JPEG would blur it), exact DEFLATE for classes and measurements;
    classes are never averaged (MODE), measurements are (AVERAGE)."""
    opts = {"BLOCKSIZE": BLOCK, "BIGTIFF": "IF_SAFER", "NUM_THREADS": 2, "OVERVIEWS": "IGNORE_EXISTING"}
    if kind == "imagery":
        if count in (3, 4) and dtype == "uint8" and not has_nodata:
            return {**opts, "COMPRESS": "JPEG", "QUALITY": JPEG_QUALITY, "OVERVIEW_RESAMPLING": "AVERAGE"}
        return {**opts, "COMPRESS": "DEFLATE", "PREDICTOR": "YES", "OVERVIEW_RESAMPLING": "AVERAGE"}
    if kind == "categorical":
        return {**opts, "COMPRESS": "DEFLATE", "PREDICTOR": "NO", "OVERVIEW_RESAMPLING": "MODE",
                "RESAMPLING": "NEAREST"}
    return {**opts, "COMPRESS": "DEFLATE", "PREDICTOR": "YES", "OVERVIEW_RESAMPLING": "AVERAGE"}


def crs_label(crs: CRS) -> str:
    """'EPSG:9210' when the CRS has a code (the registry's `crs` column), else its name."""
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else (crs.to_string() if len(crs.to_string()) <= 40 else crs.name[:40])


def wrapper_vrt(src, path: Path, crs: CRS, nodata: float | None) -> str:
    """A VRT over the input with another CRS and/or nodata, same grid and pixels (no resampling)."""
    root = ET.Element("VRTDataset", rasterXSize=str(src.width), rasterYSize=str(src.height))
    srs = ET.SubElement(root, "SRS", dataAxisToSRSAxisMapping="1,2")
    srs.text = crs.to_wkt()
    t = src.transform
    ET.SubElement(root, "GeoTransform").text = ", ".join(repr(float(v)) for v in (t.c, t.a, t.b, t.f, t.d, t.e))
    per_dataset_mask = any(MaskFlags.per_dataset in flags for flags in src.mask_flag_enums) and nodata is None
    for i in range(1, src.count + 1):
        band = ET.SubElement(root, "VRTRasterBand", dataType=_gdal_typename(src.dtypes[i - 1]), band=str(i))
        nd = nodata if nodata is not None else src.nodatavals[i - 1]
        if nd is not None:
            ET.SubElement(band, "NoDataValue").text = repr(float(nd))
        interp = src.colorinterp[i - 1].name.capitalize()  # a palette's table is not carried: the legend colours
        ET.SubElement(band, "ColorInterp").text = "Gray" if interp == "Palette" else interp
        _source(band, path, str(i), src)
    if per_dataset_mask:
        mask = ET.SubElement(ET.SubElement(root, "MaskBand"), "VRTRasterBand", dataType="Byte")
        _source(mask, path, "mask,1", src)
    return ET.tostring(root, encoding="unicode")


def _source(band, path: Path, which: str, src) -> None:
    s = ET.SubElement(band, "SimpleSource")
    ET.SubElement(s, "SourceFilename", relativeToVRT="0").text = str(path.resolve())
    ET.SubElement(s, "SourceBand").text = which
    size = {"xOff": "0", "yOff": "0", "xSize": str(src.width), "ySize": str(src.height)}
    ET.SubElement(s, "SrcRect", **size)
    ET.SubElement(s, "DstRect", **size)


def convert(path: Path, dst: Path, *, kind: str, crs: str | None = None, nodata: float | None = None,
            max_pixels: int, cache_mb: int, province_at=None, default_province: str = "40",
            step=lambda text: None, written=lambda fraction: None) -> Converted:
    """Check `path` on its header, then write it to `dst` as a COG; `step(text)` names each stage
    as it starts, `written(fraction)` says how much of the COG GDAL has written (gdal_copy)."""
    path = Path(path)
    with gdal_env(cache_mb):
        step("reading the header")
        with open_input(path) as src:
            driver = src.driver
            checks.check_size(src.width, src.height, src.count, max_pixels)
            checks.check_blocks(src.block_shapes[0], src.count, np.dtype(src.dtypes[0]).itemsize, cache_mb)
            checks.check_grid(src.transform, len(src.gcps[0]) if src.gcps and src.gcps[0] else 0)
            check_kind(src, kind, nodata)
            file_crs = CRS.from_wkt(src.crs.to_wkt()) if src.crs else None
            resolved = checks.resolve_raster_crs(file_crs, crs, tuple(src.bounds), province_at, default_province)
            outline = checks.footprint(resolved.crs, tuple(src.bounds))
            checks.check_in_vietnam(outline)
            out = Converted(
                width=src.width, height=src.height, band_count=src.count, dtype=src.dtypes[0],
                nodata=nodata if nodata is not None else src.nodata, crs=crs_label(resolved.crs),
                source_crs=crs_label(file_crs) if file_crs and not crs else crs_label(resolved.crs),
                resolution_m=checks.resolution_m(resolved.crs, src.res, outline), outline=outline,
                notes=[resolved.message, *(n.en for n in resolved.notes)])
            same_crs = file_crs is not None and resolved.crs == file_crs
            opts = cog_options(kind, src.count, src.dtypes[0], out.nodata is not None)
            step("writing the COG")
            try:
                if same_crs and nodata is None:
                    gdal_copy.copy(path, driver, dst, "COG", opts, written)
                else:
                    wrapper = dst.with_name(dst.name + ".vrt")
                    wrapper.write_text(wrapper_vrt(src, path, resolved.crs, nodata), encoding="utf-8")
                    try:
                        gdal_copy.copy(wrapper, "VRT", dst, "COG", opts, written)
                    finally:
                        wrapper.unlink(missing_ok=True)
            except (RasterioError, CPLE_BaseError) as exc:
                dst.unlink(missing_ok=True)
                raise RasterProblem(f"{path.name} could not be read to the end (truncated or damaged file?): "
                                    f"{_gdal_message(exc)}") from None
        step("checking the COG")
        _describe(dst, kind, out)
    step("checksum")
    out.bytes, out.sha256 = file_digest(dst)
    return out


def _describe(dst: Path, kind: str, out: Converted) -> None:
    """Read the COG back: it must be one (layout and overviews), and give the value range."""
    with rasterio.open(dst, driver="GTiff") as cog:
        if cog.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") != "COG":
            raise RasterProblem(f"GDAL did not write a COG layout for {dst.name}")
        # JPEG turns an alpha band into a mask: the row describes the bands the COG has
        out.band_count, out.dtype, out.width, out.height = cog.count, cog.dtypes[0], cog.width, cog.height
        if kind != "imagery":
            try:
                stats = cog.stats(indexes=1, approx=cog.width * cog.height > 4_000_000)
            except (RasterioError, CPLE_BaseError):  # every pixel is nodata
                return
            stat = stats[0] if isinstance(stats, list) else stats
            if math.isfinite(stat.min) and math.isfinite(stat.max):
                out.value_min, out.value_max = float(stat.min), float(stat.max)


def file_digest(path: Path) -> tuple[int, str]:
    h, size = hashlib.sha256(), 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return size, h.hexdigest()


__all__ = ["Converted", "cog_options", "convert", "file_digest", "gdal_env", "open_input"]
