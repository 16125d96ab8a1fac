"""CRS URIs of OGC API Part 2: parsing, axis order, bbox checks."""
from __future__ import annotations

import pytest

from geo import ogc_crs


@pytest.mark.parametrize("text, srid, lat_first", [
    (None, 4326, False), ("http://www.opengis.net/def/crs/OGC/1.3/CRS84", 4326, False), ("[OGC:CRS84]", 4326, False),
    ("http://www.opengis.net/def/crs/EPSG/0/4326", 4326, True), ("EPSG:4756", 4756, True),
    ("urn:ogc:def:crs:EPSG::3405", 3405, False), ("[EPSG:9217]", 9217, False), ("EPSG:3857", 3857, False),
])
def test_parse_knows_the_axis_order(text, srid, lat_first):
    crs = ogc_crs.parse(text)
    assert (crs.srid, crs.lat_first) == (srid, lat_first)
    assert crs.decimals == (7 if srid in (4326, 4756) else 2)


@pytest.mark.parametrize("text", ["EPSG:27700", "EPSG:abc", "http://example.com/crs/4326", "WGS84", ""])
def test_unsupported_crs_lists_what_is_offered(text):
    with pytest.raises(ogc_crs.UnsupportedCRS) as e:
        ogc_crs.parse(text)
    assert "9218" in str(e.value) and "CRS84" in str(e.value)


def test_every_supported_uri_parses_back():
    for uri in ogc_crs.supported():
        assert ogc_crs.parse(uri).uri == uri


def test_bbox_parsing_and_order():
    assert ogc_crs.parse_bbox("104.5, 18.5, 105, 19") == (104.5, 18.5, 105.0, 19.0)
    assert ogc_crs.parse_bbox("1,2,0,3,4,10") == (1.0, 2.0, 3.0, 4.0)
    latlon = ogc_crs.parse("EPSG:4326")
    assert ogc_crs.bbox_to_xy((18.5, 104.5, 19.0, 105.0), latlon) == (104.5, 18.5, 105.0, 19.0)
    for bad in ("1,2,3", "1,2,3,x", "nan,1,2,3", "1,2,3,4,5"):
        with pytest.raises(ValueError):
            ogc_crs.parse_bbox(bad)
    with pytest.raises(ValueError, match="latitude"):
        ogc_crs.bbox_to_xy((104.5, 18.5, 105.0, 19.0), latlon)  # lon/lat given where lat/lon is due
    with pytest.raises(ValueError, match="lower corner"):
        ogc_crs.bbox_to_xy((105.0, 18.5, 104.0, 19.0), ogc_crs.parse(None))
