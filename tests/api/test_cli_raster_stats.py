"""`ntm-map raster stats` and `ntm-map raster suitability` against a real database."""
from __future__ import annotations

import json

import psycopg
from click.testing import CliRunner

from api.cli import main
from tests.layers.zonal_rasters import LANDCOVER_LEGEND, register, split_array, utm_bounds


def run(args, url, raster_dir):
    return CliRunner().invoke(main, args, env={"DATABASE_URL": url, "NTM_RASTER_DIR": str(raster_dir)})


def test_stats_then_nothing_left_then_refusals(demo_db, settings, tmp_path):
    settings = settings.model_copy(update={"raster_dir": tmp_path})
    with psycopg.connect(demo_db) as conn:
        area_id = conn.execute("SELECT id FROM growing_areas ORDER BY area_ha DESC LIMIT 1").fetchone()[0]
    array, transform = split_array(utm_bounds(demo_db, "SELECT geom FROM growing_areas WHERE id = %s", area_id), 10, 1, 2)
    register(demo_db, settings, "landcover_t", array, transform, kind="categorical", legend=LANDCOVER_LEGEND)
    r = run(["raster", "stats", "--layer", "growing_areas"], demo_db, tmp_path)
    assert r.exit_code == 0, r.output
    assert "landcover_t: " in r.output and "statistics computed over 1 raster × layer pairs" in r.output
    r = run(["raster", "stats", "landcover_t"], demo_db, tmp_path)
    assert r.exit_code == 0 and "landcover_t: " in r.output and " communes" in r.output  # the communes were left
    r = run(["raster", "stats"], demo_db, tmp_path)
    assert r.exit_code == 0 and "(all were up to date)" in r.output
    r = run(["raster", "stats", "nope"], demo_db, tmp_path)
    assert r.exit_code == 1 and "no categorical or continuous raster named nope" in r.output
    r = run(["raster", "stats", "--layer", "villages"], demo_db, tmp_path)
    assert r.exit_code == 2 and "villages" in r.output


def test_suitability_refusals_are_one_line(demo_db, tmp_path):
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"crops": {"tea": {"criteria": [{"raster": "slope", "suitable": [3, 25],
                                                                  "marginal": [0, 35]}]}}}))
    r = run(["raster", "suitability", "--rules", str(rules)], demo_db, tmp_path)
    assert r.exit_code == 1
    assert "the rules use raster 'slope', which is not registered" in r.output and "nothing was stored" in r.output
    rules.write_text("{")
    r = run(["raster", "suitability", "--rules", str(rules)], demo_db, tmp_path)
    assert r.exit_code == 1 and "not a readable JSON rules file" in r.output
