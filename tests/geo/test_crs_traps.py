"""Traps that would land data in the wrong place without an error (issue 20, item 4): each case
is a real file written with pyogrio, read back with geo.vector_io, resolved with geo.crs and
reprojected with pyproj, and where it lands is compared with an independent transformation."""
from __future__ import annotations

import geopandas as gpd
import pytest
from pyproj import CRS, Geod, Transformer
from shapely.geometry import Point

from geo import crs as vcrs
from geo.vector_io import open_vector, read_chunks

GEOD = Geod(ellps="WGS84")
HA_NOI = (105.85, 21.03)
SAI_GON = (106.70, 10.80)  # inside the area of "Hanoi 1972 to WGS 84 (1)"
HUE = (107.60, 16.45)  # inside the area of "Indian 1960 to WGS 84 (2)"
HA_TINH = (105.9, 18.35)  # VN-2000 TM-3 meridian 105°30' (EPSG:9209)
# Published EPSG parameters, written out so the expected landing does not come from the code under test.
HN72_TOWGS84 = "+proj=longlat +ellps=krass +towgs84=-17.51,-108.32,-62.39 +no_defs"
INDIAN60_TOWGS84 = "+proj=longlat +ellps=evrst30 +towgs84=198,881,317 +no_defs"


def _write(folder, name, xy, crs, prj: str | None = None):
    path = folder / f"{name}.shp"
    gpd.GeoDataFrame({"ten": ["vùng 1"]}, geometry=[Point(*xy)], crs=crs).to_file(path, engine="pyogrio")
    if prj == "":
        path.with_suffix(".prj").unlink()
    elif prj is not None:
        path.with_suffix(".prj").write_text(prj)
    return path


def _read(path, override=None, province_at=None, province="40"):
    """Resolve and reproject as the importer does: (lon, lat) landed, ResolvedCRS."""
    src = open_vector(path)
    chunk = next(read_chunks(src))
    resolved = vcrs.resolve(src.crs, override, src.bounds or tuple(chunk.geometry.total_bounds), province_at, province)
    point = vcrs.reproject(chunk, resolved).geometry.iloc[0]
    return (point.x, point.y), resolved


def _codes(resolved) -> list[str]:
    return [n.code for n in resolved.notes]


def _metres(epsg, lonlat):
    return Transformer.from_crs(4326, epsg, always_xy=True).transform(*lonlat)


def _truth(geog_proj: str, projected: int, xy):
    """Where a projected point belongs: its own geographic coordinates, then the published shift."""
    crs = CRS.from_epsg(projected)
    lon, lat = xy if crs.is_geographic else Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True).transform(*xy)
    return Transformer.from_crs(CRS.from_proj4(geog_proj), 4326, always_xy=True).transform(lon, lat)


# --- HN-72 and Indian 1960: the datum shift PROJ has, or a warning of the one it lacks ----------

@pytest.mark.parametrize("epsg, geog, place, published, expected_m", [
    (2044, HN72_TOWGS84, HA_NOI, "Hanoi 1972 to WGS 84 (1)", 51),
    (3148, INDIAN60_TOWGS84, HA_NOI, "Indian 1960 to WGS 84 (2)", 451),
    (4131, INDIAN60_TOWGS84, HA_NOI, "Indian 1960 to WGS 84 (2)", 451),
])
def test_without_a_transformation_for_the_place_the_expected_error_is_said(tmp_path, epsg, geog, place, published, expected_m):
    xy = _metres(epsg, place)
    landed, resolved = _read(_write(tmp_path, "old", xy, epsg))
    assert resolved.crs.to_epsg() == epsg and _codes(resolved) == ["no_datum_shift"]
    note = resolved.notes[0]
    assert note.warning and published in note.en and "VN-2000" in note.vi and "bỏ qua" in note.vi
    said = float(note.en.split("off by about ")[1].split(" m")[0].replace(",", ""))
    error = GEOD.inv(*landed, *_truth(geog, epsg, xy))[2]  # the shift PROJ left out, computed independently
    assert abs(error - expected_m) < 3 and abs(said - error) < 1


@pytest.mark.parametrize("epsg, geog, place, name, warning", [
    (2044, HN72_TOWGS84, SAI_GON, "Hanoi 1972 to WGS 84 (1)", False),  # accuracy 5 m
    (3148, INDIAN60_TOWGS84, HUE, "Indian 1960 to WGS 84 (2)", True),  # accuracy 44 m: worth a warning
    (3149, INDIAN60_TOWGS84, (108.2, 16.05), "Indian 1960 to WGS 84 (2)", True),  # Đà Nẵng, UTM 49N
])
def test_where_proj_has_the_transformation_it_is_used_and_named(tmp_path, epsg, geog, place, name, warning):
    xy = _metres(epsg, place)
    landed, resolved = _read(_write(tmp_path, "old", xy, epsg))
    assert _codes(resolved) == ["datum_shift"] and name in resolved.notes[0].en
    assert resolved.notes[0].warning is warning and name in resolved.notes[0].vi
    assert GEOD.inv(*landed, *_truth(geog, epsg, xy))[2] < 0.5
    unshifted = Transformer.from_crs(epsg, CRS.from_epsg(epsg).geodetic_crs, always_xy=True).transform(*xy)
    assert GEOD.inv(*landed, *unshifted)[2] > 30  # the shift was applied: the case discriminates


# --- swapped axes ----------------------------------------------------------------------------

@pytest.mark.parametrize("crs", [4326, None])
def test_latitude_first_degrees_are_swapped_and_said(tmp_path, crs):
    landed, resolved = _read(_write(tmp_path, "latlon", HA_TINH[::-1], 4326, prj="" if crs is None else None))
    assert resolved.swap_xy and "swapped_axes" in _codes(resolved)
    assert GEOD.inv(*landed, *HA_TINH)[2] < 0.01
    assert "latitude first" in resolved.text and "đổi chỗ x và y" in resolved.notes[0].vi


@pytest.mark.parametrize("prj", [None, ""])  # with its .prj, and without (the zone is then guessed)
def test_northing_first_metres_are_swapped_and_land_right(tmp_path, prj):
    e, n = _metres(9209, HA_TINH)
    landed, resolved = _read(_write(tmp_path, "xy", (n, e), 9209, prj=prj), province="42")
    assert resolved.crs.to_epsg() == 9209
    assert resolved.swap_xy and _codes(resolved) == ["swapped_axes"] and "northing first" in resolved.text
    assert GEOD.inv(*landed, *_read(_write(tmp_path, "yx", (e, n), 9209), province="42")[0])[2] < 0.01


def test_coordinates_in_the_usual_order_are_not_swapped(tmp_path):
    landed, resolved = _read(_write(tmp_path, "ok", HA_TINH, 4326))
    assert not resolved.swap_xy and resolved.notes == () and landed == pytest.approx(HA_TINH)


# --- a VN-2000 TM-3 file labelled with the wrong zone ---------------------------------------------

def test_a_zone_that_puts_the_data_in_the_sea_is_warned_with_the_likely_meridian(tmp_path):
    xy = _metres(9209, HA_TINH)
    path = _write(tmp_path, "zone", xy, 5899)  # labelled 107°45' (Quảng Ninh, Đà Nẵng...), data of Hà Tĩnh
    landed, resolved = _read(path, province="42")
    assert resolved.crs.to_epsg() == 5899  # read as labelled: nothing is guessed silently
    assert _codes(resolved) == ["wrong_meridian"] and resolved.notes[0].warning
    note = resolved.notes[0]
    assert "outside Vietnam" in note.en and "--crs EPSG:9209" in note.en and "EPSG:9209" in note.vi
    assert GEOD.inv(*landed, *HA_TINH)[2] > 200_000
    fixed, again = _read(path, override="EPSG:9209", province="42")  # --crs still decides
    assert again.notes == () and GEOD.inv(*fixed, *HA_TINH)[2] < 0.01


def _stub_provinces(lon, lat):
    """Nghệ An (104.75°) west of 105.3°E, Hà Tĩnh (105.5°) east of it, between 17.9° and 20°N."""
    if not 17.9 <= lat <= 20.0:
        return None
    return "40" if 103.9 <= lon < 105.3 else "42" if 105.3 <= lon <= 106.5 else None


def test_a_zone_that_puts_the_data_in_a_province_of_another_meridian_is_warned(tmp_path):
    xy = _metres(9209, HA_TINH)
    path = _write(tmp_path, "zone", xy, 5897)  # labelled 105°: read so, the data land in (stub) Hà Tĩnh at 105.4°E
    _, resolved = _read(path, province_at=_stub_provinces, province="42")
    assert _codes(resolved) == ["wrong_meridian"]
    assert "in Hà Tĩnh, which uses 105.5°" in resolved.notes[0].en and "--crs EPSG:9209" in resolved.notes[0].en
    # Configured for Nghệ An, its own meridian (which also lands inside it) comes first; Hà Tĩnh's is named too.
    _, nghe_an = _read(path, province_at=_stub_provinces, province="40")
    assert "--crs EPSG:9208" in nghe_an.notes[0].en and "105.5°" in nghe_an.notes[0].en.split("also inside with")[1]
    _, right = _read(_write(tmp_path, "right", xy, 9209), province_at=_stub_provinces, province="40")
    assert right.notes == ()  # the proper zone: no warning


def test_a_zone_not_of_the_configured_province_is_warned_without_boundaries(tmp_path):
    xy = _metres(9209, HA_TINH)
    _, resolved = _read(_write(tmp_path, "zone", xy, 9210), province="42")
    assert _codes(resolved) == ["wrong_meridian"] and "not one of Hà Tĩnh's (105.5°)" in resolved.notes[0].en
    assert "EPSG:9209" in resolved.notes[0].en and "26 km" in resolved.notes[0].en
    _, right = _read(_write(tmp_path, "right", xy, 9209), province="42")
    assert right.notes == ()


# --- UTM on VN-2000 stays UTM ----------------------------------------------------------------

VN2000_UTM_48_PRJ = (
    'PROJCS["VN_2000_UTM_Zone_48N",GEOGCS["GCS_VN_2000",DATUM["D_Vietnam_2000",'
    'SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],'
    'PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],'
    'PARAMETER["Central_Meridian",105.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],'
    'UNIT["Meter",1.0]]'
)


@pytest.mark.parametrize("prj", [None, VN2000_UTM_48_PRJ])
def test_vn2000_utm_is_read_as_vn2000_utm_not_a_tm3_zone(tmp_path, prj):
    xy = _metres(3405, HA_TINH)
    landed, resolved = _read(_write(tmp_path, "utm", xy, 3405, prj=prj), province="42")
    assert resolved.crs.to_epsg() == 3405 and resolved.notes == ()  # same meridian as TM-3 zone 5897, not it
    assert GEOD.inv(*landed, *HA_TINH)[2] < 0.01
    as_tm3 = Transformer.from_crs(5897, 4326, always_xy=True).transform(*xy)
    assert GEOD.inv(*as_tm3, *HA_TINH)[2] > 30  # a TM-3 rewrite would move it: the case discriminates


# --- a .prj that does not match the numbers --------------------------------------------------

def test_a_degrees_prj_around_metres_is_set_aside_and_the_zone_found(tmp_path):
    xy = _metres(9209, HA_TINH)
    landed, resolved = _read(_write(tmp_path, "m", xy, 4326), province="42")
    assert resolved.crs.to_epsg() == 9209 and _codes(resolved) == ["metres_in_degrees"]
    assert GEOD.inv(*landed, *HA_TINH)[2] < 0.01


def test_a_metres_prj_around_degrees_reads_degrees_on_its_datum(tmp_path):
    vn2000_lonlat = Transformer.from_crs(4326, 4756, always_xy=True).transform(*HA_TINH)
    landed, resolved = _read(_write(tmp_path, "d", vn2000_lonlat, 9209), province="42")
    assert resolved.crs.to_epsg() == 4756 and _codes(resolved) == ["degrees_in_metres"]
    assert GEOD.inv(*landed, *HA_TINH)[2] < 0.01
