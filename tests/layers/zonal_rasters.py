"""Small rasters for the zonal-statistics tests, registered straight into `rasters` (what R1's
add_raster writes), so the statistics are tested on pixels the test chose."""
from __future__ import annotations

import hashlib
import json

import numpy as np
import psycopg
import rasterio
from pyproj import Transformer
from rasterio.transform import from_origin
from shapely import box, to_wkt, transform

from layers.jobs.rasters.settings import raster_dir

UTM = "EPSG:32648"
TO_UTM = Transformer.from_crs("EPSG:4326", UTM, always_xy=True)
TO_WGS = Transformer.from_crs(UTM, "EPSG:4326", always_xy=True)

LANDCOVER_LEGEND = {"classes": [
    {"value": 1, "colour": "#1a9641", "label_vi": "Lúa", "label_en": "rice paddy"},
    {"value": 2, "colour": "#a6611a", "label_vi": "Chè", "label_en": "tea"},
]}


def utm_bounds(url: str, sql: str, *args) -> tuple[float, float, float, float]:
    """The UTM 48N bounds of what `sql` selects (one geometry), padded by 100 m."""
    with psycopg.connect(url) as conn:
        xmin, ymin, xmax, ymax = conn.execute(
            f"SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
            f"(SELECT ST_Extent(ST_Transform(geom, 32648)) AS e FROM ({sql}) q) x", args).fetchone()
    return xmin - 100, ymin - 100, xmax + 100, ymax + 100


def split_array(bounds, pixel: float, left: int, right: int, dtype="uint8"):
    """A raster over `bounds` whose west half is `left` and east half `right`."""
    xmin, ymin, xmax, ymax = bounds
    width, height = int((xmax - xmin) // pixel) + 1, int((ymax - ymin) // pixel) + 1
    array = np.full((height, width), right, dtype=dtype)
    array[:, : width // 2] = left
    return array, from_origin(xmin, ymax, pixel, pixel)


def register(url: str, settings, name: str, array, transform_, *, kind: str, version: int = 1,
             legend=None, units=None, nodata=0) -> int:
    """Write the GeoTIFF under raster_dir/<name>/v<version>.tif and upsert its registry row."""
    folder = raster_dir(settings) / name
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"v{version}.tif"
    with rasterio.open(path, "w", driver="GTiff", width=array.shape[1], height=array.shape[0], count=1,
                       dtype=array.dtype, crs=UTM, transform=transform_, nodata=nodata) as dst:
        dst.write(array, 1)
    left, top = transform_ @ (0, 0)
    right, bottom = transform_ @ (array.shape[1], array.shape[0])
    footprint = transform(box(left, bottom, right, top).segmentize(50),
                          lambda xy: np.column_stack(TO_WGS.transform(xy[:, 0], xy[:, 1])))
    data = path.read_bytes()
    with psycopg.connect(url) as conn:
        return conn.execute("""
            INSERT INTO rasters (name, kind, title_vi, title_en, units, legend, value_min, value_max, nodata,
                band_count, dtype, width, height, resolution_m, source_crs, crs, geom, file, bytes, sha256,
                version, source, synthetic)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, 1, %s, %s, %s, %s, %s, %s,
                    ST_GeomFromText(%s, 4326), %s, %s, %s, %s, 'test', true)
            ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version, file = EXCLUDED.file,
                sha256 = EXCLUDED.sha256, geom = EXCLUDED.geom
            RETURNING id""",
            (name, kind, name, name, units, json.dumps(legend) if legend else None, float(array.min()),
             float(array.max()), nodata, str(array.dtype), array.shape[1], array.shape[0],
             abs(transform_.a), UTM, UTM, to_wkt(footprint), f"{name}/v{version}.tif", len(data),
             hashlib.sha256(data).hexdigest(), version)).fetchone()[0]
