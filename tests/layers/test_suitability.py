"""Suitability rasters from rules (layers.jobs.rasters.suitability): the stored COG's pixels are
the rule applied to the inputs' pixels, computed here independently; per commune suitable
hectares follow; a bad rules file is refused with what to fix."""
from __future__ import annotations

import json

import numpy as np
import psycopg
import pytest
import rasterio

from layers.db.engines import connection
from layers.jobs.rasters.suitability import RulesProblem, make_suitability, read_rules
from tests.layers.zonal_rasters import register, split_array, utm_bounds

RULES = {"crops": {"tea": {"criteria": [
    {"raster": "slope", "suitable": [3, 25], "marginal": [0, 35]},
    {"raster": "landcover", "suitable_classes": [2], "marginal_classes": [1]},
]}}}


@pytest.fixture
def inputs(demo_db, settings, tmp_path):
    settings = settings.model_copy(update={"raster_dir": tmp_path / "rasters"})
    with psycopg.connect(demo_db) as conn:
        area_id = conn.execute("SELECT id FROM growing_areas ORDER BY area_ha DESC LIMIT 1").fetchone()[0]
    bounds = utm_bounds(demo_db, "SELECT geom FROM growing_areas WHERE id = %s", area_id)
    landcover, transform = split_array(bounds, 10, 1, 2)  # west rice (marginal), east tea (suitable)
    slope = np.tile(np.linspace(0, 40, landcover.shape[0], dtype="float32")[:, None], (1, landcover.shape[1]))
    slope[0, 0] = -9999  # nodata
    register(demo_db, settings, "landcover", landcover, transform, kind="categorical",
             legend={"classes": [{"value": 1, "colour": "#ffff00", "label_vi": "Lúa", "label_en": "rice"},
                                 {"value": 2, "colour": "#00aa00", "label_vi": "Chè", "label_en": "tea"}]})
    register(demo_db, settings, "slope", slope, transform, kind="continuous", nodata=-9999, units="°")
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps(RULES))
    return demo_db, settings, rules, landcover, slope


def expected(landcover, slope):
    s = np.where((slope >= 3) & (slope <= 25), 1, np.where((slope >= 0) & (slope <= 35), 2, 3))
    c = np.where(landcover == 2, 1, np.where(landcover == 1, 2, 3))
    out = np.maximum(s, c)
    out[slope == -9999] = 0
    return out


def test_the_suitability_raster_is_the_rule_applied_pixel_by_pixel(inputs):
    url, settings, rules, landcover, slope = inputs
    with connection(url) as conn:
        done = make_suitability(conn, settings, rules_path=rules, log=lambda m: None)
    assert done == {"tea": {"raster": "suitability_tea", "version": 1}}
    with psycopg.connect(url) as conn:
        file, kind, legend = conn.execute("SELECT file, kind, legend FROM rasters WHERE name = 'suitability_tea'").fetchone()
        suitable_ha = conn.execute("""SELECT sum((c->>'ha')::float) FROM raster_zonal_stats s
            JOIN rasters r ON r.id = s.raster_id, jsonb_array_elements(s.stats->'classes') c
            WHERE r.name = 'suitability_tea' AND s.layer = 'communes' AND (c->>'value')::int = 1""").fetchone()[0]
    assert kind == "categorical" and [c["label_en"] for c in legend["classes"]] == ["suitable", "marginal", "not suitable"]
    with rasterio.open(settings.raster_dir / file) as src:
        got = src.read(1)
    want = expected(landcover, slope)
    assert got.shape == want.shape
    assert (got == want).all()
    assert set(np.unique(want)) == {0, 1, 2, 3}  # every class occurs: the comparison discriminates
    # the communes' suitable hectares: the suitable pixels' area (10 m pixels, all inside the demo's communes)
    assert suitable_ha == pytest.approx((want == 1).sum() * 100 / 1e4, rel=0.02)
    with connection(url) as conn:  # run again: a new version of the same raster
        assert make_suitability(conn, settings, ["tea"], rules, log=lambda m: None)["tea"]["version"] == 2


@pytest.mark.parametrize(("rules", "message"), [
    ("not json", "not a readable JSON rules file"),
    ({"crops": {}}, 'expected {"crops"'),
    ({"crops": {"tea": {"criteria": [{"raster": "slope", "suitable": [25, 3], "marginal": [0, 35]}]}}},
     "suitable must be \\[low, high\\]"),
    ({"crops": {"tea": {"criteria": [{"raster": "landcover", "suitable_classes": ["tea"]}]}}},
     "suitable_classes must be a list of class values"),
])
def test_bad_rules_are_refused_with_what_to_fix(tmp_path, rules, message):
    path = tmp_path / "rules.json"
    path.write_text(rules if isinstance(rules, str) else json.dumps(rules))
    with pytest.raises(RulesProblem, match=message):
        read_rules(path)


def test_rules_over_a_missing_raster_or_crop_are_refused(inputs):
    url, settings, rules, *_ = inputs
    with connection(url) as conn:
        with pytest.raises(RulesProblem, match="no rule for coffee"):
            make_suitability(conn, settings, ["coffee"], rules)
        with pytest.raises(RulesProblem, match="raster 'elevation', which is not registered"):
            make_suitability(conn, settings, None, None)  # the default rules also use elevation


def test_the_default_rules_are_valid():
    assert {"tea", "rice"} <= set(read_rules()["crops"])


def test_after_the_demo_load_statistics_are_computed_even_without_suitability_inputs(inputs):
    from layers.jobs.rasters.suitability import after_demo

    url, settings, *_ = inputs
    said = []
    with connection(url) as conn:
        after_demo(conn, settings, log=said.append)
    assert said[0].startswith("no suitability rasters: the rules use raster 'elevation'")
    assert said[1].startswith("zonal statistics: ") and not said[1].startswith("zonal statistics: 0 ")
