"""Reading vector files the way Vietnamese agencies actually send them.

One entry point for Shapefile (file, folder or zip), GeoPackage, GeoJSON, KML/KMZ, CSV (lon/lat
columns or WKT), GPX and FlatGeobuf, through pyogrio/GDAL. It picks the layer, reports the CRS,
detects legacy Vietnamese text encodings (TCVN3, VNI) in old shapefiles, and yields the features
in chunks so a million-row file never sits in memory whole.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
from pyproj import CRS

from geo import vn_encodings
from geo.geometry import family

SUFFIXES = {".shp", ".zip", ".gpkg", ".geojson", ".json", ".kml", ".kmz", ".csv", ".gpx", ".fgb"}
CSV_OPTIONS = {
    "X_POSSIBLE_NAMES": "lon,longitude,lng,long,x,kinh_do,kinhdo",
    "Y_POSSIBLE_NAMES": "lat,latitude,y,vi_do,vido",
    "GEOM_POSSIBLE_NAMES": "wkt,geometry,geom,the_geom",
    "KEEP_GEOM_COLUMNS": "NO",
    "AUTODETECT_TYPE": "YES",
}
# GPX holds several layers; which one fits a layer of each geometry family.
GPX_LAYERS = {"Point": ("waypoints", "track_points", "route_points"), "LineString": ("tracks", "routes")}


class FileProblem(ValueError):
    """The file cannot be read as asked; the message names the file and what to do."""


@dataclass
class VectorSource:
    path: str
    display: str
    driver: str
    layer: str
    crs: CRS | None
    count: int
    fields: list[str]
    geometry_type: str | None
    bounds: tuple[float, float, float, float] | None
    encoding: str = "utf-8"
    notes: list[str] = field(default_factory=list)
    open_options: dict = field(default_factory=dict)

    @property
    def reencode(self) -> str | None:
        """Legacy encoding to apply to text read as Latin-1, or None when GDAL decoded it."""
        return None if self.encoding in ("ascii", "gdal") else self.encoding


def _choose_layer(path: str, display: str, layer: str | None, target: str | None, opts: dict) -> str:
    try:
        layers = pyogrio.list_layers(path, **opts)
    except Exception as exc:  # GDAL says why: not a vector file, corrupt zip, ...
        raise FileProblem(f"{display}: cannot be opened as a vector file ({exc})") from None
    names = [str(n) for n, _ in layers]
    if layer is not None:
        if layer not in names:
            raise FileProblem(f"{display}: has no layer {layer!r}; layers: {', '.join(names)}")
        return layer
    if len(names) == 1:
        return names[0]
    if target in GPX_LAYERS and set(GPX_LAYERS[target]) & set(names):
        for name in GPX_LAYERS[target]:
            if name in names and pyogrio.read_info(path, layer=name)["features"] > 0:
                return name
    fitting = [n for n, t in layers if t and target and family(str(t)) == target]
    if len(fitting) == 1:
        return str(fitting[0])
    listing = ", ".join(f"{n} ({t})" for n, t in layers)
    raise FileProblem(f"{display}: has several layers ({listing}); choose one with --layer")


def open_vector(path: str | Path, layer: str | None = None, encoding: str | None = None,
                target: str | None = None) -> VectorSource:
    """Inspect a file: layer, CRS, count, fields, and the text encoding to use."""
    p = Path(path)
    display = str(path)
    if not p.exists():
        raise FileProblem(f"{display}: no such file or folder")
    if p.is_file() and p.suffix.lower() not in SUFFIXES:
        raise FileProblem(
            f"{display}: unsupported file type {p.suffix or '(none)'}; use Shapefile (.shp, folder "
            "or .zip), GeoPackage, GeoJSON, KML/KMZ, CSV, GPX or FlatGeobuf"
        )
    opts = CSV_OPTIONS if p.suffix.lower() == ".csv" else {}
    name = _choose_layer(str(p), display, layer, target, opts)
    try:
        info = pyogrio.read_info(str(p), layer=name, force_feature_count=True, **opts)
    except Exception as exc:
        raise FileProblem(f"{display}: cannot read layer {name!r} ({exc})") from None
    if info["geometry_type"] is None:
        hint = " (for CSV, name the columns lon/lat or put WKT in a column named wkt)" if opts else ""
        raise FileProblem(f"{display}: has no geometry column, so it is not a spatial file{hint}")
    crs = CRS.from_user_input(info["crs"]) if info["crs"] else None
    bounds = info["total_bounds"]
    src = VectorSource(
        path=str(p), display=display, driver=info["driver"], layer=name, crs=crs,
        count=int(info["features"]), fields=[str(f) for f in info["fields"]],
        geometry_type=info["geometry_type"], bounds=tuple(bounds) if bounds is not None else None,
        open_options=dict(opts),
    )
    _settle_encoding(src, info, encoding)
    return src


def _settle_encoding(src: VectorSource, info: dict, requested: str | None) -> None:
    if requested:
        enc = requested.lower().replace("_", "-")
        if enc not in vn_encodings.SUPPORTED:
            raise FileProblem(
                f"{src.display}: unknown --encoding {requested!r}; use one of {', '.join(vn_encodings.SUPPORTED)}"
            )
        src.encoding = enc
        src.notes.append(f"text read as {enc} (--encoding)")
        return
    declared = (info.get("encoding") or "").upper()
    if declared in ("UTF-8", "UTF8") or src.driver not in ("ESRI Shapefile", "CSV"):
        src.encoding = "gdal"
        return
    samples = _text_samples(src)
    try:
        detected = vn_encodings.detect_encoding(samples)
    except vn_encodings.UnknownEncodingError as exc:
        raise FileProblem(f"{src.display}: text fields are in an unknown encoding ({exc})") from None
    src.encoding = detected
    if samples:
        src.notes.append(f"text encoding detected: {detected} (override with --encoding)")


def _text_samples(src: VectorSource, limit: int = 2000) -> list[bytes]:
    frame = pyogrio.read_dataframe(
        src.path, layer=src.layer, max_features=limit, read_geometry=False, encoding="latin1",
        **src.open_options,
    )
    out = []
    for col in frame.columns:
        if frame[col].dtype == object or str(frame[col].dtype).startswith("str"):
            for v in frame[col].dropna():
                if isinstance(v, str) and not v.isascii():
                    out.append(v.encode("latin-1", errors="replace"))
    return out


def read_chunks(src: VectorSource, chunk_size: int = 50_000) -> Iterator[gpd.GeoDataFrame]:
    """Features in file order, with `source_row` (1-based) for messages, text decoded."""
    kwargs = dict(src.open_options)
    if src.reencode:
        kwargs["encoding"] = "latin1"
    start = 0
    while start < src.count:
        frame = pyogrio.read_dataframe(
            src.path, layer=src.layer, skip_features=start, max_features=chunk_size, **kwargs
        )
        if src.reencode:
            for col in frame.columns:
                if col != frame.geometry.name and frame[col].dtype != "geometry":
                    frame[col] = frame[col].map(
                        lambda v: vn_encodings.from_latin1(v, src.reencode) if isinstance(v, str) else v
                    )
        frame.insert(0, "source_row", np.arange(start + 1, start + len(frame) + 1))
        yield frame
        if len(frame) == 0:
            break
        start += len(frame)
