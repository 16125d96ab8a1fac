"""Imports run the rules of `ntm-map check` on the rows they load: reported by default, refused
with --strict, and the rows to fix come back in the file's own format with a reason column."""
from __future__ import annotations

import psycopg
import pyogrio
from click.testing import CliRunner

from api.cli import main
from tests.layers.import_files import VINH_LOC, frame, square, write
from tests.support import scalar


def run(args, url):
    return CliRunner().invoke(main, args, env={"DATABASE_URL": url})


def _file(conn, tmp_path):
    """Row 1 is fine; row 2 names a commune it is not in; row 3 is drawn over a granted area."""
    far = scalar(conn, "SELECT code FROM communes ORDER BY ST_Distance(geom, (SELECT geom FROM communes "
                       "WHERE code = %s)) DESC LIMIT 1", VINH_LOC)
    granted = shapely_of(conn, "SELECT ST_AsText(ST_GeometryN(geom, 1)) FROM growing_areas WHERE status = 'granted' "
                               "ORDER BY id LIMIT 1")
    rows = [{"ten": "Vùng cam tốt", "cay_trong": "Cam", "ma_xa": VINH_LOC},
            {"ten": "Vùng cam lạc xã", "cay_trong": "Cam", "ma_xa": far},
            {"ten": "Vùng chồng lấn", "cay_trong": "Cam", "ma_xa": None}]
    geoms = [square(conn, VINH_LOC, dx=-0.004), square(conn, VINH_LOC, dx=-0.002), granted]
    return write(frame(rows, geoms), tmp_path / "vung.shp", encoding="UTF-8")


def shapely_of(conn, query):
    import shapely
    return shapely.from_wkt(scalar(conn, query))


def test_rule_breakers_are_loaded_and_listed_by_default(demo_db, tmp_path):
    with psycopg.connect(demo_db) as conn:
        path = _file(conn, tmp_path)
        before = scalar(conn, "SELECT count(*) FROM growing_areas")
    r = run(["import", "growing_areas", str(path), "--map", "ma_xa=commune_code", "--problems-dir", str(tmp_path / "fix")],
            demo_db)
    assert r.exit_code == 0, r.output
    assert "2 rows break a rule of `ntm-map check`, loaded all the same (--strict refuses them)" in r.output
    assert "row 2: outside_commune: reaches more than 50" in r.output
    assert "row 3: overlap: overlaps VN-40-" in r.output
    with psycopg.connect(demo_db) as conn:
        assert scalar(conn, "SELECT count(*) FROM growing_areas") == before + 3
    fix = pyogrio.read_dataframe(tmp_path / "fix" / "vung.problems.shp")
    assert list(fix["ten"]) == ["Vùng cam lạc xã", "Vùng chồng lấn"]  # the file's own fields, as they were
    assert fix["reason"].str.startswith("row ").all() and "overlap" in fix["reason"].iloc[1]
    # The same check over what is stored now finds the two rows as well.
    r = run(["check", "growing_areas", "--lang", "en"], demo_db)
    assert r.exit_code == 1 and "outside_commune (Growing area outside its commune): 1" in r.output


def test_strict_refuses_the_file_or_with_skip_invalid_the_breakers(demo_db, tmp_path):
    with psycopg.connect(demo_db) as conn:
        path = _file(conn, tmp_path)
        before = scalar(conn, "SELECT count(*) FROM growing_areas")
    r = run(["import", "growing_areas", str(path), "--map", "ma_xa=commune_code", "--strict",
             "--problems-dir", str(tmp_path / "a")], demo_db)
    assert r.exit_code == 1 and "2 of 3 rows cannot be loaded, so nothing was loaded" in r.output
    assert "the table is unchanged" in r.output and "vung.problems.shp" in r.output
    assert len(pyogrio.read_dataframe(tmp_path / "a" / "vung.problems.shp")) == 2
    with psycopg.connect(demo_db) as conn:
        assert scalar(conn, "SELECT count(*) FROM growing_areas") == before

    r = run(["import", "growing_areas", str(path), "--map", "ma_xa=commune_code", "--strict", "--skip-invalid",
             "--problems-dir", str(tmp_path / "b")], demo_db)
    assert r.exit_code == 0, r.output
    assert "read 3, loaded 1" in r.output and "row 3 rejected: overlap" in r.output
    with psycopg.connect(demo_db) as conn:
        assert scalar(conn, "SELECT count(*) FROM growing_areas") == before + 1
        assert scalar(conn, "SELECT name FROM growing_areas ORDER BY id DESC LIMIT 1") == "Vùng cam tốt"
    assert run(["check", "growing_areas"], demo_db).exit_code == 0  # nothing that breaks a rule got in
