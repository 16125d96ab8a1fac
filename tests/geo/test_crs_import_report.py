"""The CRS traps reach the `ntm-map import` report (issue 20, item 4): real files into the demo
database (Nghệ An, VN-2000 TM-3 104°45'), through the importer as the CLI runs it."""
from __future__ import annotations

import numpy as np
import shapely
from pyproj import Transformer

from tests.layers.conftest import db  # noqa: F401  (the importer tests' connection fixture)
from tests.layers.import_files import VINH_LOC, frame, refused, run, square, write
from tests.support import scalar

AREA = {"ten": "Vùng cam Vinh Lộc", "cay_trong": "Cam", "status": "draft"}


def _in(epsg: int, geom: shapely.Polygon, swap: bool = False) -> shapely.Polygon:
    """The polygon in metres of a VN-2000 zone, northing first if swap (the surveyors' X/Y)."""
    to = Transformer.from_crs(4326, epsg, always_xy=True)

    def move(xy):
        x, y = to.transform(xy[:, 0], xy[:, 1])
        return np.column_stack((y, x) if swap else (x, y))
    return shapely.transform(geom, move)


def test_northing_first_metres_are_swapped_and_the_report_says_so(db, tmp_path):
    area = square(db, VINH_LOC)
    path = write(frame([AREA], [_in(9208, area, swap=True)], crs="EPSG:9208"), tmp_path / "xy.shp")
    report = run(db, "growing_areas", path)
    assert report.rows_loaded == 1
    assert any(n.startswith("warning: the coordinates are northing first") for n in report.notes)
    assert any("northing first" in line for line in report.header())
    assert scalar(db, "SELECT ST_Distance(ST_Centroid(geom)::geography, ST_Centroid(ST_GeomFromText(%s, 4326))::geography) "
                      "+ abs(ST_Area(geom::geography) - ST_Area(ST_GeomFromText(%s, 4326)::geography)) "
                      "FROM growing_areas WHERE name = %s", area.wkt, area.wkt, AREA["ten"]) < 0.05


def test_a_wrong_zone_is_named_in_the_report_of_the_refused_import(db, tmp_path):
    area = square(db, VINH_LOC)
    xy = _in(9208, area)  # Nghệ An's zone, labelled with Hà Tĩnh's: read so, the area lies in the sea
    failed = refused(db, "growing_areas", write(frame([AREA], [xy], crs="EPSG:9209"), tmp_path / "zone.shp"))
    warned = [n for n in failed.report.notes if "labelled with the wrong zone" in n]
    assert warned and warned[0].startswith("warning:") and "--crs EPSG:9208" in warned[0]
    assert run(db, "growing_areas", tmp_path / "zone.shp", crs="EPSG:9208").rows_loaded == 1  # --crs decides
