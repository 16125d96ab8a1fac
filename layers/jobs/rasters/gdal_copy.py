"""GDALCreateCopy with GDAL's own progress (issue 13): writing a COG is one call that can take
minutes on a large file, and rasterio.shutil.copy gives GDAL no progress function (it passes
NULL, rasterio 1.4). So the COG is written by the same call through ctypes, on the libgdal that
rasterio itself is linked with (its wheel's copy or the system's), so it runs with the config
options of the caller's rasterio.Env (cache, threads, no network) and writes the same bytes. The fraction reported is GDAL's: the COG driver's share of the overviews
and of the final copy, so a bar driven by it moves as the file is written, no estimate.

Where that library cannot be reached (a static build) `copy` falls back to rasterio.shutil.copy and reports nothing between 0 and 1.
"""
from __future__ import annotations

import ctypes
from collections.abc import Callable
from pathlib import Path

import rasterio._base  # noqa: F401  (loads libgdal into the process)
import rasterio.shutil
from rasterio.errors import RasterioError

_OF_RASTER, _OF_VERBOSE_ERROR = 0x02, 0x40
_PROGRESS = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_double, ctypes.c_char_p, ctypes.c_void_p)
_lib: ctypes.CDLL | None | bool = False  # False: not looked for yet


def _loaded_libgdal() -> ctypes.CDLL | None:
    """The libgdal rasterio calls, with the few functions this module uses typed; None if none.

    Through rasterio's own extension module: a symbol looked up in a loaded library's handle is
    searched in that library and then in the libraries it was linked with, so this is the GDAL
    rasterio uses even when another package (pyogrio) brought its own copy into the process."""
    global _lib
    if _lib is not False:
        return _lib
    _lib = None
    try:
        lib = ctypes.CDLL(rasterio._base.__file__)  # already loaded: the same handle
        lib.GDALCreateCopy  # noqa: B018  (resolvable, or AttributeError)
    except (OSError, AttributeError):
        return None
    strings = ctypes.POINTER(ctypes.c_char_p)
    lib.GDALOpenEx.restype = ctypes.c_void_p
    lib.GDALOpenEx.argtypes = [ctypes.c_char_p, ctypes.c_uint, strings, strings, strings]
    lib.GDALGetDriverByName.restype = ctypes.c_void_p
    lib.GDALGetDriverByName.argtypes = [ctypes.c_char_p]
    lib.GDALCreateCopy.restype = ctypes.c_void_p
    lib.GDALCreateCopy.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int, strings,
                                   _PROGRESS, ctypes.c_void_p]
    lib.GDALClose.restype = None
    lib.GDALClose.argtypes = [ctypes.c_void_p]
    lib.CPLGetLastErrorMsg.restype = ctypes.c_char_p
    lib.CPLErrorReset.restype = None
    _lib = lib
    return lib


def _strings(values: list[str]):
    array = (ctypes.c_char_p * (len(values) + 1))(*[v.encode() for v in values], None)
    return ctypes.cast(array, ctypes.POINTER(ctypes.c_char_p)), array


def has_progress() -> bool:
    """Whether `copy` reports GDAL's progress in this process."""
    return _loaded_libgdal() is not None


def copy(src: Path, open_driver: str, dst: Path, driver: str, options: dict,
         progress: Callable[[float], None] = lambda fraction: None) -> None:
    """Write `src` (opened with `open_driver` only) to `dst` with `driver` and its creation
    `options`, calling `progress(fraction)` as GDAL reports it. Raises RasterioError with GDAL's
    message on failure; an exception raised by `progress` (Ctrl-C) stops GDAL and is re-raised."""
    lib = _loaded_libgdal()
    if lib is None:
        with rasterio.open(src, driver=open_driver) as dataset:
            rasterio.shutil.copy(dataset, str(dst), driver=driver, **options)
        progress(1.0)
        return
    stopped: list[BaseException] = []

    def report(fraction, _message, _data):
        try:
            progress(min(max(float(fraction), 0.0), 1.0))
            return 1
        except BaseException as exc:  # noqa: BLE001  (KeyboardInterrupt too: GDAL stops, we re-raise)
            stopped.append(exc)
            return 0

    callback = _PROGRESS(report)  # kept referenced until GDAL returns
    allowed, _a = _strings([open_driver])
    opts, _o = _strings([f"{k.upper()}={v}" for k, v in options.items()])
    lib.CPLErrorReset()
    source = lib.GDALOpenEx(str(src).encode(), _OF_RASTER | _OF_VERBOSE_ERROR, allowed, None, None)
    if not source:
        raise RasterioError(_last_error(lib, f"{src.name}: cannot be opened"))
    try:
        target = lib.GDALCreateCopy(lib.GDALGetDriverByName(driver.encode()), str(dst).encode(), source, 0,
                                    opts, callback, None)
        if target:
            lib.GDALClose(target)
    finally:
        lib.GDALClose(source)
    if stopped:
        raise stopped[0]
    if not target:
        raise RasterioError(_last_error(lib, f"GDAL could not write {dst.name}"))


def _last_error(lib, default: str) -> str:
    message = lib.CPLGetLastErrorMsg()
    return message.decode("utf-8", "replace") if message else default


__all__ = ["copy", "has_progress"]
