"""The most common home-made VN-2000 .prj: ESRI WKT naming GCS_WGS_1984 around a TM-3 projection
(scale 0.9999, false easting 500,000, a provincial meridian). Read as written, a Hà Tĩnh
growing area landed ~224 m off; read as VN-2000 it must land where the proper file lands."""
from __future__ import annotations

import geopandas as gpd
from pyproj import CRS, Geod, Transformer
from shapely.geometry import Point

from geo import crs as vncrs
from geo.vector_io import open_vector

WGS84_NAMED_TM3 = (
    'PROJCS["VN_2000_TM3_105_30",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",'
    'SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
    'PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],'
    'PARAMETER["Central_Meridian",105.5],PARAMETER["Scale_Factor",0.9999],'
    'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
)
PLACE = (105.9, 18.35)  # Hà Tĩnh, TM-3 meridian 105°30'


def _write(folder, name: str, prj: str | None):
    x, y = Transformer.from_crs(4326, 9209, always_xy=True).transform(*PLACE)
    path = folder / f"{name}.shp"
    gpd.GeoDataFrame({"ten": ["vùng 1"]}, geometry=[Point(x, y)], crs="EPSG:9209").to_file(path)
    if prj is not None:
        path.with_suffix(".prj").write_text(prj)
    return path


def _landing(path) -> tuple[tuple[float, float], str]:
    src = open_vector(path)
    x, y = next(iter(gpd.read_file(path).geometry)).coords[0]
    resolved = vncrs.resolve(src.crs, None, (x, y, x, y))
    return vncrs.to_wgs84(resolved.crs).transform(x, y), resolved.text


def test_a_wgs84_named_tm3_prj_lands_where_the_proper_vn2000_file_lands(tmp_path):
    proper, proper_note = _landing(_write(tmp_path, "proper", None))
    mislabelled, note = _landing(_write(tmp_path, "mislabelled", WGS84_NAMED_TM3))
    geod = Geod(ellps="WGS84")
    assert geod.inv(*proper, *mislabelled)[2] < 2.0
    assert "names World Geodetic System 1984" in note  # the trap is said, with the datum the file named
    assert "EPSG:9209" in note and "--crs" in note
    # read as the .prj says, it lands far off: the case this guards is real
    as_written = Transformer.from_crs(CRS.from_wkt(WGS84_NAMED_TM3), 4326, always_xy=True)
    x, y = Transformer.from_crs(4326, 9209, always_xy=True).transform(*PLACE)
    assert geod.inv(*proper, *as_written.transform(x, y))[2] > 100


def test_utm_and_other_tm_projections_are_left_as_they_are():
    utm = CRS.from_epsg(32648)  # WGS 84 / UTM 48N: scale 0.9996
    assert vncrs.normalize_vn2000(utm) == (utm, None)
    odd = CRS.from_proj4("+proj=tmerc +lon_0=105.5 +k=0.9999 +x_0=200000 +datum=WGS84 +units=m")
    assert vncrs.normalize_vn2000(odd)[1] is None  # not VN-2000's false easting
    off_zone = CRS.from_proj4("+proj=tmerc +lon_0=100 +k=0.9999 +x_0=500000 +datum=WGS84 +units=m")
    assert vncrs.normalize_vn2000(off_zone)[1] is None  # not a VN-2000 meridian
