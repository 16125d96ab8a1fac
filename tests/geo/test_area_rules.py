"""Growing-area rules decided by one record alone: repair, CRS sanity, size, area, fields."""
from __future__ import annotations

import math

import shapely
from shapely.geometry import Polygon, box

from geo.area_rules import Limits, check_attributes, check_geometry, check_minimum, geodesic_area_ha

LIMITS = Limits()


def square(lon=105.0, lat=19.0, side=0.01):
    return box(lon, lat, lon + side, lat + side)


def test_area_is_ellipsoidal_hectares():
    # 0.01° × 0.01° at 19°N: 1,113 m × 1,052 m ≈ 117 ha (a planar-degree area would be 0.0001).
    ha = geodesic_area_ha(square())
    assert 115 < ha < 119
    # Orientation (clockwise ring) does not make it negative.
    assert abs(geodesic_area_ha(square().reverse()) - ha) < 1e-6


def test_valid_polygon_passes_untouched():
    out = check_geometry(square(), LIMITS)
    assert out.problems == [] and out.repaired is None
    assert out.geom.geom_type == "MultiPolygon" and out.geom.equals(shapely.MultiPolygon([square()]))


def test_bow_tie_is_repaired_into_two_triangles():
    bow = Polygon([(105, 19), (105.01, 19.01), (105.01, 19), (105, 19.01), (105, 19)])
    out = check_geometry(bow, LIMITS)
    assert out.problems == []
    assert out.repaired.startswith("repaired: Self-intersection")
    assert out.geom.is_valid and len(out.geom.geoms) == 2
    assert 55 < out.area_ha < 62  # half the square


def test_metres_sent_as_lon_lat_are_wrong_crs():
    vn2000 = box(560000, 2100000, 560500, 2100500)
    [p] = check_geometry(vn2000, LIMITS).problems
    assert p.rule == "wrong_crs" and "Content-Crs" in p.message


def test_huge_polygons_are_refused():
    [p] = check_geometry(square(side=1.0), LIMITS).problems  # ~11,700 ha
    assert p.rule == "too_large" and "5,000 ha" in p.message and p.where["type"] == "Polygon"
    many = Polygon([(105 + 0.01 * math.cos(t / 500), 19 + 0.01 * math.sin(t / 500))
                    for t in range(30_000)])
    [p] = check_geometry(many, LIMITS).problems
    assert p.rule == "too_large" and "vertices" in p.message


def test_not_a_polygon():
    [p] = check_geometry(shapely.Point(105, 19), LIMITS).problems
    assert p.rule == "geometry_invalid" and "Point" in p.message
    [p] = check_geometry(None, LIMITS).problems
    assert p.rule == "geometry_invalid"


def test_circular_18_fields():
    assert check_attributes({"name": "Vùng cam", "crop": "orange", "commune_code": "17005"}) == []
    rules = sorted((p.rule, p.message.split()[0]) for p in check_attributes({"name": " ", "crop": "durian"}))
    assert rules == [("missing_attribute", "address"), ("missing_attribute", "name"), ("unknown_crop", "unknown")]


def test_minimum_area_per_crop_is_configurable():
    assert check_minimum("rice", 4.0, LIMITS)[0].rule == "too_small"  # rice: 5 ha by default
    assert check_minimum("rice", 4.0, Limits(min_area_ha={"rice": 3.0})) == []
    assert check_minimum("vegetables", 0.6, LIMITS) == []
