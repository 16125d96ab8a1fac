"""Rows that broke a rule, written back as a file staff can open, fix and import again.

The file keeps the input's own format (a Shapefile comes back as a Shapefile, a CSV as a CSV)
and its fields, plus a `reason` column, so fixing is editing the rows and re-running the import.
"""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio

from geo.csv_cells import safe_text

REASON = "reason"
FORMATS = {  # name → (GDAL driver, file suffix)
    "gpkg": ("GPKG", ".gpkg"),
    "geojson": ("GeoJSON", ".geojson"),
    "shp": ("ESRI Shapefile", ".shp"),
    "csv": ("CSV", ".csv"),
}
_BY_SUFFIX = {".gpkg": "gpkg", ".geojson": "geojson", ".json": "geojson", ".shp": "shp", ".zip": "shp",
              ".csv": "csv"}


_CSV_GEOMETRY = {"wkt", "geometry", "geom", "the_geom", "lon", "longitude", "lng", "long", "x", "kinh_do", "kinhdo"}


def format_of(path: str | Path) -> str:
    """The format an input file's problems are written in: its own, GeoPackage for the rest
    (KML, GPX, a folder: formats GDAL reads but staff rarely edit)."""
    return _BY_SUFFIX.get(Path(str(path)).suffix.lower(), "gpkg")


def problem_path(directory: Path, stem: str, fmt: str) -> Path:
    return directory / f"{stem}.problems{FORMATS[fmt][1]}"


def write_rows(frame: gpd.GeoDataFrame, reasons: list[str], path: Path, fmt: str) -> Path:
    """Write `frame` with a `reason` column; CSV cells that a spreadsheet would run are defused."""
    frame = frame.copy()
    frame[REASON] = reasons
    for old in path.parent.glob(f"{path.stem}.*"):  # a Shapefile is several files
        old.unlink()
    if fmt == "csv":
        table = frame.drop(columns=frame.geometry.name)
        if not {str(c).lower() for c in table.columns} & _CSV_GEOMETRY:  # the input's lon/lat stay as they were
            table.insert(len(table.columns) - 1, "wkt", frame.geometry.to_wkt())
        for col in table.columns:
            table[col] = table[col].map(lambda v: safe_text(v) if isinstance(v, str) else v)
        table.to_csv(path, index=False, encoding="utf-8-sig")
        return path
    driver = FORMATS[fmt][0]
    for col in frame.columns:  # lists and dicts (target markets, photos) have no OGR type
        if col != frame.geometry.name and frame[col].map(lambda v: isinstance(v, (list, dict, tuple))).any():
            frame[col] = frame[col].map(lambda v: ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    pyogrio.write_dataframe(frame, path, driver=driver, encoding="UTF-8" if fmt == "shp" else None)
    return path
