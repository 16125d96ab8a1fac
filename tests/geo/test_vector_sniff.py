"""A user's vector file is opened only as what its name says (issue 11, item 1).

The sniffing alone (geo.vector_sniff), then open_vector end to end: hostile files are refused
before GDAL reads what they point at, and the secret never shows in the message; legitimate files
of every format still open; the administrator's trusted mode still reads a VRT; GDAL's network
stays off while an untrusted file is read.
"""
from __future__ import annotations

import io
import json
import warnings
import zipfile

import geopandas as gpd
import pyogrio
import pytest
import shapely

from geo import gdal_config, vector_io, vector_sniff
from geo.vector_io import FileProblem, UnsafeFile, open_vector, read_chunks
from geo.vector_sniff import Refused, check_file, check_stream, shorten, untrusted_path
from tests.hostile_files import SECRET, canary, gdalg, geojson_with_crs_link, secret_file, vrt, zipped

P = shapely.Point(105.70, 18.70)


def sniff(suffix: str, content: bytes) -> str | None:
    """The refusal message for `content` declared as `suffix`, or None when it is accepted."""
    try:
        check_stream(io.BytesIO(content), suffix)
    except Refused as exc:
        return str(exc)
    return None


# --- the first bytes must be the declared format ---------------------------------------------

def legitimate(tmp_path, driver: str, name: str):
    path = tmp_path / name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gdf = gpd.GeoDataFrame({"name": ["a"]}, geometry=[P], crs=4326)
        kwargs = {"layer_options": {"GEOMETRY": "AS_WKT"}} if driver == "CSV" else {}
        pyogrio.write_dataframe(gdf, path, driver=driver, **kwargs)
    return path


@pytest.mark.parametrize("driver, name", [
    ("GeoJSON", "a.geojson"), ("GeoJSON", "a.json"), ("GPKG", "a.gpkg"), ("ESRI Shapefile", "a.shp"),
    ("FlatGeobuf", "a.fgb"), ("GPX", "a.gpx"), ("KML", "a.kml"), ("LIBKML", "a.kml"), ("CSV", "a.csv"),
])
def test_files_written_by_gdal_pass_the_sniff_and_open(tmp_path, driver, name):
    path = legitimate(tmp_path, driver, name)
    check_file(path)
    src = open_vector(path, target="Point")
    assert src.driver in vector_sniff.ALLOWED_DRIVERS[path.suffix]
    assert len(next(read_chunks(src))) == 1


@pytest.mark.parametrize("suffix, content, expected", [
    (".geojson", b"<OGRVRTDataSource/>", "is not GeoJSON"),
    (".json", b"\xef\xbb\xbf  [1, 2]", "is not GeoJSON"),
    (".kml", b'<?xml version="1.0"?><!-- x --><OGRVRTDataSource/>', "first XML element is 'OGRVRTDataSource'"),
    (".kml", b'<?xml version="1.0"?><gpx/>', "is not KML"),
    (".gpx", b"<kml/>", "is not GPX"),
    (".kml", b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]><kml>&x;</kml>',
     "declares a DOCTYPE"),
    (".gpkg", b"<OGRVRTDataSource/>", "no SQLite header"),
    (".shp", b"\x00\x00\x27\x0a" + b"\x00" * 10, "no file code 9994"),
    (".shp", b"<VRTDataset/>" + b" " * 200, "no file code 9994"),
    (".fgb", b"fgb\x02fgb\x00", "no fgb magic"),
    (".csv", b"a,b\n\x00\x01", "holds NUL bytes"),
])
def test_content_that_is_not_the_declared_format_is_refused(suffix, content, expected):
    assert expected in (sniff(suffix, content) or "accepted")


@pytest.mark.parametrize("suffix, content", [
    (".geojson", b'{"type": "FeatureCollection", "name": "<OGRVRTDataSource>", "features": []}'),
    (".json", b'{"type": "gdal_streamed_alg", "command_line": "gdal vector pipeline ! read /etc/passwd"}'),
    (".kml", b'<?xml version="1.0"?><kml><Document><name><![CDATA[<VRTDataset>]]></name></Document></kml>'),
    (".csv", b"ten,wkt\n<OGRVRTDataSource>,POINT (1 2)\n"),
    (".geojson", b'{"features": [' + b'{"type": "Feature"}, ' * 200_000 + b'{"x": "<ogrvrtdatasource>"}]}'),
])
def test_marks_of_file_referencing_formats_are_refused_anywhere_in_a_text_file(suffix, content):
    assert "refers to other files or URLs" in (sniff(suffix, content) or "accepted")


@pytest.mark.parametrize("crs, accepted", [
    ({"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::9210"}}, True),
    ({"type": "EPSG", "properties": {"code": 4326}}, True),
    ({"properties": {"href": "http://127.0.0.1:9/x.wkt", "type": "ogcwkt"}, "type": "link"}, False),
    ({"type": "URL", "properties": {"url": "file:///etc/passwd"}}, False),
    ({"type": "name", "properties": {"name": "x\\\" }"}, "extra": {"type": "link"}}, True),
    ({"no": "type"}, False),
])
def test_a_geojson_crs_may_name_a_crs_but_not_link_to_one(crs, accepted):
    text = json.dumps({"type": "FeatureCollection", "crs": crs, "features": []}).encode()
    problem = sniff(".geojson", text)
    assert (problem is None) == accepted, problem
    if not accepted:
        assert "never a link to fetch" in problem


def test_a_crs_link_across_a_chunk_boundary_is_still_seen():
    start = b'{"features": [],'
    filler = b" " * (vector_sniff.HEAD + vector_sniff.CHUNK - 3 - len(start))  # "crs" straddles a read
    text = start + filler + b'"crs": {"type": "link", "properties": {"href": "http://x"}}}'
    assert "never a link to fetch" in (sniff(".geojson", text) or "accepted")


def test_archives_are_checked_member_by_member(tmp_path):
    shp = legitimate(tmp_path, "ESRI Shapefile", "a.shp")
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w") as z:
        for part in tmp_path.glob("a.*"):
            z.write(part, part.name)
    check_file(good)
    cases = {
        "vrt_member.zip": ("inner.geojson", vrt("/etc/passwd"), "inner.geojson: is not GeoJSON"),
        "vrt_named.zip": ("x.vrt", vrt("/etc/passwd"), "is a GDAL virtual file"),
        "escape.zip": ("../../x.geojson", "{}", "leaves the archive"),
        "doc.kmz": ("doc.kml", vrt("/etc/passwd"), "doc.kml: is not KML"),
    }
    for name, (member, text, expected) in cases.items():
        (tmp_path / name).write_bytes(zipped(member, text))
        with pytest.raises(Refused, match=expected):
            check_file(tmp_path / name)
    assert shp.exists()


@pytest.mark.parametrize("path, refused", [
    ("/vsicurl/http://127.0.0.1/x.geojson", True), ("/VSIZIP//tmp/a.zip/b.shp", True),
    ("GeoJSON:/vsicurl/http://x/a.json", True), ("CSV:/vsistdin/", True),
    ("http://example.org/a.geojson", True), ("ftp://x/y.shp", True),
    ("/home/ntm/vsi_data/a.geojson", False), ("data/vung.geojson", False),
])
def test_gdal_virtual_paths_and_urls_are_refused(path, refused):
    assert (untrusted_path(path) is not None) == refused


def test_echoed_values_are_cut_short():
    assert shorten("x" * 500) == "x" * 59 + "…"
    assert len(shorten("y" * 61)) == 60 and shorten("short") == "short"
    assert shorten("a\x00b\nc") == "a b c"


# --- open_vector end to end -------------------------------------------------------------------

@pytest.mark.parametrize("name, make", [
    ("vung.geojson", lambda s: vrt(str(s))),
    ("vung.json", lambda s: vrt(str(s))),
    ("vung.kml", lambda s: '<?xml version="1.0"?>\n' + vrt(str(s))),
    ("vung.geojson", lambda s: gdalg(str(s))),
    ("vung.zip", lambda s: ("vung.geojson", vrt(str(s)))),
    ("vung.zip", lambda s: ("vung.kml", vrt(str(s)))),
    ("vung.kmz", lambda s: ("doc.kml", vrt(str(s)))),
])
def test_hostile_files_are_refused_before_gdal_follows_them(tmp_path, name, make):
    made = make(secret_file(tmp_path))
    path = tmp_path / name
    if isinstance(made, tuple):
        path.write_bytes(zipped(*made))
    else:
        path.write_text(made)
    with pytest.raises(UnsafeFile) as caught:
        open_vector(path, target="Polygon")
    assert SECRET not in str(caught.value) and str(path) in str(caught.value)


def test_the_secret_is_readable_through_a_trusted_open_so_the_refusal_above_is_real(tmp_path):
    path = tmp_path / "vung.geojson"
    path.write_text(vrt(str(secret_file(tmp_path))))
    src = open_vector(path, target="Polygon", trusted=True)
    assert src.driver == "OGR_VRT"
    assert next(read_chunks(src))["cay_trong"].str.startswith(SECRET).all()


def test_gdal_virtual_paths_are_refused_unless_trusted(tmp_path):
    path = tmp_path / "a.zip"
    path.write_bytes(zipped("a.geojson", legitimate(tmp_path, "GeoJSON", "a.geojson").read_text()))
    with pytest.raises(UnsafeFile, match="GDAL virtual paths"):
        open_vector(f"/vsizip/{path}/a.geojson")
    assert open_vector(f"/vsizip/{path}/a.geojson", trusted=True).count == 1
    with pytest.raises(UnsafeFile, match="URLs are not accepted"):
        open_vector("https://example.org/vung.geojson")


def test_a_zip_of_one_geojson_is_read_as_geojson(tmp_path):
    path = tmp_path / "a.zip"
    path.write_bytes(zipped("a.geojson", legitimate(tmp_path, "GeoJSON", "a.geojson").read_text()))
    assert open_vector(path).driver == "GeoJSON"
    (tmp_path / "two.zip").write_bytes(zipped("a.geojson", "{}"))
    with zipfile.ZipFile(tmp_path / "two.zip", "a") as z:
        z.writestr("b.geojson", "{}")
    with pytest.raises(FileProblem, match="holds several vector files"):
        open_vector(tmp_path / "two.zip")


def test_a_driver_not_allowed_for_the_declared_type_is_refused(tmp_path):
    """Belt and braces behind the sniff: the driver GDAL picked is checked on the first open."""
    path = legitimate(tmp_path, "GPX", "a.gpx")
    with pytest.raises(UnsafeFile, match="with its GPX driver, not as LIBKML or KML"):
        vector_io._check_driver(str(path), "a.kml", ".kml", {})


def test_gdal_network_is_off_while_an_untrusted_file_is_read(tmp_path, monkeypatch):
    """The guard's own effect, shown on reads the sniff would have refused: a /vsicurl/ source
    and a GeoJSON crs link reach the loopback server when trusted, and never while guarded."""
    for var in ("no_proxy", "NO_PROXY"):  # a no_proxy entry for 127.0.0.1 bypasses the dead proxy
        monkeypatch.delenv(var, raising=False)
    with canary() as (url, hits):
        by_url = tmp_path / "by_url.geojson"
        by_url.write_text(vrt(f"/vsicurl/{url}/secret.csv"))
        crs_link = tmp_path / "crs_link.geojson"
        crs_link.write_text(geojson_with_crs_link(f"{url}/crs.wkt"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with gdal_config.untrusted_reads():
                with pytest.raises(Exception):
                    pyogrio.read_dataframe(by_url)
                pyogrio.read_info(crs_link)
            assert hits == []
            before = {k: pyogrio.get_gdal_config_option(k) for k in gdal_config.UNTRUSTED_GDAL_CONFIG}
            assert before["CPL_VSIL_CURL_ALLOWED_FILENAME"] is None  # restored after the guard
            frame = pyogrio.read_dataframe(by_url)
            pyogrio.read_info(crs_link)
    assert frame["cay_trong"].iloc[0].startswith(SECRET)
    assert "/secret.csv" in hits and "/crs.wkt" in hits
