"""Keep raster_zonal_stats up to date: compute what is missing or stale, and nothing else.

A feature needs computing for a raster when it touches the raster's footprint and has no row of
the raster's current version: migration 0010's triggers delete a feature's rows when its
boundary changes, and a replaced raster's rows are deleted here first (a figure of the old
pixels is never shown next to the new tiles). So one anti-join per raster and layer finds the
work, and running it often costs one indexed query when there is none.

Who runs it: `ntm-map raster stats` (all, at once), the demo load, and the web app's background
task (`start`): every `raster_stats_interval_s` (default 60 s) it computes at most
`raster_stats_batch` features in a worker thread (the next batch a second later while work
remains), so a growing area's figures are back within about a minute of its registration or
edit, and replacing a raster never stalls the server.

The write is guarded by the geometry it was computed from (an md5 of its EWKB read with it): if
the boundary changed while the pixels were being read, the row is not written, and the next run
computes the new boundary. Likewise a raster replaced meanwhile (version checked on write).
"""
from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import anyio
import rasterio.errors
import shapely
from sqlalchemy import bindparam, text

from layers.db.engines import atomic, connection
from layers.db.models.rasters import ZONAL_LAYERS
from layers.jobs.rasters.cache import Cache, code_digest, key_of
from layers.jobs.rasters.settings import raster_dir
from layers.jobs.rasters import zonal
from layers.jobs.rasters.zonal import zonal_stats

log = logging.getLogger("ntm_map")
CODE = (Path(zonal.__file__),)  # what a feature's figures depend on besides the raster and the boundary


@dataclass(frozen=True)
class Target:
    """A zonal layer: where its features are and how their key is written."""

    relation: str  # the current features of the layer
    key: str  # the key as text, as raster_zonal_stats.feature holds it
    match: str  # the one feature of :key, by its index


TARGETS = {
    "growing_areas": Target("growing_areas g", "g.id::text", "g.id = CAST(CAST(:key AS text) AS integer)"),
    "communes": Target("admin_units g", "g.code",
                       "g.code = CAST(:key AS text) AND g.level = 'commune' AND g.valid_to IS NULL"),
}
_CURRENT = {"growing_areas": "true", "communes": "g.level = 'commune' AND g.valid_to IS NULL"}

RASTERS = text("""
    SELECT id, name, kind, version, file, sha256 FROM rasters
    WHERE kind IN ('categorical', 'continuous') AND (:all OR name IN :names) ORDER BY name
""").bindparams(bindparam("names", expanding=True))

FORGET_OLD_VERSIONS = text("""
    DELETE FROM raster_zonal_stats s USING rasters r
    WHERE s.raster_id = r.id AND r.id = :raster AND s.raster_version <> r.version
""")


def _stale(layer: str) -> text:
    t = TARGETS[layer]
    return text(f"""
        SELECT {t.key} AS key, ST_AsBinary(g.geom) AS wkb, md5(ST_AsEWKB(g.geom)) AS fp
        FROM {t.relation} JOIN rasters r ON r.id = :raster
        WHERE {_CURRENT[layer]} AND g.geom && r.geom AND ST_Intersects(g.geom, r.geom)
          AND NOT EXISTS (SELECT 1 FROM raster_zonal_stats s WHERE s.raster_id = r.id
                          AND s.layer = :layer AND s.feature = {t.key} AND s.raster_version = r.version)
        ORDER BY 1 LIMIT :limit
    """)


def _write(layer: str) -> text:
    t = TARGETS[layer]
    return text(f"""
        INSERT INTO raster_zonal_stats (raster_id, layer, feature, raster_version, stats, computed_at)
        SELECT CAST(:raster AS integer), CAST(:layer AS text), CAST(:key AS text), CAST(:version AS integer),
               CAST(:stats AS jsonb), now()
        FROM {t.relation}
        WHERE {t.match} AND md5(ST_AsEWKB(g.geom)) = :fp
          AND EXISTS (SELECT 1 FROM rasters WHERE id = :raster AND version = :version)
        ON CONFLICT (raster_id, layer, feature) DO UPDATE
        SET raster_version = EXCLUDED.raster_version, stats = EXCLUDED.stats, computed_at = now()
    """)


def refresh(conn, settings, names: list[str] | None = None, layers=ZONAL_LAYERS, *,
            limit: int | None = None, log_line: Callable[[str], None] | None = None,
            on_error: Callable[[str, Exception], None] | None = None, cache: Cache | None = None) -> dict[str, int]:
    """Compute every missing or stale statistic of the named rasters (all by default) over
    `layers`; `limit` caps the features computed in this call (per raster and layer). Returns
    {"<raster>/<layer>": features written}. Each raster and layer is its own transaction.
    `on_error`: a raster that cannot be read (its file gone) is reported there and skipped, so
    one broken raster does not stop the others' figures (the web app); without it, it raises.
    `cache` (layers.jobs.rasters.cache, the demo load's): a feature's figures computed before over
    the same raster bytes (sha256) and the same boundary (its md5) are taken from it, not
    computed again, and those computed here are kept."""
    for layer in layers:
        if layer not in TARGETS:
            raise ValueError(f"unknown layer {layer!r}: statistics are kept for {', '.join(TARGETS)}")
    rows = conn.execute(RASTERS, {"all": not names, "names": list(names or [""])}).mappings().all()
    unknown = set(names or ()) - {r["name"] for r in rows}
    if unknown:
        raise ValueError(f"no categorical or continuous raster named {', '.join(sorted(unknown))}")
    done = {}
    for raster in rows:
        with atomic(conn):
            conn.execute(FORGET_OLD_VERSIONS, {"raster": raster["id"]})
        path = raster_dir(settings) / raster["file"]
        for layer in layers:
            try:
                written = _refresh_one(conn, settings, raster, path, layer, limit or 2**31 - 1, cache)
            except rasterio.errors.RasterioIOError as exc:
                if on_error is None:
                    raise
                on_error(raster["name"], exc)
                break
            done[f"{raster['name']}/{layer}"] = written
            if log_line and written:
                log_line(f"{raster['name']}: {written} {layer}")
    return done


def _refresh_one(conn, settings, raster, path, layer: str, limit: int, cache: Cache | None = None) -> int:
    with atomic(conn):
        stale = conn.execute(_stale(layer), {"raster": raster["id"], "layer": layer, "limit": limit}).all()
    if not stale:
        return 0
    fps = {key: fp for key, _, fp in stale}
    key = key_of("zonal", code_digest(*CODE), raster["sha256"], raster["kind"]) if cache is not None else None
    known = cache.stats(key) if cache is not None else {}
    kept = known.get(layer, {})
    found = {k: kept[k][1] for k, fp in fps.items() if k in kept and kept[k][0] == fp}
    todo = [(k, shapely.from_wkb(bytes(wkb))) for k, wkb, _ in stale if k not in found]
    computed = {} if not todo else dict(zonal_stats(path, raster["kind"], todo,
                                                    gdal_cache_mb=settings.raster_gdal_cache_mb))
    params = [{"raster": raster["id"], "layer": layer, "key": k, "version": raster["version"],
               "stats": json.dumps(found[k] if k in found else computed[k]), "fp": fp} for k, fp in fps.items()]
    with atomic(conn):
        conn.execute(_write(layer), params)
    if cache is not None and computed:
        known[layer] = {**kept, **{k: [fps[k], stats] for k, stats in computed.items()}}
        cache.keep_stats(key, known)
    return len(params)


# -- the web app's background task ------------------------------------------------------------

# One refresher per database: `ntm-map serve --workers 4` starts four apps, and only the one holding
# this session lock computes (the others skip the run); it goes with the connection.
REFRESH_LOCK = text("SELECT pg_try_advisory_lock(hashtext('ntm-map raster_zonal_stats refresh'))")


def _run_once(settings, url: str) -> dict[str, int]:
    with connection(url) as conn:
        if not conn.execute(REFRESH_LOCK).scalar_one():
            return {}
        return refresh(conn, settings, limit=settings.raster_stats_batch,
                       on_error=lambda name, exc: log.warning("raster %s: statistics not computed: %s", name, exc))


async def _once(settings, url: str) -> bool:
    """One run; True when a batch was full (more is waiting: a replaced raster's 20,000 areas)."""
    try:
        done = await anyio.to_thread.run_sync(_run_once, settings, url)
    except Exception as exc:  # a missing file or a database that is down must not stop the app
        log.warning("raster statistics were not refreshed: %s", exc)
        return False
    return max(done.values(), default=0) >= settings.raster_stats_batch


async def _loop(settings, url: str) -> None:
    more = False
    while True:  # a full batch is followed by the next after a breath, not after the interval
        await asyncio.sleep(1 if more else settings.raster_stats_interval_s)
        more = await _once(settings, url)


def start(settings, url: str) -> asyncio.Task | None:
    """Refresh every `raster_stats_interval_s` (0: never; the CLI does it); the first run waits
    one interval, so starting the app costs nothing."""
    if settings.raster_stats_interval_s <= 0:
        return None
    return asyncio.create_task(_loop(settings, url))
