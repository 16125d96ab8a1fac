"""VN-2000: the national datum shift against published point pairs, home-made .prj files, zone guessing."""
from __future__ import annotations

import math

import pytest
from pyproj import CRS, Geod, Transformer

from geo import crs as vcrs


def dms(d: int, m: int, s: float) -> float:
    return d + m / 60 + s / 3600


# (VN-2000 lat, lon), (WGS-84 lat, lon) as published, rounded to 0.1".
PUBLISHED = {
    # Thông tư 37/2019/TT-BGTVT, Lý Sơn port area.
    "LS1": ((dms(15, 22, 32.7), dms(109, 6, 0.5)), (dms(15, 22, 29), dms(109, 6, 7))),
    "LS3": ((dms(15, 20, 13.7), dms(109, 6, 59.5)), (dms(15, 20, 10), dms(109, 7, 6))),
    # Thông tư 20/2019, Khánh Hòa.
    "VP1": ((dms(12, 33, 39.7), dms(109, 25, 53.6)), (dms(12, 33, 36.0), dms(109, 26, 0.0))),
}


@pytest.mark.parametrize("point", PUBLISHED)
def test_vn2000_to_wgs84_matches_published_pairs(point):
    (lat, lon), (wlat, wlon) = PUBLISHED[point]
    x, y = vcrs.to_wgs84(CRS.from_epsg(vcrs.VN2000_GEOGRAPHIC)).transform(lon, lat)
    error_m = Geod(ellps="WGS84").inv(x, y, wlon, wlat)[2]
    shift_m = Geod(ellps="WGS84").inv(lon, lat, wlon, wlat)[2]
    assert shift_m > 150  # the datums really differ here, so the test can tell a shift from none
    assert error_m < 5.0


# The .prj of an ArcView-era shapefile: the right projection, a datum no registry knows by name.
ESRI_PRJ = (
    'PROJCS["VN_2000_TM3_Nghe_An",GEOGCS["GCS_VN_2000_Nghe_An",DATUM["D_VN_2000_Nghe_An",'
    'SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],'
    'PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],'
    'PARAMETER["Central_Meridian",104.75],PARAMETER["Scale_Factor",0.9999],PARAMETER["Latitude_Of_Origin",0.0],'
    'UNIT["Meter",1.0]]'
)
# The same zone as a PROJ string carrying the national shift (Decision 05/2007/QĐ-BTNMT).
TOWGS84 = "-191.90441429,-39.30318279,-111.45032835,-0.00928836,0.01975479,-0.00427372,0.252906278"
PROJ_TM3 = f"+proj=tmerc +lat_0=0 +lon_0=104.75 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +towgs84={TOWGS84} +units=m +no_defs"


def _lonlat(crs, x=587_000.0, y=2_067_000.0):
    return Transformer.from_crs(crs, 4326, always_xy=True).transform(x, y)


def _metres(a, b):
    return Geod(ellps="WGS84").inv(*a, *b)[2]


@pytest.mark.parametrize("text", [ESRI_PRJ, PROJ_TM3])
def test_home_made_vn2000_tm3_becomes_the_epsg_zone(text):
    home_made = CRS.from_user_input(text)
    assert home_made.to_epsg() is None
    crs, note = vcrs.normalize_vn2000(home_made)
    assert crs.to_epsg() == 9208
    assert note == "the file's VN-2000 TM-3 104.75° definition was read as EPSG:9208"
    assert _metres(_lonlat(crs), _lonlat(9208)) < 0.01


def test_without_the_epsg_zone_the_datum_shift_is_missed():
    # Why normalizing matters: read as-is, the ESRI definition lands ~200 m off.
    assert _metres(_lonlat(CRS.from_user_input(ESRI_PRJ)), _lonlat(9208)) > 150


def test_vn2000_utm_definitions_become_their_epsg_codes():
    crs, note = vcrs.normalize_vn2000(CRS.from_user_input(PROJ_TM3.replace("104.75", "105").replace("0.9999", "0.9996")))
    assert crs.to_epsg() == 3405 and "UTM 105°" in note


@pytest.mark.parametrize("text", [
    "EPSG:9208",  # already the EPSG zone
    "EPSG:32648",  # WGS 84 / UTM 48N: not VN-2000
    PROJ_TM3.replace("+x_0=500000", "+x_0=400000"),  # a VN-2000 TM, but not the standard zone
    PROJ_TM3.replace("104.75", "104.6"),  # no such TM-3 meridian
])
def test_other_crs_are_left_alone(text):
    crs = CRS.from_user_input(text)
    assert vcrs.normalize_vn2000(crs) == (crs, None)


def test_tm3_meridian():
    assert vcrs.tm3_meridian(CRS.from_epsg(9208)) == 104.75
    assert vcrs.tm3_meridian(CRS.from_user_input(ESRI_PRJ)) == 104.75
    assert vcrs.tm3_meridian(CRS.from_user_input(PROJ_TM3)) == 104.75
    assert vcrs.tm3_meridian(CRS.from_epsg(32648)) is None
    assert vcrs.tm3_meridian(CRS.from_epsg(4756)) is None


# --- guessing the zone of a file without CRS --------------------------------------------------

# Stub province boundaries, side by side: Nghệ An west of 105.3°E, Hà Tĩnh east of it.
def _stub(lon, lat):
    if not 17.9 <= lat <= 20.0:
        return None
    return "40" if 103.9 <= lon < 105.3 else "42" if 105.3 <= lon <= 106.5 else None


def _bounds_in(epsg, lon, lat):
    x, y = Transformer.from_crs(4326, epsg, always_xy=True).transform(lon, lat)
    return (x - 50, y - 50, x + 50, y + 50)


def test_metres_are_matched_to_the_zone_of_the_province_they_fall_in():
    nghe_an = vcrs.guess_tm3_zone(_bounds_in(9208, 104.9, 19.2), _stub, "40")
    assert nghe_an.crs.to_epsg() == 9208
    assert nghe_an.message.startswith("no CRS in the file; coordinates in metres match VN-2000 TM-3 zone 104.75° of Nghệ An (EPSG:9208).")
    ha_tinh = vcrs.guess_tm3_zone(_bounds_in(9209, 106.2, 18.3), _stub, "40")
    assert ha_tinh.crs.to_epsg() == 9209 and "105.5° of Hà Tĩnh (EPSG:9209)" in ha_tinh.message


def test_an_ambiguous_reading_prefers_the_configured_province_and_says_so():
    # Hà Tĩnh metres read with Nghệ An's meridian land 80 km west, inside (stub) Nghệ An.
    bounds = _bounds_in(9209, 105.6, 18.4)
    assert _stub(*_lonlat(9208, *bounds[:2])) == "40"
    mine = vcrs.guess_tm3_zone(bounds, _stub, "40")
    assert mine.crs.to_epsg() == 9208 and "They would also fit EPSG:9209 (Hà Tĩnh)" in mine.message
    theirs = vcrs.guess_tm3_zone(bounds, _stub, "42")
    assert theirs.crs.to_epsg() == 9209 and "EPSG:9208 (Nghệ An)" in theirs.message


def test_without_province_boundaries_the_configured_province_is_assumed():
    r = vcrs.guess_tm3_zone(_bounds_in(9208, 104.9, 19.2), None, "40")
    assert r.crs.to_epsg() == 9208 and "no province boundaries are loaded; assumed VN-2000 TM-3 zone 104.75°" in r.message
    r = vcrs.guess_tm3_zone(_bounds_in(9208, 104.9, 19.2), lambda lon, lat: None, "42")
    assert r.crs.to_epsg() == 9209 and "no loaded province boundary contains them" in r.message and "Hà Tĩnh" in r.message
    with pytest.raises(vcrs.CRSProblem, match="pass --crs"):
        vcrs.guess_tm3_zone(_bounds_in(9208, 104.9, 19.2), None, "99")


# --- resolve: option, file, guess -------------------------------------------------------------

NGHE_AN_METRES = _bounds_in(9208, 105.7, 18.7)


def test_the_option_wins_over_the_file_and_the_file_over_guessing():
    r = vcrs.resolve(CRS.from_epsg(4326), "EPSG:9208", NGHE_AN_METRES)
    assert r.crs.to_epsg() == 9208 and r.message == "CRS given with --crs: VN-2000 / TM-3 104-45"
    r = vcrs.resolve(CRS.from_epsg(3405), None, NGHE_AN_METRES)
    assert r.crs.to_epsg() == 3405 and r.message == "CRS from the file: VN-2000 / UTM zone 48N"
    r = vcrs.resolve(CRS.from_user_input(ESRI_PRJ), None, NGHE_AN_METRES)
    assert r.crs.to_epsg() == 9208 and "(the file's VN-2000 TM-3 104.75° definition was read as EPSG:9208)" in r.message
    r = vcrs.resolve(None, "9208", NGHE_AN_METRES)
    assert r.crs.to_epsg() == 9208


def test_without_crs_the_coordinates_decide():
    r = vcrs.resolve(None, None, (105.6, 18.6, 105.7, 18.7))
    assert r.crs.to_epsg() == 4326 and "look like longitude/latitude" in r.message
    assert vcrs.resolve(None, None, NGHE_AN_METRES).crs.to_epsg() == 9208
    with pytest.raises(vcrs.CRSProblem, match=r"neither longitude/latitude nor VN-2000 metres; pass --crs EPSG:xxxx"):
        vcrs.resolve(None, None, (3_500_000, 6_000_000, 3_500_100, 6_000_100))
    with pytest.raises(vcrs.CRSProblem, match="no usable coordinates"):
        vcrs.resolve(None, None, (math.nan,) * 4)


@pytest.mark.parametrize("text", ["EPSG:999999", "999999", "VN-3000 / TM-9"])
def test_an_unknown_crs_is_a_crs_problem(text):
    with pytest.raises(vcrs.CRSProblem, match="unknown CRS"):
        vcrs.parse_crs(text)
