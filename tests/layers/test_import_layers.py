"""Importing into particular layers: CRS from the file or guessed, admin units, households, the CLI."""
from __future__ import annotations

import json

import psycopg
import pytest
import shapely
from click.testing import CliRunner
from pyproj import Geod, Transformer

from api.cli import main
from geo import address_code, plus_code
from tests.layers.import_files import (
    VINH_LOC, frame, inside, metres_between, refused, run, square, to_crs, write,
)
from tests.support import scalar

PLACE = {"ten": "Nhà lưu niệm", "kind": "historic_site"}


def _stored_point(conn) -> shapely.Point:
    return shapely.from_wkt(scalar(conn, "SELECT ST_AsText(geom) FROM tourism_places ORDER BY id DESC LIMIT 1"))


# --- CRS --------------------------------------------------------------------------------------

def test_a_shapefile_without_prj_in_metres_is_read_in_its_provinces_zone(db, tmp_path):
    p = inside(db, VINH_LOC)
    x, y = to_crs(p, 9208)  # VN-2000 / TM-3 104°45' (Nghệ An)
    path = write(frame([PLACE], [shapely.Point(x, y)], crs=None), tmp_path / "diem.shp")
    assert not path.with_suffix(".prj").exists()

    report = run(db, "tourism_places", path)

    assert "no CRS in the file; coordinates in metres match VN-2000 TM-3 zone 104.75° of Nghệ An (EPSG:9208)" in report.crs
    assert metres_between(db, _stored_point(db), p) < 1.0
    assert scalar(db, "SELECT commune_code FROM tourism_places ORDER BY id DESC LIMIT 1") == VINH_LOC


def test_the_crs_option_overrides_the_files(db, tmp_path):
    p = inside(db, VINH_LOC)
    # Coordinates in VN-2000 geographic, in a GeoJSON that (like every GeoJSON) says WGS 84.
    lon, lat = Transformer.from_crs(4326, 4756, always_xy=True).transform(p.x, p.y)
    path = write(frame([PLACE], [shapely.Point(lon, lat)]), tmp_path / "diem.geojson")

    report = run(db, "tourism_places", path, crs="EPSG:4756")
    assert report.crs.startswith("CRS given with --crs: VN-2000")
    assert metres_between(db, _stored_point(db), p) < 1.0
    run(db, "tourism_places", path)  # the file's own (wrong) CRS: the datum shift is missed
    assert metres_between(db, _stored_point(db), p) > 100


def test_a_projected_file_is_read_in_its_own_crs(db, tmp_path):
    p = inside(db, VINH_LOC)
    path = write(frame([PLACE], [shapely.Point(*to_crs(p, 3405))], crs="EPSG:3405"), tmp_path / "utm.gpkg")
    report = run(db, "tourism_places", path)
    assert "CRS from the file: VN-2000 / UTM zone 48N" in report.crs
    assert metres_between(db, _stored_point(db), p) < 1.0


# What old ArcView/MapInfo exports write: right projection, a datum no registry knows by name.
ESRI_PRJ = (
    'PROJCS["VN_2000_Nghe_An",GEOGCS["GCS_VN_2000_Nghe_An",DATUM["D_VN_2000_Nghe_An",'
    'SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],'
    'PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],'
    'PARAMETER["Central_Meridian",104.75],PARAMETER["Scale_Factor",0.9999],PARAMETER["Latitude_Of_Origin",0.0],'
    'UNIT["Meter",1.0]]'
)


def test_a_home_made_vn2000_prj_is_read_as_the_epsg_zone(db, tmp_path):
    p = inside(db, VINH_LOC)
    path = write(frame([PLACE], [shapely.Point(*to_crs(p, 9208))], crs="EPSG:9208"), tmp_path / "diem.shp")
    path.with_suffix(".prj").write_text(ESRI_PRJ)
    report = run(db, "tourism_places", path)
    assert "definition was read as EPSG:9208" in report.crs
    assert metres_between(db, _stored_point(db), p) < 1.0


# --- admin units in the vn-admin format -------------------------------------------------------

def _vn_admin(path, code, name, name_en, kind_vi, kind_en, geom):
    """One FeatureCollection per unit, as thanglequoc/vietnamese-provinces-database ships them."""
    geom = shapely.MultiPolygon([geom]) if geom.geom_type == "Polygon" else geom
    code_name = name_en.lower().replace(" ", "_")
    feature = {
        "type": "Feature", "id": code, "bbox": list(geom.bounds), "geometry": shapely.geometry.mapping(geom),
        "properties": {"code": code, "name": name, "nameEn": name_en, "fullName": f"{kind_vi} {name}",
                       "fullNameEn": f"{name_en} {kind_en}", "codeName": code_name,
                       "areaKm2": round(abs(Geod(ellps="WGS84").geometry_area_perimeter(geom)[0]) / 1e6, 2)},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "bbox": list(geom.bounds), "features": [feature]},
                               ensure_ascii=False, indent=2), encoding="utf-8")
    return path


HA_TINH = shapely.box(105.30, 17.90, 106.50, 18.50)  # made up; south-east of Nghệ An, not touching it
THACH_HA = shapely.box(105.80, 18.30, 105.90, 18.40)


def _ha_tinh_files(tmp_path):
    province = _vn_admin(tmp_path / "42_ha_tinh.geojson", "42", "Hà Tĩnh", "Ha Tinh", "Tỉnh", "Province", HA_TINH)
    (tmp_path / "wards").mkdir()
    commune = _vn_admin(tmp_path / "wards" / "18100_thach_ha.geojson", "18100", "Thạch Hà", "Thach Ha", "Xã",
                        "Commune", THACH_HA)
    return province, commune


def test_another_provinces_boundaries_import_with_parent(db, tmp_path):
    province, commune = _ha_tinh_files(tmp_path)
    assert run(db, "admin_units", province).rows_loaded == 1
    report = run(db, "admin_units", commune)
    assert report.rows_loaded == 1 and report.warnings == []
    assert set(report.ignored_fields) == {"id", "codeName", "areaKm2"}
    assert db.execute("SELECT code, name_vi, kind FROM provinces WHERE code = '42'").fetchone() == ("42", "Hà Tĩnh", "Tỉnh")
    assert db.execute(
        "SELECT level, kind, parent_code, name_vi, name_en, full_name_vi, full_name_en FROM admin_units WHERE code = '18100'"
    ).fetchone() == ("commune", "Xã", "42", "Thạch Hà", "Thach Ha", "Xã Thạch Hà", "Thach Ha Commune")
    assert scalar(db, "SELECT province_code FROM communes WHERE code = '18100'") == "42"
    # The new commune is at once a place rows can be located in.
    p = THACH_HA.centroid
    run(db, "tourism_places", write(frame([PLACE], [p]), tmp_path / "diem.geojson"))
    assert scalar(db, "SELECT commune_code FROM tourism_places ORDER BY id DESC LIMIT 1") == "18100"


def test_a_commune_before_its_province_loads_with_a_warning(db, tmp_path):
    _, commune = _ha_tinh_files(tmp_path)
    report = run(db, "admin_units", commune)
    assert report.warnings == ["parent province unknown for 1 units: import the province boundary first or pass --parent"]
    assert "warning: parent province unknown" in report.summary()
    assert db.execute("SELECT level, parent_code FROM admin_units WHERE code = '18100'").fetchone() == ("commune", None)


def test_the_parent_option_sets_the_province(db, tmp_path):
    _, commune = _ha_tinh_files(tmp_path)
    assert run(db, "admin_units", commune, parent_code="42").warnings == []
    assert scalar(db, "SELECT parent_code FROM admin_units WHERE code = '18100'") == "42"


def test_reimporting_a_current_unit_is_refused(db, tmp_path):
    geom = shapely.from_wkt(scalar(db, "SELECT ST_AsText(geom) FROM communes WHERE code = %s", VINH_LOC))
    path = _vn_admin(tmp_path / "16708_vinh_loc.geojson", VINH_LOC, "Vinh Lộc", "Vinh Loc", "Phường", "Ward", geom)
    msg = str(refused(db, "admin_units", path))
    assert "row 1: code '16708' already exists in admin_units (a current version is loaded; end it with valid_to first)" in msg


def test_a_unit_twice_in_one_file_is_refused(db, tmp_path):
    _, commune = _ha_tinh_files(tmp_path)
    data = json.loads(commune.read_text(encoding="utf-8"))
    data["features"].append(data["features"][0])
    commune.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert "row 2: code '18100' appears more than once in the file (first on row 1)" in str(refused(db, "admin_units", commune))


def test_villages_without_codes_are_numbered_after_the_communes_last(db, tmp_path):
    last = scalar(db, "SELECT max(substring(code FROM '-(\\d+)$')::int) FROM villages WHERE commune_code = %s", VINH_LOC)
    rows = [{"ten_thon": "Khối Mới 1", "kind": "khoi"}, {"ten_thon": "Khối Mới 2", "kind": "khoi"}]
    path = write(frame(rows, [square(db, VINH_LOC, half=0.0002), square(db, VINH_LOC, half=0.0002, dx=0.0005)]),
                 tmp_path / "thon.shp")
    assert run(db, "villages", path).rows_loaded == 2
    assert db.execute("SELECT code, name FROM villages ORDER BY id DESC LIMIT 2").fetchall()[::-1] == [
        (f"{VINH_LOC}-{last + 1:03d}", "Khối Mới 1"), (f"{VINH_LOC}-{last + 2:03d}", "Khối Mới 2")]


# --- households -------------------------------------------------------------------------------

def _busiest_cell(conn) -> tuple[int, list[shapely.Point], int]:
    """The demo's fullest address cell, two of its households' points, its top serial."""
    prefix = scalar(conn, "SELECT left(address_code, 4) FROM households GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
    rows = conn.execute("SELECT ST_AsText(geom), address_code FROM households WHERE left(address_code, 4) = %s "
                        "ORDER BY address_code", (prefix,)).fetchall()
    top = max(address_code.parse(code).serial for _, code in rows)
    return address_code.parse(rows[0][1]).cell, [shapely.from_wkt(w) for w, _ in rows[:2]], top


PERSON = {"ho_ten": "Nguyễn Thị Lan", "dien_thoai": "0912345678", "so_nguoi": 4, "cccd": "040190000001",
          "poverty_status": "near_poor"}


def test_households_get_new_codes_and_their_personal_data_stays_private(db, tmp_path):
    cell, points, top = _busiest_cell(db)
    shifted = [shapely.Point(p.x + 0.00001, p.y) for p in points]  # next door, same cell
    people = [PERSON, {**PERSON, "ho_ten": "Trần Văn Hùng", "so_nguoi": 2, "poverty_status": "none"}]
    path = write(frame(people, shifted), tmp_path / "ho.gpkg")

    report = run(db, "households", path)

    assert report.rows_loaded == 2
    rows = db.execute("SELECT h.id, h.address_code, h.plus_code, h.village_id, h.commune_code, ST_X(h.geom), ST_Y(h.geom), "
                      "(SELECT v.id FROM villages v WHERE ST_Intersects(v.geom, h.geom) LIMIT 1) "
                      "FROM households h ORDER BY h.id DESC LIMIT 2").fetchall()[::-1]
    codes = [r[1] for r in rows]
    assert all(address_code.is_valid(c) for c in codes)
    assert codes == [address_code.make(cell, top + 1), address_code.make(cell, top + 2)]
    assert scalar(db, "SELECT count(*) FROM households WHERE address_code = ANY(%s)", codes) == 2
    for _, _, plus, village, commune, x, y, containing in rows:
        assert plus == plus_code.encode(x, y)
        assert village == containing and village is not None
        assert commune == scalar(db, "SELECT code FROM communes WHERE ST_Intersects(geom, ST_Point(%s, %s, 4326))", x, y)
    private = db.execute("SELECT head_name, phone, members, national_id, poverty_status FROM private.household_private "
                         "WHERE household_id = %s", (rows[0][0],)).fetchone()
    assert private == ("Nguyễn Thị Lan", "0912345678", 4, "040190000001", "near_poor")
    public_columns = {r[0] for r in db.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'households'")}
    assert not public_columns & {"head_name", "phone", "members", "national_id", "poverty_status"}
    # Names are not in the report either, neither printed nor kept in import_runs.
    assert "Nguyễn" not in report.summary()
    assert "Nguyễn" not in scalar(db, "SELECT report::text FROM import_runs ORDER BY id DESC LIMIT 1")


def _with_check_typo(code: str) -> str:
    last = address_code.ALPHABET[(address_code.ALPHABET.index(code[-1]) + 1) % 32]
    return code[:-1] + last


def test_given_address_codes_are_checked_and_new_ones_never_collide_with_them(db, tmp_path):
    cell, points, top = _busiest_cell(db)
    given = address_code.make(cell, top + 5)
    near = [shapely.Point(points[0].x + 0.00001 * i, points[0].y) for i in range(3)]
    rows = [{"ma_dia_chi": given}, {"ma_dia_chi": _with_check_typo(address_code.make(cell, top + 6))}, {"ma_dia_chi": None}]
    path = write(frame(rows, near), tmp_path / "ho.geojson")

    msg = str(refused(db, "households", path))
    assert "row 2: address code" in msg and "check character mismatch: maybe a typo" in msg and "row 1" not in msg

    report = run(db, "households", path, skip_invalid=True)
    assert report.rows_loaded == 2 and [r for r, _ in report.rejected] == [2]
    codes = [r[0] for r in db.execute("SELECT address_code FROM households ORDER BY id DESC LIMIT 2")][::-1]
    assert codes == [given, address_code.make(cell, top + 6)]  # after the given top + 5, not top + 1


def test_an_address_code_already_in_use_is_refused(db, tmp_path):
    code, wkt = db.execute("SELECT address_code, ST_AsText(geom) FROM households ORDER BY id LIMIT 1").fetchone()
    path = write(frame([{"ma_dia_chi": code}], [shapely.from_wkt(wkt)]), tmp_path / "ho.geojson")
    assert f"row 1: address_code {code!r} already exists in households" in str(refused(db, "households", path))


# --- the command line -------------------------------------------------------------------------

def _cli(url, *args):
    return CliRunner().invoke(main, ["import", *args], env={"DATABASE_URL": url})


def test_cli_import_prints_the_summary(demo_db, tmp_path):
    with psycopg.connect(demo_db) as conn:
        places = [square(conn, VINH_LOC).centroid, inside(conn, VINH_LOC)]
    path = write(frame([{"ten": "Làng nghề", "loai": "craft_village"}, {"ten": "Homestay", "loai": "homestay"}], places),
                 tmp_path / "diem.gpkg")
    result = _cli(demo_db, "tourism_places", str(path), "--map", "loai=kind")
    assert result.exit_code == 0, result.output
    assert f"{path} → tourism_places" in result.output and "read 2, loaded 2, repaired 0, rejected 0" in result.output
    assert "fields: loai → kind, ten → name_vi" in result.output
    with psycopg.connect(demo_db) as conn:
        assert scalar(conn, "SELECT count(*) FROM tourism_places WHERE name_vi IN ('Làng nghề', 'Homestay')") == 2
        assert scalar(conn, "SELECT rows_loaded FROM import_runs WHERE table_name = 'tourism_places'") == 2


def test_cli_import_failure_says_the_table_is_unchanged(demo_db, tmp_path):
    path = write(frame([{"ten": "Ngoài tỉnh", "kind": "homestay"}], [shapely.Point(105.85, 21.03)]), tmp_path / "diem.geojson")
    with psycopg.connect(demo_db) as conn:
        before = scalar(conn, "SELECT count(*) FROM tourism_places")
    result = _cli(demo_db, "tourism_places", str(path))
    assert result.exit_code == 1
    assert "Error: " in result.output and "row 1: not inside any commune" in result.output
    assert "the table is unchanged" in result.output
    with psycopg.connect(demo_db) as conn:
        assert scalar(conn, "SELECT count(*) FROM tourism_places") == before
        assert scalar(conn, "SELECT count(*) FROM import_runs WHERE table_name = 'tourism_places'") == 0


@pytest.mark.parametrize("args, expected", [
    (["--map", "ten"], "--map 'ten': write it as SOURCE_FIELD=COLUMN"),
    (["--crs", "EPSG:999999"], "unknown CRS 'EPSG:999999'"),
])
def test_cli_import_option_errors(demo_db, tmp_path, args, expected):
    path = write(frame([PLACE], [shapely.Point(105.7, 18.7)]), tmp_path / "diem.geojson")
    result = _cli(demo_db, "tourism_places", str(path), *args)
    assert result.exit_code == 1 and expected in result.output


def test_a_bad_personal_value_is_rejected_without_repeating_it(db, tmp_path):
    p = inside(db, VINH_LOC)
    rows = [PERSON, {**PERSON, "poverty_status": "hộ nghèo", "so_nguoi": "bốn"}]
    path = write(frame(rows, [p, shapely.Point(p.x + 0.00001, p.y)]), tmp_path / "ho.gpkg")
    report = run(db, "households", path, skip_invalid=True)
    assert report.rejected == [(2, "so_nguoi: not a valid members (personal data, so the value is not shown)")]
    assert "nghèo" not in report.summary() and "bốn" not in report.summary()
    stored = scalar(db, "SELECT report::text FROM import_runs ORDER BY id DESC LIMIT 1")
    assert "nghèo" not in stored and "bốn" not in stored
