"""GDAL's process-wide configuration while it reads a file nobody vouched for.

No network (/vsicurl/ allows one name that does not exist; HTTP goes through a closed local
port, fails at once and is not retried: a host listed in the no_proxy environment variable would
bypass that proxy, which is why geo.vector_sniff refuses what would fetch in the first place), no
SQL functions or virtual tables reaching other files, no external KML styles, no GML schema
downloads, no directory listings beyond what a driver asks for.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager

import pyogrio

UNTRUSTED_GDAL_CONFIG = {
    "CPL_VSIL_CURL_ALLOWED_FILENAME": "/ntm-map/no-network",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".ntm-map-no-network",
    "GDAL_HTTP_PROXY": "127.0.0.1:1",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "GDAL_ALLOW_REMOTE_RESOURCE_TO_ACCESS_LOCAL_FILE": "NO",
    "OGR_SQLITE_ALLOW_EXTERNAL_ACCESS": "NO",
    "OGR_SQLITE_LIST_VIRTUAL_OGR": "NO",
    "OGR_SQLITE_LOAD_EXTENSIONS": "",
    "LIBKML_RESOLVE_STYLE": "NO",
    "LIBKML_EXTERNAL_STYLE": "NO",
    "GML_DOWNLOAD_SCHEMA": "NO",
    "GML_SKIP_RESOLVE_ELEMS": "ALL",
    "GDAL_VRT_ENABLE_PYTHON": "NO",
    "GDAL_VRT_ENABLE_RAWRASTERBAND": "NO",
}
_config_lock = threading.Lock()
_config_users = 0
_config_saved: dict = {}


@contextmanager
def untrusted_reads(trusted: bool = False):
    """UNTRUSTED_GDAL_CONFIG for as long as any thread reads an untrusted file.

    GDAL's configuration is process-wide, so the first reader sets it and the last one restores
    it; a trusted read running meanwhile is restricted too, never the other way round.
    """
    global _config_users, _config_saved
    if trusted:
        yield
        return
    with _config_lock:
        if _config_users == 0:
            _config_saved = {k: pyogrio.get_gdal_config_option(k) for k in UNTRUSTED_GDAL_CONFIG}
            pyogrio.set_gdal_config_options(UNTRUSTED_GDAL_CONFIG)
        _config_users += 1
    try:
        yield
    finally:
        with _config_lock:
            _config_users -= 1
            if _config_users == 0:
                pyogrio.set_gdal_config_options(_config_saved)
