"""Three small rasters registered with R1's add_raster (so they are the COGs the server really
serves): land cover in VN-2000 TM-3 105°45' (EPSG:9210, classes 1–3, an unnamed class 9 and a
nodata strip), elevation in UTM 48N (float32 with a nodata corner) and an RGB image in UTM 48N.
Also the oracle: `gdalwarp` of the stored COG onto a tile's Web Mercator grid."""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine

from layers.db.engines import connection
from layers.jobs.rasters.store import add_raster, get_raster
from tiles.grid import xy_bounds

TM3, UTM = "EPSG:9210", "EPSG:32648"
LANDCOVER = {"classes": [{"value": 1, "colour": "#1a9641", "label_vi": "Rừng", "label_en": "Forest"},
                         {"value": 2, "colour": "#fdae61", "label_vi": "Lúa", "label_en": "Rice"},
                         {"value": 3, "colour": "#2b83ba", "label_vi": "Nước", "label_en": "Water"}]}
STOPS = {"stops": [[0, "#00ff00"], [500, "#ffff00"], [1000, "#ff0000"]]}


def _write(path: Path, data: np.ndarray, crs: str, origin, res: float, nodata=None) -> Path:
    data = data if data.ndim == 3 else data[None]
    with rasterio.open(path, "w", driver="GTiff", width=data.shape[2], height=data.shape[1], count=data.shape[0],
                       dtype=data.dtype, crs=crs, transform=Affine(res, 0, origin[0], 0, -res, origin[1]),
                       nodata=nodata) as dst:
        dst.write(data)
    return path


def landcover_array(h: int = 600, w: int = 800) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w]
    a = (1 + (xx // 37 + yy // 53) % 3).astype("uint8")
    a[(xx // 23) % 5 == 0] = 9  # a value the legend does not name: transparent
    a[:40, :] = 0  # nodata
    return a


def elevation_array(h: int = 500, w: int = 600) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w]
    a = (xx * 1.3 + yy * 0.7 + 50 * np.sin(xx / 17.0)).astype("float32")
    a[:60, :80] = -9999
    return a


def imagery_array(h: int = 512, w: int = 512) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w]
    # Smooth (fields and slopes, not a sawtooth): bilinear implementations then differ by a level or two.
    return np.rint(np.stack([128 + 100 * np.sin(xx / 23.0), 128 + 100 * np.cos(yy / 31.0),
                             128 + 90 * np.sin((xx + yy) / 41.0)])).astype("uint8")


def register_all(url: str, settings, folder: Path) -> dict[str, dict]:
    """landcover (10 m), elevation (20 m), imagery (2 m) recorded in database `url`."""
    folder.mkdir(parents=True, exist_ok=True)
    src = {
        "r3_landcover": (_write(folder / "lc.tif", landcover_array(), TM3, (560_000.0, 2_340_000.0), 10.0, 0),
                         dict(kind="categorical", legend=LANDCOVER, title_vi="Lớp phủ", title_en="Land cover")),
        "r3_elevation": (_write(folder / "dem.tif", elevation_array(), UTM, (585_000.0, 2_338_000.0), 20.0, -9999),
                         dict(kind="continuous", legend=STOPS, units="m", title_vi="Độ cao", title_en="Elevation")),
        "r3_imagery": (_write(folder / "img.tif", imagery_array(), UTM, (590_000.0, 2_335_000.0), 2.0),
                       dict(kind="imagery", title_vi="Ảnh", title_en="Imagery", source="synthetic test image")),
    }
    with connection(url) as conn:
        for name, (path, kw) in src.items():
            add_raster(conn, settings, name, path, **kw)
        return {name: get_raster(conn, name) for name in src}


def warp(cog: Path, z: int, x: int, y: int, resampling: str, out: Path) -> tuple[np.ndarray, np.ndarray]:
    """gdalwarp of `cog` onto tile z/x/y (EPSG:3857, 256×256): (bands, valid mask)."""
    xmin, ymin, xmax, ymax = xy_bounds(z, x, y)
    subprocess.run(["gdalwarp", "-q", "-overwrite", "-t_srs", "EPSG:3857", "-te", repr(xmin), repr(ymin), repr(xmax),
                    repr(ymax), "-ts", "256", "256", "-r", resampling, "-dstalpha", str(cog), str(out)], check=True)
    with rasterio.open(out) as ds:
        data = ds.read()
    return data[:-1], data[-1] > 0


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
