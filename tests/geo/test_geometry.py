"""Geometry repair for loading: fixed when possible and said so, rejected with a reason otherwise."""
from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely import GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon

from geo.geometry import OK, REJECTED, REPAIRED, family, outside_world, repair

SQUARE = Polygon([(0, 0), (2, 0), (2, 2), (0, 2)])
BOW_TIE = Polygon([(0, 0), (2, 2), (2, 0), (0, 2), (0, 0)])
FLAT = Polygon([(0, 0), (1, 0), (2, 0), (0, 0)])


def one(geom, target):
    r = repair(np.array([geom], dtype=object), target)
    return r.geoms[0], r.status[0], r.reasons[0]


@pytest.mark.parametrize("text, expected", [
    ("Point", "Point"), ("MultiPolygon", "Polygon"), ("LineString Z", "LineString"),
    ("MultiLineString Z", "LineString"), ("3D MultiPolygon", "Polygon"), ("Unknown", "Unknown"),
])
def test_family(text, expected):
    assert family(text) == expected


def test_valid_polygons_become_multipolygons_untouched():
    geom, status, why = one(SQUARE, "Polygon")
    assert status == OK and why is None
    assert geom.geom_type == "MultiPolygon" and geom.equals(MultiPolygon([SQUARE]))


def test_a_bow_tie_is_repaired_into_its_two_triangles():
    geom, status, why = one(BOW_TIE, "Polygon")
    assert status == REPAIRED and why.startswith("repaired: Self-intersection[1 1]")
    assert geom.is_valid and len(geom.geoms) == 2 and geom.area == pytest.approx(2.0)


def test_a_hole_crossing_its_shell_is_cut_out():
    holed = Polygon([(0, 0), (2, 0), (2, 2), (0, 2)], [[(1, 1), (3, 1), (3, 3), (1, 3)]])
    geom, status, _ = one(holed, "Polygon")
    assert status == REPAIRED and geom.is_valid and geom.area == pytest.approx(3.0)


def test_a_ring_without_area_cannot_be_repaired():
    geom, status, why = one(FLAT, "Polygon")
    assert geom is None and status == REJECTED
    assert why.startswith("invalid geometry that cannot be repaired (") and why.endswith("nothing is left")


@pytest.mark.parametrize("geom, reason", [
    (None, "no geometry"),
    (Polygon(), "no geometry"),
    (Point(float("nan"), 1), "coordinates are not finite numbers"),
    (Point(float("inf"), 1), "coordinates are not finite numbers"),
])
def test_missing_or_broken_coordinates(geom, reason):
    assert one(geom, "Point")[1:] == (REJECTED, reason)


def test_points():
    assert one(Point(1, 2, 3), "Point")[0].equals(Point(1, 2))
    assert not one(Point(1, 2, 3), "Point")[0].has_z
    assert one(MultiPoint([(1, 2)]), "Point")[:2] == (Point(1, 2), OK)
    assert one(MultiPoint([(1, 2), (3, 4)]), "Point")[1:] == (
        REJECTED, "a MultiPoint with several points cannot go in a Point layer")
    assert one(LineString([(0, 0), (1, 1)]), "Point")[1:] == (REJECTED, "a LineString cannot go in a Point layer")


def test_lines():
    geom, status, _ = one(LineString([(0, 0), (1, 1)]), "LineString")
    assert status == OK and geom.equals(MultiLineString([[(0, 0), (1, 1)]]))
    assert one(SQUARE, "LineString")[1:] == (REJECTED, "a Polygon cannot go in a LineString layer")
    # A line of one repeated point repairs into a point, which is not a line.
    geom, status, why = one(LineString([(0, 0), (0, 0)]), "LineString")
    assert status == REJECTED and "a Point cannot go in a LineString layer" in why


def test_parts_of_another_kind_are_dropped_and_said_so():
    mixed = GeometryCollection([LineString([(0, 0), (1, 1)]), Point(5, 5)])
    geom, status, why = one(mixed, "LineString")
    assert status == REPAIRED and why == "repaired: dropped the Point parts of a GeometryCollection"
    assert geom.equals(MultiLineString([[(0, 0), (1, 1)]]))
    geom, status, why = one(GeometryCollection([SQUARE, LineString([(0, 0), (1, 1)])]), "Polygon")
    assert status == REPAIRED and "LineString parts" in why and geom.area == 4


def test_rows_are_judged_one_by_one():
    r = repair(np.array([SQUARE, BOW_TIE, FLAT, None, LineString([(0, 0), (1, 1)])], dtype=object), "Polygon")
    assert list(r.status) == [OK, REPAIRED, REJECTED, REJECTED, REJECTED]
    assert [g is None for g in r.geoms] == [False, False, True, True, True]
    assert r.reasons[4] == "a LineString cannot go in a Polygon layer"


def test_outside_world_flags_coordinates_no_lon_lat_can_have():
    geoms = np.array([Point(105.7, 18.7), Point(587000, 2067000), Point(-180, -90),
                      shapely.box(179, 0, 181, 1), Point(0, 91)], dtype=object)
    assert list(outside_world(geoms)) == [False, True, False, True, True]
