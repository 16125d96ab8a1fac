"""Raster tiles (issue 13 item 2) compared pixel by pixel with an independent oracle: `gdalwarp
-t_srs EPSG:3857 -te <tile> -ts 256 256` of the same stored COG, coloured by the test itself
from the legend (not by tiles.raster.colour). Plus what a tile costs: the deadline and queue
bound of the render pool, the cache, and ETags that change with the file or the colours."""
from __future__ import annotations

import asyncio
import io
import tempfile
import time
from dataclasses import fields, replace
from pathlib import Path

import morecantile
import numpy as np
import pytest
from PIL import Image

from layers.jobs.rasters.store import raster_path
from layers.read.rasters import RasterInfo
from layers.workers.bounded import Busy
from tests.support import isolated_settings
from tests.tiles import raster_cogs as cogs
from tiles.raster import render
from tiles.raster.service import NoSuchTile, RasterTileService, check_tile, tile_tag
from tiles.raster.zooms import zoom_range

TMS = morecantile.tms.get("WebMercatorQuad")


def fresh_settings():
    """Settings with an empty tile cache of the default size (a service of its own per test)."""
    return isolated_settings(Path(tempfile.mkdtemp(prefix="r3-home-")))


@pytest.fixture(scope="module")
def home(settings, tmp_path_factory):
    return settings.model_copy(update={"raster_dir": tmp_path_factory.mktemp("r3-rasters")})


@pytest.fixture(scope="module")
def rasters(databases, schema_template, home, tmp_path_factory) -> dict[str, RasterInfo]:
    url = databases.create(template=schema_template)
    rows = cogs.register_all(url, home, tmp_path_factory.mktemp("r3-src"))
    names = [f.name for f in fields(RasterInfo) if f.name not in ("bbox", "path")]
    return {name: RasterInfo(**{k: row[k] for k in names}, bbox=tuple(row["bbox"]), path=raster_path(home, row))
            for name, row in rows.items()}


def centre_tile(r: RasterInfo, z: int) -> morecantile.Tile:
    west, south, east, north = r.bbox
    return TMS.tile((west + east) / 2, (south + north) / 2, z)


def decode(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


def expected_categorical(values: np.ndarray, valid: np.ndarray) -> np.ndarray:
    out = np.zeros((*values.shape, 4), dtype=np.uint8)
    for c in cogs.LANDCOVER["classes"]:
        hit = valid & (values == c["value"])
        out[hit] = (*cogs.rgb(c["colour"]), 255)
    return out


@pytest.mark.parametrize("zoom_offset", [0, -2, 1])  # native zoom, an overview, past native
def test_categorical_tile_matches_gdalwarp_nearest(rasters, tmp_path, zoom_offset):
    r = rasters["r3_landcover"]
    low, high = zoom_range(r.resolution_m, r.bbox)
    z = high - 2 + zoom_offset
    west, south, east, north = r.bbox
    t = TMS.tile((west + east) / 2, north - (north - south) * 0.05, z)  # takes in the nodata strip
    got = decode(render.render_tile(r, t.z, t.x, t.y, "png"))
    values, valid = cogs.warp(r.path, t.z, t.x, t.y, "near", tmp_path / "oracle.tif")
    want = expected_categorical(values[0], valid)
    same = np.all(got == want, axis=-1).mean()
    assert same >= 0.99, f"only {same:.3%} of pixels match gdalwarp at z{z}"
    # The case discriminates: all three classes, unnamed class 9 and nodata (transparent) are in the tile.
    colours = {tuple(p) for p in want.reshape(-1, 4)}
    assert len(colours) == 4 and (0, 0, 0, 0) in colours
    assert (values[0][valid] == 9).any() and (~valid).any()


def test_webp_of_a_legend_keeps_exact_colours(rasters):
    r = rasters["r3_landcover"]
    t = centre_tile(r, zoom_range(r.resolution_m, r.bbox)[1] - 2)
    png, webp = (render.render_tile(r, t.z, t.x, t.y, fmt) for fmt in ("png", "webp"))
    assert webp[:4] == b"RIFF" and webp[8:12] == b"WEBP" and png[:8] == b"\x89PNG\r\n\x1a\n"
    assert np.array_equal(decode(png), decode(webp))


def ramp_colour(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    at = np.array([s[0] for s in cogs.STOPS["stops"]], dtype=float)
    cols = np.array([cogs.rgb(s[1]) for s in cogs.STOPS["stops"]], dtype=float)
    v = np.clip(values, lo, hi)
    return np.stack([np.interp(v, at, cols[:, i]) for i in range(3)], axis=-1)


def test_continuous_tile_matches_gdalwarp_bilinear_within_a_colour_step(rasters, tmp_path):
    r = rasters["r3_elevation"]
    z = zoom_range(r.resolution_m, r.bbox)[1] - 2
    west, south, east, north = r.bbox
    t = TMS.tile(west + (east - west) * 0.08, north - (north - south) * 0.08, z)  # the nodata corner
    got = decode(render.render_tile(r, t.z, t.x, t.y, "png"))
    values, valid = cogs.warp(r.path, t.z, t.x, t.y, "bilinear", tmp_path / "oracle.tif")
    assert (~valid).sum() > 500 and valid.sum() > 500  # both nodata and data in the tile
    alpha_agree = ((got[..., 3] > 0) == valid).mean()
    assert alpha_agree >= 0.99
    both = valid & (got[..., 3] > 0)
    want = ramp_colour(values[0], r.value_min, r.value_max)
    diff = np.abs(got[..., :3].astype(float) - want)[both].max(axis=-1)
    # One step of the 256-entry ramp spans (max − min)/255 of value: up to ~8 levels of a channel here.
    assert (diff <= 10).mean() >= 0.98, f"{(diff <= 10).mean():.3%} within 10 levels"
    assert np.ptp(got[..., 0][both]) > 50  # the tile is not one flat colour


def test_imagery_tile_matches_gdalwarp_bilinear(rasters, tmp_path):
    r = rasters["r3_imagery"]
    t = centre_tile(r, 16)
    values, valid = cogs.warp(r.path, t.z, t.x, t.y, "bilinear", tmp_path / "oracle.tif")
    want = np.moveaxis(values, 0, -1).astype(float)
    for fmt, tolerance in (("png", 3), ("webp", 12)):
        got = decode(render.render_tile(r, t.z, t.x, t.y, fmt))
        both = valid & (got[..., 3] > 0)
        assert both.mean() > 0.9
        diff = np.abs(got[..., :3].astype(float) - want)[both]
        within = (diff.max(axis=-1) <= tolerance).mean()
        assert np.median(diff) <= tolerance / 3 and within >= 0.98, (fmt, np.median(diff), within)


def test_outside_the_footprint_is_transparent_and_outside_the_zooms_is_no_tile(rasters):
    r = rasters["r3_landcover"]
    low, high = zoom_range(r.resolution_m, r.bbox)
    far = TMS.tile(r.bbox[2] + 0.5, r.bbox[1], high)
    assert render.render_tile(r, far.z, far.x, far.y, "png") is None
    service = RasterTileService(fresh_settings())
    tile = asyncio.run(service.tile(r, far.z, far.x, far.y, "png"))
    assert tile.media_type == "image/png" and (decode(tile.data)[..., 3] == 0).all()
    with pytest.raises(NoSuchTile) as exc:
        check_tile(r, high + 1, 0, 0)
    assert exc.value.reason == "zoom" and exc.value.values["top"] == high
    with pytest.raises(NoSuchTile):
        check_tile(r, 3, 8, 0)
    with pytest.raises(NoSuchTile):
        check_tile(r, 3, 0, -1)


def test_tags_change_with_the_file_the_colours_or_the_format_only(rasters):
    r = rasters["r3_landcover"]
    tag = tile_tag(r, "png", 14, 1, 2)
    assert tile_tag(r, "png", 14, 1, 2) == tag
    assert tile_tag(r, "webp", 14, 1, 2) != tag
    assert tile_tag(replace(r, version=r.version + 1), "png", 14, 1, 2) != tag
    assert tile_tag(replace(r, sha256="0" * 64), "png", 14, 1, 2) != tag
    legend = {"classes": [{**c, "colour": "#000000"} if c["value"] == 1 else c for c in r.legend["classes"]]}
    assert tile_tag(replace(r, legend=legend), "png", 14, 1, 2) != tag
    assert tile_tag(replace(r, title_en="Other words"), "png", 14, 1, 2) == tag


def test_a_cached_tile_is_not_rendered_again_and_a_304_needs_no_render(rasters):
    r = rasters["r3_landcover"]
    service = RasterTileService(fresh_settings())
    t = centre_tile(r, 13)

    async def go():
        first = await service.tile(r, t.z, t.x, t.y, "png")
        misses = service.cache.misses
        again = await service.tile(r, t.z, t.x, t.y, "png")
        assert again.data == first.data and service.cache.misses == misses and service.cache.hits >= 1
        current = await service.tile(r, t.z, t.x, t.y, "png", f'"{first.tag}"')
        assert current.data is None and current.tag == first.tag
    asyncio.run(go())


def test_renders_are_bounded_by_a_deadline_and_a_queue(rasters):
    service = RasterTileService(fresh_settings(), workers=1, deadline_s=0.3)

    async def go():
        started = time.monotonic()
        with pytest.raises(Busy):
            await service.run(time.sleep, 1.0)
        assert time.monotonic() - started < 0.9  # the caller is answered at the deadline
        service._waiting = service.workers * 16  # as many renders waiting as the queue takes
        with pytest.raises(Busy):
            await service.run(time.sleep, 0)
        service._waiting = 0
        await asyncio.sleep(1.0)  # the sleep that overran its deadline still held the one worker
        assert await service.run(sum, [1, 2]) == 3
    asyncio.run(go())
    service.close()
