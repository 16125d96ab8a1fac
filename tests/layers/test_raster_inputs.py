"""Raster import inputs (issue 13): what is accepted (VRT mosaics, JPEG2000, files without a CRS,
--nodata, degrees under a metre CRS) and what is refused with one line and nothing stored (a
truncated TIFF, a text file, 100,000 × 100,000 pixels before a pixel is read, outside Vietnam,
axes swapped, a VRT reaching beyond local GeoTIFF/JPEG2000 files, a bad legend colour), through
`add_raster` and the `ntm-map raster` command."""
from __future__ import annotations

import time

import numpy as np
import psycopg
import pytest
import rasterio
import rasterio.shutil
from affine import Affine
from click.testing import CliRunner
from pyproj import Transformer
from rio_cogeo.cogeo import cog_validate

from api.cli import main
from geo.raster_checks import RasterProblem
from layers.db.engines import connection
from layers.jobs.rasters.store import add_raster
from tests.layers.test_raster_import import LANDCOVER, ORIGIN, STOPS, classes, files, write_tif


@pytest.fixture
def home(settings, tmp_path):
    return settings.model_copy(update={"raster_dir": tmp_path / "rasters"})


def add(url, home, src, **kw):
    kw = {"kind": "continuous", "title_vi": "Thử", "legend": STOPS, **kw}
    if kw["kind"] != "continuous" and kw["legend"] is STOPS:
        kw["legend"] = LANDCOVER if kw["kind"] == "categorical" else None
    with connection(url) as conn:
        return add_raster(conn, home, kw.pop("name", "test_raster"), src, **kw)


def nothing_stored(url, home) -> bool:
    with psycopg.connect(url) as c:
        rows = c.execute("SELECT count(*) FROM rasters").fetchone()[0]
    return rows == 0 and [f for f in files(home) if not f.endswith("test_raster")] == []


def dem(h=200, w=300) -> np.ndarray:
    return np.linspace(0, 500, h * w, dtype="float32").reshape(h, w)


@pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")  # the files made here
@pytest.mark.parametrize("case", ["truncated", "text", "huge", "huge_vrt", "outside", "swapped", "grid", "plain",
                                  "kind", "nodata"])
def test_bad_rasters_are_refused_with_nothing_stored(schema_db, home, tmp_path, case):
    path = tmp_path / "in.tif"
    if case == "truncated":
        whole = write_tif(tmp_path / "whole.tif", np.random.default_rng(0).random((1500, 1500)).astype("float32"))
        path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
        expected = "could not be read to the end"
    elif case == "text":
        path.write_text("value,colour\n1,#ff0000\n")
        expected = "not a GeoTIFF, JPEG2000 or VRT file"
    elif case == "huge":  # a sparse file: header only, no pixel written
        with rasterio.open(path, "w", driver="GTiff", width=100_000, height=100_000, count=1, dtype="uint8",
                           crs="EPSG:9210", transform=Affine(1, 0, *ORIGIN[:1], 0, -1, ORIGIN[1]),
                           tiled=True, SPARSE_OK=True):
            pass
        assert path.stat().st_size < 50_000_000
        expected = "100,000 × 100,000 = 10,000,000,000 pixels, over the limit of 2,000,000,000"
    elif case == "huge_vrt":  # a VRT declaring 100,000 × 100,000 over one small tile
        write_tif(tmp_path / "a.tif", classes(100, 100))
        path = tmp_path / "in.vrt"
        path.write_text(_vrt([("a.tif", 0)]).replace('rasterXSize="100" rasterYSize="100"',
                                                     'rasterXSize="100000" rasterYSize="100000"'))
        expected = "100,000 × 100,000 = 10,000,000,000 pixels"
    elif case == "outside":  # UTM 33N: central Europe
        write_tif(path, dem(), crs="EPSG:32633", origin=(500_000, 5_000_000))
        expected = r"outside Vietnam \(longitude 15.0000 to 15.0382, latitude 45.1355 to 45.1535\)"
    elif case == "swapped":  # latitude written as x, no CRS
        write_tif(path, dem(), crs=None, origin=(18.7, 105.7), res=0.0001)
        expected = "x and y swapped"
    elif case == "grid":
        with rasterio.open(path, "w", driver="GTiff", width=10, height=10, count=1, dtype="uint8", crs="EPSG:9210",
                           transform=Affine(10, 2, ORIGIN[0], 2, -10, ORIGIN[1])) as d:
            d.write(np.ones((1, 10, 10), "uint8"))
        expected = "rotated"
    elif case == "plain":  # a picture: no GeoTIFF tags, no world file
        with rasterio.open(path, "w", driver="GTiff", width=10, height=10, count=1, dtype="float32") as d:
            d.write(np.ones((1, 10, 10), "float32"))
        expected = "no georeferencing"
    elif case == "nodata":
        write_tif(path, classes())
        expected = "--nodata nan cannot be stored in this raster's uint8 pixels"
    else:
        write_tif(path, dem())
        expected = "whole-number classes"
    kind = "categorical" if case in ("huge", "huge_vrt", "kind", "nodata") else "continuous"
    started = time.perf_counter()
    with pytest.raises(RasterProblem, match=expected):
        add(schema_db, home, path, kind=kind, **({"nodata": float("nan")} if case == "nodata" else {}))
    if case.startswith("huge"):
        assert time.perf_counter() - started < 2  # refused on the header, not after reading pixels
    assert nothing_stored(schema_db, home)


def test_vrt_mosaic_of_local_tiles_is_read_through(schema_db, home, tmp_path):
    left, right = classes(100, 100), (classes(100, 100) % 3 + 1).astype("uint8")
    write_tif(tmp_path / "a.tif", left)
    write_tif(tmp_path / "b.tif", right, origin=(ORIGIN[0] + 1000, ORIGIN[1]))
    (tmp_path / "m.vrt").write_text(_vrt([("a.tif", 0), ("b.tif", 100)]))
    row = add(schema_db, home, tmp_path / "m.vrt", kind="categorical")
    with rasterio.open(home.raster_dir / row["file"]) as cog:
        assert cog.width == 200 and (cog.read(1) == np.hstack([left, right])).all()
    assert row["crs"] == "EPSG:9210"


@pytest.mark.parametrize("source, expected", [
    ("/vsicurl/http://example.com/a.tif", "not a local file"),
    ("http://example.com/a.tif", "not a local file"),
    ("a.png", "not a GeoTIFF or JPEG2000 file"),
    ("missing.tif", "does not exist"),
])
def test_vrt_reaching_beyond_local_tiffs_is_refused(schema_db, home, tmp_path, source, expected):
    (tmp_path / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "m.vrt").write_text(_vrt([(source, 0)]))
    with pytest.raises(RasterProblem, match=expected):
        add(schema_db, home, tmp_path / "m.vrt", kind="categorical")
    assert nothing_stored(schema_db, home)


def test_vrt_source_that_is_not_a_tiff_inside_is_refused(schema_db, home, tmp_path):
    (tmp_path / "fake.tif").write_text("<VRTDataset/>")  # a VRT dressed as a .tif: not opened as VRT
    (tmp_path / "m.vrt").write_text(_vrt([("fake.tif", 0)]))
    with pytest.raises(RasterProblem, match="fake.tif is not a GeoTIFF or JPEG2000 file"):
        add(schema_db, home, tmp_path / "m.vrt", kind="categorical")


def _vrt(sources: list[tuple[str, int]]) -> str:
    t = Affine(10, 0, ORIGIN[0], 0, -10, ORIGIN[1])
    body = "".join(
        f'<SimpleSource><SourceFilename relativeToVRT="{0 if "/" in name else 1}">{name}</SourceFilename>'
        f'<SourceBand>1</SourceBand><SrcRect xOff="0" yOff="0" xSize="100" ySize="100"/>'
        f'<DstRect xOff="{x}" yOff="0" xSize="100" ySize="100"/></SimpleSource>' for name, x in sources)
    return (f'<VRTDataset rasterXSize="{100 * len(sources)}" '
            f'rasterYSize="100"><SRS>EPSG:9210</SRS><GeoTransform>{t.c}, {t.a}, 0, {t.f}, 0, {t.e}</GeoTransform>'
            f'<VRTRasterBand dataType="Byte" band="1">{body}</VRTRasterBand></VRTDataset>')


def test_jpeg2000_is_read(schema_db, home, tmp_path):
    data = classes(120, 160)
    tif = write_tif(tmp_path / "lc.tif", data)
    rasterio.shutil.copy(tif, tmp_path / "lc.jp2", driver="JP2OpenJPEG", REVERSIBLE="YES", QUALITY=100)
    row = add(schema_db, home, tmp_path / "lc.jp2", kind="categorical")
    with rasterio.open(home.raster_dir / row["file"]) as cog:
        assert (cog.read(1) == data).all() and cog.crs.to_epsg() == 9210
    assert cog_validate(str(home.raster_dir / row["file"]))[0]


def test_no_crs_metres_are_matched_to_the_demo_province_zone(demo_db, home, tmp_path):
    x, y = Transformer.from_crs(4326, 9208, always_xy=True).transform(105.30, 19.05)  # western Nghệ An
    src = write_tif(tmp_path / "lc.tif", classes(), crs=None, origin=(x, y), nodata=None)
    row = add(demo_db, home, src, kind="categorical", nodata=0)
    assert row["crs"] == "EPSG:9208" and any("of Nghệ An (EPSG:9208)" in n for n in row["notes"])
    assert not any("assumed" in n for n in row["notes"])  # found from the loaded province, not assumed
    assert row["bbox"][0] == pytest.approx(105.30, abs=1e-3) and row["bbox"][3] == pytest.approx(19.05, abs=1e-3)
    with rasterio.open(home.raster_dir / row["file"]) as cog:
        assert cog.nodata == 0 and cog.crs.to_epsg() == 9208  # --nodata and the guessed CRS are in the COG


def test_geographic_input_is_stored_as_given(schema_db, home, tmp_path):
    src = write_tif(tmp_path / "d.tif", dem(), crs="EPSG:4326", origin=(105.5, 19.0), res=0.0001)
    row = add(schema_db, home, src)
    assert row["crs"] == "EPSG:4326" and row["resolution_m"] == pytest.approx(11.06, abs=0.05)
    assert row["bbox"] == pytest.approx([105.5, 18.98, 105.53, 19.0])


def test_degrees_under_a_metre_crs_are_read_as_degrees(schema_db, home, tmp_path):
    src = write_tif(tmp_path / "d.tif", dem(), crs="EPSG:9210", origin=(105.5, 19.0), res=0.0001)
    row = add(schema_db, home, src)
    assert row["crs"] == "EPSG:4756"  # VN-2000 geographic, the projection's own datum
    assert row["bbox"][0] == pytest.approx(105.5, abs=0.01)


def test_imagery_with_nodata_is_lossless_and_rgba_keeps_its_mask(schema_db, home, tmp_path):
    rgb = np.full((3, 100, 100), 120, "uint8")
    rgb[:, :, :10] = 0  # the first ten columns are nodata
    row = add(schema_db, home, write_tif(tmp_path / "n.tif", rgb, nodata=0), kind="imagery", name="img_nodata")
    with rasterio.open(home.raster_dir / row["file"]) as cog:
        assert cog.profile["compress"].lower() == "deflate" and cog.nodata == 0 and (cog.read() == rgb).all()
    rgba = np.concatenate([rgb, np.where(rgb[:1] == 0, 0, 255).astype("uint8")])
    row = add(schema_db, home, write_tif(tmp_path / "a.tif", rgba, photometric="RGB", alpha="YES"),
              kind="imagery", name="img_alpha")
    with rasterio.open(home.raster_dir / row["file"]) as cog:
        assert cog.profile["compress"].lower() == "jpeg"
        assert (cog.dataset_mask()[:, :10] == 0).all() and (cog.dataset_mask()[:, 10:] == 255).all()
    assert row["band_count"] == cog.count == 3  # the alpha band became the mask: the row says what is stored


def cli(url, home, *args):
    return CliRunner().invoke(main, ["raster", *args], env={"DATABASE_URL": url, "NTM_RASTER_DIR": str(home.raster_dir)})


def test_cli_add_list_remove_and_one_line_refusals(schema_db, home, tmp_path):
    src = write_tif(tmp_path / "lc.tif", classes())
    legend = tmp_path / "legend.csv"
    legend.write_text("value,colour,label_vi,label_en\n1,#1a9641,Rừng,Forest\n2,#fdae6,Lúa,Rice\n", encoding="utf-8")
    r = cli(schema_db, home, "add", "landcover", str(src), "--kind", "categorical", "--legend", str(legend),
            "--title-vi", "Hiện trạng")
    assert r.exit_code == 1 and "legend.csv line 3: bad colour '#fdae6'" in r.output and "Traceback" not in r.output
    legend.write_text("value,colour,label_vi,label_en\n1,#1a9641,Rừng,Forest\n2,#fdae61,Lúa,Rice\n3,#00f,Nước,\n")
    r = cli(schema_db, home, "add", "landcover", str(src), "--kind", "categorical", "--legend", str(legend),
            "--title-vi", "Hiện trạng", "--acquired", "2025-06-01", "--licence", "CC-BY-4.0")
    assert r.exit_code == 0, r.output
    assert "landcover v1: categorical, 400 × 300 px, 10.00 m/px, EPSG:9210" in r.output
    r = cli(schema_db, home, "add", "communes", str(src), "--kind", "categorical", "--legend", str(legend),
            "--title-vi", "X")
    assert r.exit_code == 1 and "already a vector layer's collection id" in r.output
    r = cli(schema_db, home, "add", "commune_indicators", str(src), "--kind", "categorical", "--legend", str(legend),
            "--title-vi", "X")
    assert r.exit_code == 1 and "already an open-data dataset's id" in r.output
    r = cli(schema_db, home, "list")
    assert r.exit_code == 0 and r.output.startswith("landcover ") and "Hiện trạng" in r.output
    with psycopg.connect(schema_db) as c:
        legend_row, acquired = c.execute("SELECT legend, acquired::text FROM rasters").fetchone()
    assert legend_row["classes"][2] == {"value": 3, "colour": "#0000ff", "label_vi": "Nước", "label_en": "Nước"}
    assert acquired == "2025-06-01"
    assert cli(schema_db, home, "remove", "landcover").exit_code == 0 and files(home) == []
    r = cli(schema_db, home, "remove", "landcover")
    assert r.exit_code == 1 and "no raster named 'landcover'" in r.output


@pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")
def test_world_file_without_crs_and_legend_gaps_are_told(schema_db, home, tmp_path):
    """A TIFF placed by a .tfw (how many orthophotos arrive) with no CRS: the zone is guessed."""
    src = tmp_path / "ortho.tif"
    data = classes(100, 100)
    data[0, 0] = 9  # a class the legend does not have
    with rasterio.open(src, "w", driver="GTiff", width=100, height=100, count=1, dtype="uint8") as d:
        d.write(data[None])
    (tmp_path / "ortho.tfw").write_text("0.5\n0\n0\n-0.5\n560000.25\n2299999.75\n")
    row = add(schema_db, home, src, kind="categorical")
    assert row["crs"] == "EPSG:9208" and row["resolution_m"] == pytest.approx(0.5)
    assert any("assumed VN-2000 TM-3 zone 104.75°" in n for n in row["notes"])
    assert any("values run from 1 to 9 but the legend covers 1 to 3" in n for n in row["notes"])
    with rasterio.open(home.raster_dir / row["file"]) as cog:
        assert cog.transform == Affine(0.5, 0, 560_000, 0, -0.5, 2_300_000)  # the .tfw's pixel centre → corner


def test_a_block_larger_than_the_gdal_cache_is_refused(schema_db, settings, tmp_path):
    """Tiles of 4,096 × 4,096 × 16 bits (32 MB each once decoded) against a 16 MB cache."""
    small_cache = settings.model_copy(update={"raster_dir": tmp_path / "rasters", "raster_gdal_cache_mb": 16})
    src = write_tif(tmp_path / "big_tiles.tif", np.zeros((4096, 4096), "uint16"), tiled=True, blockxsize=4096,
                    blockysize=4096, compress="deflate")
    with rasterio.open(src) as d:
        assert d.block_shapes[0] == (4096, 4096)
    with pytest.raises(RasterProblem, match=r"blocks of 4,096 × 4,096 pixels \(32 MB each\), more than GDAL's "
                                            r"cache of 16 MB"):
        add(schema_db, small_cache, src, kind="categorical")
    assert add(schema_db, small_cache.model_copy(update={"raster_gdal_cache_mb": 64}), src,
               kind="categorical")["width"] == 4096


@pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")
def test_a_paletted_class_map_keeps_its_values_through_the_crs_vrt(tmp_path):
    from layers.jobs.rasters.cog import convert

    src = tmp_path / "pal.tif"
    data = classes(300, 300)
    with rasterio.open(src, "w", driver="GTiff", width=300, height=300, count=1, dtype="uint8",
                       transform=Affine(10, 0, *ORIGIN[:1], 0, -10, ORIGIN[1])) as d:  # no CRS: guessed
        d.write(data[None])
        d.write_colormap(1, {1: (255, 0, 0, 255), 2: (0, 255, 0, 255), 3: (0, 0, 255, 255)})
    out = convert(src, tmp_path / "out.tif", kind="categorical", nodata=0, max_pixels=10**9, cache_mb=64)
    with rasterio.open(tmp_path / "out.tif") as cog:
        assert out.crs == "EPSG:9208" and cog.nodata == 0 and (cog.read(1) == data).all()
