"""A content-addressed cache of made rasters and of their zonal statistics (issue 13 item 6).

The demo's rasters, its suitability rasters and their statistics are pure functions of their
inputs: the demo's vectors and seed, the input rasters' bytes and the rules, a raster's bytes
and a feature's boundary, and of the code and libraries that compute them. Computed once, they
are kept under `raster_cache_dir(settings)` by a key that digests all of that, so a database
loaded again on the same machine (`make run` after `load demo --replace`, a deleted database)
gets them in seconds instead of half a minute. Nothing else ever reads this folder; deleting it
costs only the time to compute again.

What guards it: a key names everything the result depends on (`code_digest`: the source of the
modules that make it plus the versions of numpy, GDAL, PROJ, shapely and exactextract; the
caller adds its inputs); a COG is linked (or copied) into the registry's folder and its sha256
checked again there against the one recorded with it (layers.jobs.rasters.store, `ready=`), so a
damaged copy is never registered; a feature's statistics are reused only for the boundary they
were computed from (the md5 of its EWKB, as raster_zonal_stats' writes check).

Layout: <root>/<kind>/<key>/ holding the COGs and manifest.json ({name: {"cog": Converted,
"options": add_raster keywords}}); <root>/zonal/<key>.json. Entries are written under a
temporary name and renamed into place (two processes may both compute; one entry stays). The
newest `KEEP` entries of each kind are kept.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
from datetime import date
from functools import lru_cache
from pathlib import Path

import shapely

from layers.jobs.rasters.cog import Converted

KEEP = {"demo": 2, "suitability": 6, "zonal": 32}


@lru_cache(maxsize=None)
def code_digest(*paths: Path) -> str:
    """The source of the modules that make a result, and the libraries' versions that could
    change its bytes."""
    import exactextract
    import numpy
    import pyproj
    import rasterio

    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    versions = (numpy.__version__, rasterio.__version__, rasterio.__gdal_version__, pyproj.__version__,
                pyproj.proj_version_str, shapely.__version__, shapely.geos_version_string,
                getattr(exactextract, "__version__", "?"))
    h.update(repr(versions).encode())
    return h.hexdigest()


def key_of(*parts) -> str:
    """A key from JSON-able parts (dates as ISO text)."""
    text = json.dumps(parts, sort_keys=True, default=_jsonable, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _jsonable(value):
    if isinstance(value, date):
        return {"date": value.isoformat()}
    raise TypeError(f"{type(value).__name__} is not JSON")


def _dated(obj: dict):
    return date.fromisoformat(obj["date"]) if set(obj) == {"date"} else obj


def converted_json(out: Converted) -> dict:
    d = dataclasses.asdict(dataclasses.replace(out, outline=None))
    d["outline"] = shapely.to_wkb(out.outline, hex=True)
    return d


def converted_from(d: dict) -> Converted:
    return Converted(**{**d, "outline": shapely.from_wkb(d["outline"])})


def link_or_copy(src: Path, dst: Path) -> None:
    """`dst` as a hard link of `src` (no bytes copied; both names stay valid when the other is
    deleted), or a copy when the two folders are on different file systems."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


class Cache:
    """The cache folder; every method tolerates a missing, partial or foreign entry (a miss)."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def cogs(self, kind: str, key: str) -> dict[str, tuple[Path, Converted, dict]] | None:
        """{name: (COG path, its Converted, its add_raster keywords)} of an entry, or None."""
        entry = self.root / kind / key
        try:
            manifest = json.loads((entry / "manifest.json").read_text(encoding="utf-8"), object_hook=_dated)
            found = {name: (entry / f"{name}.tif", converted_from(m["cog"]), m["options"])
                     for name, m in manifest.items()}
        except (OSError, ValueError, KeyError, TypeError, shapely.errors.ShapelyError):
            return None
        if not all(path.is_file() and path.stat().st_size == cog.bytes for path, cog, _ in found.values()):
            return None
        os.utime(entry)  # the newest are kept
        return found

    def keep_cogs(self, kind: str, key: str, made: dict[str, tuple[Path, Converted, dict]]) -> None:
        """Keep {name: (registered COG, its Converted, its add_raster keywords)} under `key`."""
        manifest = {name: {"cog": converted_json(cog), "options": {k: v for k, v in options.items() if k != "replace"}}
                    for name, (_, cog, options) in made.items()}
        tmp = None
        try:
            (self.root / kind).mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(dir=self.root / kind, prefix=".new-"))
            for name, (path, _, _) in made.items():
                link_or_copy(path, tmp / f"{name}.tif")
            (tmp / "manifest.json").write_text(json.dumps(manifest, default=_jsonable, ensure_ascii=False),
                                               encoding="utf-8")
            self.forget(kind, key)
            os.rename(tmp, self.root / kind / key)
        except OSError:  # a cache that cannot be written only means computing again next time
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)
            return
        self._prune(kind)

    def forget(self, kind: str, key: str) -> None:
        shutil.rmtree(self.root / kind / key, ignore_errors=True)
        (self.root / kind / f"{key}.json").unlink(missing_ok=True)

    def stats(self, key: str) -> dict:
        """{layer: {feature: [boundary md5, statistics]}} kept under `key`, or {}."""
        path = self.root / "zonal" / f"{key}.json"
        try:
            found = json.loads(path.read_text(encoding="utf-8"))
            os.utime(path)
        except (OSError, ValueError):
            return {}
        return found if isinstance(found, dict) else {}

    def keep_stats(self, key: str, stats: dict) -> None:
        folder = self.root / "zonal"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", dir=folder, prefix=".new-", suffix=".json", delete=False,
                                             encoding="utf-8") as f:
                json.dump(stats, f)
            os.replace(f.name, folder / f"{key}.json")
        except OSError:
            return
        self._prune("zonal")

    def _prune(self, kind: str) -> None:
        folder = self.root / kind
        entries = sorted((p for p in folder.iterdir() if not p.name.startswith(".")),
                         key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP[kind]:]:
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)
