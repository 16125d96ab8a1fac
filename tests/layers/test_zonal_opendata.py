"""The commune indicators of open data carry the zonal statistics: mean elevation and slope,
suitable hectares per crop, and every public raster's figures as JSON (current versions only)."""
from __future__ import annotations

import json

import numpy as np
import psycopg
import pytest

from layers.db.engines import connection
from layers.jobs.opendata.indicators import DERIVED, RASTER_FIELDS, commune_statement
from layers.jobs.rasters.suitability import LEGEND
from layers.jobs.rasters.zonal_refresh import refresh
from tests.layers.zonal_rasters import register, split_array, utm_bounds


def test_commune_indicators_hold_the_raster_figures(demo_db, settings, tmp_path):
    settings = settings.model_copy(update={"raster_dir": tmp_path})
    with psycopg.connect(demo_db) as conn:
        area_id, commune = conn.execute(
            "SELECT id, commune_code FROM growing_areas ORDER BY area_ha DESC LIMIT 1").fetchone()
    bounds = utm_bounds(demo_db, "SELECT geom FROM growing_areas WHERE id = %s", area_id)
    classes, transform = split_array(bounds, 10, 1, 3)  # suitable west, not suitable east
    register(demo_db, settings, "suitability_tea", classes, transform, kind="categorical", legend=LEGEND)
    register(demo_db, settings, "elevation", np.full(classes.shape, 321.5, dtype="float32"), transform,
             kind="continuous", units="m", nodata=-9999)
    with connection(demo_db) as conn:
        refresh(conn, settings, layers=["communes"])
        rows = {r.commune_code: r._mapping for r in conn.execute(commune_statement(settings))}
        stats = dict(conn.exec_driver_sql(
            "SELECT r.name, s.stats FROM raster_zonal_stats s JOIN rasters r ON r.id = s.raster_id "
            "WHERE s.layer = 'communes' AND s.feature = %s", (commune,)).all())
    row = rows[commune]
    suitable = next(c["ha"] for c in stats["suitability_tea"]["classes"] if c["value"] == 1)
    assert row["suitable_ha_tea"] == pytest.approx(suitable) and suitable > 0
    assert row["suitable_ha_rice"] is None  # no suitability_rice raster: unknown, not zero
    assert row["mean_elevation_m"] == pytest.approx(321.5) and row["mean_slope_deg"] is None
    assert json.loads(row["raster_statistics"]) == stats
    others = [r for code, r in rows.items() if code != commune and r["raster_statistics"] is None]
    assert others, "communes the rasters do not reach have no figures"
    dataset = next(d for d in DERIVED if d.id == "commune_indicators")
    assert dataset.field_names[-len(RASTER_FIELDS):] == tuple(f.name for f in RASTER_FIELDS)
    assert "rasters" in dataset.source_tables
