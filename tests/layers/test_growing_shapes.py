"""Bounded boundary checks (layers/write/growing/shapes.py, issue 11 item 3): stars and zig-zags up
to the vertex limit are repaired or refused, never left to run for minutes; small sound
polygons stay in the request; the worker's deadline and memory cap hold when the cheap
refusal is lifted."""
from __future__ import annotations

import asyncio

import numpy as np
import pytest
import shapely
import shapely.geometry

from geo.geometry import REJECTED, crossings, repair
from layers.workers import bounded
from layers.db.settings import Settings
from layers.write.growing import shapes
from tests.crossing_shapes import star, zigzag

AT = (105.6, 18.7)
LIMITS = shapes.limits_of(Settings())
CAP = LIMITS.max_crossings

# (shape, points, expected): "repaired", "too complex" (refused before any repair) or "too many vertices"
MAKE = {"star": star, "zigzag": zigzag}
CASES = [
    ("star", 5, "repaired"), ("star", 7, "repaired"), ("star", 101, "repaired"), ("star", 141, "repaired"),
    ("star", 201, "too complex"), ("star", 1_601, "too complex"), ("star", 19_999, "too complex"),
    ("star", 20_001, "too many vertices"),
    ("zigzag", 10, "repaired"), ("zigzag", 1_000, "repaired"), ("zigzag", 9_000, "repaired"),
    ("zigzag", 12_000, "too complex"), ("zigzag", 19_997, "too complex"), ("zigzag", 19_998, "too many vertices"),
]


def outcome(checked) -> str:
    if checked.geom is not None:
        assert not checked.problems or checked.problems[0].rule == "too_large"
        return "repaired" if checked.repaired else "ok"
    [problem] = checked.problems
    if problem.rule == "too_large":
        return "too many vertices"
    assert problem.rule == "geometry_invalid" and problem.where is not None
    assert "too complex to repair" in problem.message, problem.message
    return "too complex"


@pytest.mark.parametrize("kind,points,expected", CASES, ids=[f"{k}-{n}" for k, n, _ in CASES])
def test_stars_and_zigzags_up_to_the_vertex_limit_are_repaired_or_refused(kind, points, expected):
    geom = shapely.geometry.shape(MAKE[kind](points, *AT))
    checked = asyncio.run(shapes.checked(shapely.geometry.mapping(geom), None, Settings()))  # as a request
    assert outcome(checked) == expected
    if expected == "too complex":  # refused by the count, not by the deadline
        assert f"crosses itself in more than {CAP:,} places" in checked.problems[0].message
    if expected == "repaired":
        assert checked.geom.is_valid and checked.area_ha > 0


def test_the_upload_checks_the_same_way_from_its_thread():
    geom = shapely.geometry.shape(star(1601, *AT))
    checked = shapes.check_shape(geom, shapes.limits_of(Settings()))
    assert outcome(checked) == "too complex"
    assert outcome(shapes.check_shape(shapely.geometry.shape(star(5, *AT)), shapes.limits_of(Settings()))) == "repaired"


def test_a_small_sound_polygon_is_checked_in_the_request_a_big_one_in_a_worker():
    limits = shapes.ShapeLimits(memory_mb=333)  # a runner of its own, to see whether it was used
    square = shapely.geometry.box(105.6, 18.7, 105.603, 18.703)
    assert shapes.check_shape(square, limits).geom is not None
    assert (1, 333) not in bounded._RUNNERS and (2, 333) not in bounded._RUNNERS
    circle = shapely.Point(*AT).buffer(0.003, quad_segs=1_500)  # 6,001 points, valid
    assert shapes.check_shape(circle, limits).geom is not None
    assert bounded._RUNNERS[limits.workers, 333]._count == 1


def test_one_request_or_upload_shares_one_time_budget():
    limits = shapes.ShapeLimits(budget=shapes.Budget(0.0))
    bow_tie = shapely.Polygon([(105.6, 18.7), (105.61, 18.71), (105.61, 18.7), (105.6, 18.71)])
    assert outcome(shapes.check_shape(bow_tie, limits)) == "too complex"
    square = shapely.geometry.box(105.6, 18.7, 105.603, 18.703)
    assert shapes.check_shape(square, limits).geom is not None  # inline work costs no budget


def test_with_the_count_lifted_the_deadline_stops_the_repair():
    limits = shapes.ShapeLimits(max_crossings=10**9, timeout_s=1.0, memory_mb=4096, workers=1)
    checked = shapes.check_shape(shapely.geometry.shape(star(1601, *AT)), limits)
    assert "too complex to repair (it took more than 1 s)" in checked.problems[0].message
    assert bounded._RUNNERS[1, 4096].replaced >= 1


def test_with_the_count_lifted_the_memory_cap_stops_the_repair():
    """make_valid of the issue's star grows to 2.7 GB; at 128 MB GEOS fails and the boundary is refused."""
    limits = shapes.ShapeLimits(max_crossings=10**9, timeout_s=600, memory_mb=128, workers=1)
    checked = shapes.check_shape(shapely.geometry.shape(star(1601, *AT)), limits)
    assert checked.geom is None and checked.problems[0].rule == "geometry_invalid"
    assert ("cannot be repaired" in checked.problems[0].message
            or "reached its memory cap of 128 MB" in checked.problems[0].message), checked.problems[0].message


def test_crossings_counts_until_past_the_cap():
    assert crossings(shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)]), 10) == 1
    assert crossings(shapely.geometry.box(0, 0, 1, 1), 10) == 0
    assert crossings(shapely.geometry.box(0, 0, 1, 1).difference(shapely.geometry.box(0.2, 0.2, 0.8, 0.8)), 10) == 0
    assert crossings(shapely.geometry.shape(zigzag(100, *AT)), 10**6) == 99
    assert 10 < crossings(shapely.geometry.shape(star(1601, *AT)), 10) <= 70_000  # stopped early


def test_the_importers_repair_rejects_what_it_cannot_repair_in_bounded_time():
    geoms = np.array([shapely.geometry.shape(star(1601, *AT)), shapely.geometry.shape(star(5, *AT))], dtype=object)
    fixed = repair(geoms, "Polygon")
    assert fixed.status[0] == REJECTED and "too complex to repair" in fixed.reasons[0]
    assert fixed.status[1] != REJECTED
