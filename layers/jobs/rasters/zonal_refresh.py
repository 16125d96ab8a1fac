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
from dataclasses import dataclass, field
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
from layers.jobs.rasters.zonal import same_grid, zonal_stats, zonal_stats_many

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
    for raster in rows:
        with atomic(conn):
            conn.execute(FORGET_OLD_VERSIONS, {"raster": raster["id"]})
    done, broken = {}, set()

    def failed(work: _Work, exc: Exception) -> None:
        if on_error is None:
            raise exc
        on_error(work.raster["name"], exc)
        broken.add(work.raster["name"])  # and not tried again for the next layer

    for layer in layers:
        works = []
        for raster in rows:
            if raster["name"] not in broken:
                work = _plan(conn, settings, raster, layer, limit or 2**31 - 1, cache)
                done[f"{raster['name']}/{layer}"] = 0
                if work is not None:
                    works.append(work)
        for work in _compute(works, settings, failed):
            written = _finish(conn, work, cache)
            done[f"{work.raster['name']}/{layer}"] = written
            if log_line and written:
                log_line(f"{work.raster['name']}: {written} {layer}")
    return {k: v for k, v in done.items() if k.split("/")[0] not in broken}


@dataclass
class _Work:
    """One raster's missing figures over one layer."""
    raster: dict
    path: Path
    layer: str
    fps: dict  # feature → md5 of the boundary read
    found: dict  # feature → figures taken from the cache
    todo: list  # (feature, WGS84 polygon) to compute
    key: str | None  # the cache's, of the raster's bytes
    known: dict  # what the cache holds under `key`
    computed: dict = field(default_factory=dict)


def _plan(conn, settings, raster, layer: str, limit: int, cache: Cache | None) -> _Work | None:
    with atomic(conn):
        stale = conn.execute(_stale(layer), {"raster": raster["id"], "layer": layer, "limit": limit}).all()
    if not stale:
        return None
    fps = {key: fp for key, _, fp in stale}
    key = key_of("zonal", code_digest(*CODE), raster["sha256"], raster["kind"]) if cache is not None else None
    known = cache.stats(key) if cache is not None else {}
    kept = known.get(layer, {})
    found = {k: kept[k][1] for k, fp in fps.items() if k in kept and kept[k][0] == fp}
    todo = [(k, shapely.from_wkb(bytes(wkb))) for k, wkb, _ in stale if k not in found]
    return _Work(raster, raster_dir(settings) / raster["file"], layer, fps, found, todo, key, known)


def _compute(works: list[_Work], settings, failed) -> list[_Work]:
    """Compute each work's `todo`; rasters of one kind and one grid with the same features to
    compute go to exactextract together (each polygon's pixel coverage found once for all:
    the demo's statistics 35 % faster), the others one by one. A raster that cannot be read
    goes to `failed` and is left out."""
    groups: dict[tuple, list[_Work]] = {}
    for work in works:
        if work.todo:
            groups.setdefault((work.raster["kind"], tuple((k, work.fps[k]) for k, _ in work.todo)), []).append(work)
    out = [w for w in works if not w.todo]
    cache_mb = settings.raster_gdal_cache_mb
    for (kind, _), group in groups.items():
        try:
            together = len(group) > 1 and same_grid([w.path for w in group])
        except rasterio.errors.RasterioIOError:
            together = False  # each alone: the one that cannot be read is named
        if together:
            for k, stats in zonal_stats_many([w.path for w in group], kind, group[0].todo, gdal_cache_mb=cache_mb):
                for work, one in zip(group, stats):
                    work.computed[k] = one
            out.extend(group)
            continue
        for work in group:
            try:
                work.computed = dict(zonal_stats(work.path, kind, work.todo, gdal_cache_mb=cache_mb))
            except rasterio.errors.RasterioIOError as exc:
                failed(work, exc)
                continue
            out.append(work)
    return sorted(out, key=lambda w: w.raster["name"])


def _finish(conn, work: _Work, cache: Cache | None) -> int:
    """Write a work's figures, guarded by the boundary and raster version they were computed
    from; keep those computed in the cache."""
    raster, layer = work.raster, work.layer
    params = [{"raster": raster["id"], "layer": layer, "key": k, "version": raster["version"],
               "stats": json.dumps(work.found[k] if k in work.found else work.computed[k]), "fp": fp}
              for k, fp in work.fps.items()]
    with atomic(conn):
        conn.execute(_write(layer), params)
    if cache is not None and work.computed:
        work.known[layer] = {**work.known.get(layer, {}),
                             **{k: [work.fps[k], stats] for k, stats in work.computed.items()}}
        cache.keep_stats(work.key, work.known)
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
