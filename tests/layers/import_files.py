"""Helpers for the importer tests (no tests here): fixture files and imports run like the CLI.

Fixture files are written in each test with the real libraries (pyogrio/geopandas, fiona,
zipfile), so the importer meets what GDAL really produces. Places come from the demo database:
points and small squares inside real Nghệ An communes.
"""
from __future__ import annotations

import json
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely
from pyproj import Transformer

from layers.db.engines import connection
from layers.jobs.bulk import bulk_session
from layers.jobs.importing import ImportFailed, ImportOptions, ImportReport, import_file
from tests.support import scalar

VINH_LOC = "16708"  # Phường Vinh Lộc, near Vinh
QUE_PHONG = "16738"  # Xã Quế Phong, in the western mountains



def inside(conn, commune: str) -> shapely.Point:
    """A point surely inside the commune."""
    wkt = scalar(conn, "SELECT ST_AsText(ST_PointOnSurface(geom)) FROM communes WHERE code = %s", commune)
    return shapely.from_wkt(wkt)


def square(conn, commune: str, half: float = 0.0005, dx: float = 0.0) -> shapely.Polygon:
    """A ~100 m square around the commune's inner point (shifted by dx degrees), inside it."""
    p = inside(conn, commune)
    sq = shapely.box(p.x + dx - half, p.y - half, p.x + dx + half, p.y + half)
    assert scalar(conn, "SELECT ST_Within(ST_GeomFromText(%s, 4326), geom) FROM communes WHERE code = %s",
                  sq.wkt, commune), "fixture square leaves the commune"
    return sq


def frame(rows, geoms, crs="EPSG:4326") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=crs)


def write(gdf: gpd.GeoDataFrame, path: Path, **kwargs) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():  # files without a CRS are written on purpose
        warnings.filterwarnings("ignore", "'crs' was not provided", UserWarning)
        pyogrio.write_dataframe(gdf, path, **kwargs)
    return path


def write_geojson(path: Path, features: list[tuple[dict, dict | None]]) -> Path:
    """Hand-written GeoJSON, for geometries no library would write (unclosed rings, ...)."""
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": props, "geometry": geom} for props, geom in features]}
    path.write_text(json.dumps(fc, ensure_ascii=False), encoding="utf-8")
    return path


def polygon_json(ring: list[tuple[float, float]]) -> dict:
    return {"type": "Polygon", "coordinates": [[list(p) for p in ring]]}


def zip_files(out: Path, files: list[Path], arcnames: list[str] | None = None) -> Path:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for f, name in zip(files, arcnames or [f.name for f in files]):
            z.write(f, name)
    return out


def shapefile_parts(shp: Path) -> list[Path]:
    return sorted(p for p in shp.parent.iterdir() if p.stem == shp.stem)


def to_crs(point: shapely.Point, epsg: int) -> tuple[float, float]:
    return Transformer.from_crs(4326, epsg, always_xy=True).transform(point.x, point.y)


def metres_between(conn, a: shapely.Point, b: shapely.Point) -> float:
    return scalar(conn, "SELECT ST_Distance(ST_GeomFromText(%s, 4326)::geography, ST_GeomFromText(%s, 4326)::geography)",
                  a.wkt, b.wkt)


def run(conn, layer: str, path, **options) -> ImportReport:
    """Import the way `ntm-map import` does: one bulk session, its report in import_runs."""
    with connection(conn.url) as job, bulk_session(job, layer, str(path)) as recorded:
        report = import_file(job, layer, path, ImportOptions(progress=False, **options))
        recorded.update(report.counts(), crs=report.crs, rejected=report.rejected[:100])  # as api.cli does
    return report


def refused(conn, layer: str, path, **options) -> ImportFailed:
    """Run an import that must fail, and check that it changed nothing at all."""
    before = (scalar(conn, f"SELECT count(*) FROM {layer}"), scalar(conn, "SELECT count(*) FROM import_runs"),
              scalar(conn, "SELECT count(*) FROM private.household_private"))
    with pytest.raises(ImportFailed) as caught:
        run(conn, layer, path, **options)
    after = (scalar(conn, f"SELECT count(*) FROM {layer}"), scalar(conn, "SELECT count(*) FROM import_runs"),
             scalar(conn, "SELECT count(*) FROM private.household_private"))
    assert after == before, "a failed import changed the database"
    assert str(path) in str(caught.value), "the message must name the file"
    return caught.value
