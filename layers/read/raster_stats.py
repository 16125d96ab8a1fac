"""Reads of the zonal statistics (issue 13) for the web app: one feature's figures from every
public raster (popups, item pages), one raster's figures over a layer (tables, CSV), and the
suitability of a boundary being registered (a staff warning).

Only what the public may see: public rasters, current communes, growing areas of a public
status (layers.read.registry's filter). A row of an older raster version is never returned
(it is about to be recomputed); a raster that touches the feature but has no current row yet is
listed as `pending`, so a page can say "being computed" instead of nothing.
"""
from __future__ import annotations

from pathlib import Path

import anyio
import shapely
from sqlalchemy import bindparam, text

from layers.jobs.rasters.settings import raster_dir
from layers.jobs.rasters.zonal import zonal_stats
from layers.read.registry import BY_ID

LAYERS = ("communes", "growing_areas")
PUBLIC_STATUSES = list(BY_ID["growing_areas"].public_filter["status"])

# The feature key (as raster_zonal_stats.feature holds it) of a public item id, and its geometry.
_FEATURE = {
    "communes": "SELECT code AS key, geom FROM communes WHERE id = :id",
    "growing_areas": "SELECT id::text AS key, geom FROM growing_areas WHERE id = :id AND status IN :public",
}
_RASTER_COLUMNS = "r.name, r.kind, r.title_vi, r.title_en, r.units, r.legend, r.version"


def _feature_query(layer: str) -> text:
    query = text(f"""
        WITH f AS ({_FEATURE[layer]})
        SELECT f.key, {_RASTER_COLUMNS}, s.stats, s.computed_at
        FROM f JOIN rasters r ON r.public AND r.kind IN ('categorical', 'continuous') AND r.geom && f.geom
             AND ST_Intersects(r.geom, f.geom)
        LEFT JOIN raster_zonal_stats s ON s.raster_id = r.id AND s.layer = :layer AND s.feature = f.key
             AND s.raster_version = r.version
        UNION ALL SELECT f.key, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM f
        ORDER BY 2 NULLS LAST
    """)
    return query.bindparams(bindparam("public", expanding=True)) if layer == "growing_areas" else query


async def feature_stats(engine, layer: str, feature_id: int) -> dict | None:
    """{"key", "rasters": [{name, kind, titles, units, legend, stats}], "pending": [names]} of a
    public feature, or None when there is no such public feature."""
    params = {"id": feature_id, "layer": layer}
    if layer == "growing_areas":
        params["public"] = PUBLIC_STATUSES
    query = _feature_query(layer)
    async with engine.connect() as conn:
        rows = (await conn.execute(query, params)).mappings().all()
    if not rows:
        return None
    found = {"key": rows[0]["key"], "rasters": [], "pending": []}
    for row in rows:
        if row["name"] is None:
            continue
        if row["stats"] is None:
            found["pending"].append(row["name"])
        else:
            found["rasters"].append({k: row[k] for k in ("name", "kind", "title_vi", "title_en", "units", "legend",
                                                        "version", "stats", "computed_at")})
    return found


_LISTING = {
    "communes": ("JOIN communes f ON f.code = s.feature",
                 "f.id, f.code, f.name_vi AS name, f.name_en"),
    "growing_areas": ("JOIN growing_areas f ON f.id::text = s.feature AND f.status IN :public",
                      "f.id, f.code, f.name AS name, NULL AS name_en"),
}


async def raster_statistics(engine, name: str, layer: str, limit: int, offset: int) -> dict | None:
    """One public raster's figures over `layer`, by feature code, paged; None if no such raster."""
    join, columns = _LISTING[layer]
    query = text(f"""
        WITH r AS (SELECT id, {_RASTER_COLUMNS.replace('r.', '')} FROM rasters
                   WHERE name = :name AND public AND kind IN ('categorical', 'continuous'))
        SELECT (SELECT row_to_json(r) FROM r) AS raster,
               (SELECT count(*) FROM raster_zonal_stats s JOIN r ON r.id = s.raster_id AND r.version = s.raster_version
                {join} WHERE s.layer = :layer) AS total,
               (SELECT coalesce(json_agg(x), '[]') FROM (
                    SELECT {columns}, s.stats FROM raster_zonal_stats s
                    JOIN r ON r.id = s.raster_id AND r.version = s.raster_version
                    {join} WHERE s.layer = :layer ORDER BY f.code NULLS LAST, f.id LIMIT :limit OFFSET :offset) x)
               AS rows
    """)
    params = {"name": name, "layer": layer, "limit": limit, "offset": offset}
    if layer == "growing_areas":
        query = query.bindparams(bindparam("public", expanding=True))
        params["public"] = PUBLIC_STATUSES
    async with engine.connect() as conn:
        row = (await conn.execute(query, params)).mappings().one()
    if row["raster"] is None:
        return None
    return {"raster": row["raster"], "total": row["total"], "rows": row["rows"]}


_SUITABILITY = text("""
    SELECT r.file, r.version FROM rasters r
    WHERE r.name = :name AND r.kind = 'categorical' AND r.geom && ST_GeomFromGeoJSON(:geojson)
""")
_SUITABILITY_FILE = text("SELECT file FROM rasters WHERE name = :name AND kind = 'categorical'")


async def suitability_many(engine, settings, crop: str, features: list[tuple[object, object]]) -> dict:
    """{key: statistics} of many WGS84 shapely boundaries of one crop (a file upload), read in one
    worker thread; empty when the crop has no suitability raster; keys off the raster are left out."""
    async with engine.connect() as conn:
        row = (await conn.execute(_SUITABILITY_FILE, {"name": f"suitability_{crop}"})).first()
    if row is None or not features:
        return {}
    path: Path = raster_dir(settings) / row.file

    def compute():
        return {k: s for k, s in zonal_stats(path, "categorical", features, gdal_cache_mb=settings.raster_gdal_cache_mb)
                if s["area_ha"] > 0}

    return await anyio.to_thread.run_sync(compute)


async def suitability_of(engine, settings, crop: str, geojson: str) -> dict | None:
    """The suitability statistics of a WGS84 boundary for `crop` (raster suitability_<crop>), or
    None when there is no such raster or it does not reach the boundary. The pixels are read in
    a worker thread, so a large area never blocks the event loop."""
    async with engine.connect() as conn:
        row = (await conn.execute(_SUITABILITY, {"name": f"suitability_{crop}", "geojson": geojson})).first()
    if row is None:
        return None
    path: Path = raster_dir(settings) / row.file
    geom = shapely.from_geojson(geojson)

    def compute():
        return next(zonal_stats(path, "categorical", [("new", geom)], gdal_cache_mb=settings.raster_gdal_cache_mb))[1]

    stats = await anyio.to_thread.run_sync(compute)
    return stats if stats["area_ha"] > 0 else None
