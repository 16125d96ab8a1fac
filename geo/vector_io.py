"""Reading vector files the way Vietnamese agencies actually send them.

One entry point for Shapefile (file, folder or zip), GeoPackage, GeoJSON, KML/KMZ, CSV (lon/lat
columns or WKT), GPX and FlatGeobuf, through pyogrio/GDAL. It picks the layer, reports the CRS,
detects legacy Vietnamese text encodings (TCVN3, VNI) in old shapefiles, and yields the features
in chunks so a million-row file never sits in memory whole.

A user's file is untrusted unless the caller says otherwise (`trusted=True`, the administrator's
`ntm-map import --trust-file`): its path may not be a GDAL virtual path or URL, its content must
match its suffix (geo.vector_sniff), GDAL must open it with a driver allowed for that suffix, and
GDAL's network access and file-referencing features are off while it reads.
"""
from __future__ import annotations

import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely
from pyproj import CRS

from geo import vector_sniff, vn_encodings
from geo.gdal_config import untrusted_reads
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
# Track points are a GPS log, not places, so a Point layer only takes waypoints unless --layer says so.
GPX_LAYERS = {"Point": ("waypoints",), "LineString": ("tracks", "routes")}


class FileProblem(ValueError):
    """The file cannot be read as asked; the message names the file and what to do."""


class BadText(FileProblem):
    """Text in the file is not in the encoding it declares (a legacy one may have to be named)."""


class UnsafeFile(FileProblem):
    """The file is not what its name says, or it would make GDAL read other files or URLs."""


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
    trusted: bool = False

    @property
    def reencode(self) -> str | None:
        """Legacy encoding to apply to text read as Latin-1, or None when GDAL decoded it."""
        return None if self.encoding in ("ascii", "gdal") else self.encoding


def _choose_layer(path: str, display: str, layer: str | None, target: str | None) -> str:
    try:
        layers = pyogrio.list_layers(path)
    except Exception as exc:  # GDAL says why: not a vector file, corrupt zip, ...
        raise FileProblem(f"{display}: cannot be opened as a vector file ({_why(exc, path, display)})") from None
    names = [str(n) for n, _ in layers]
    if layer is not None:
        if layer not in names:
            raise FileProblem(f"{display}: has no layer {layer!r}; layers: {_names(names)}")
        return layer
    if len(names) == 1:
        return names[0]
    counts = {n: _feature_count(path, n) for n in names}
    if target in GPX_LAYERS:
        for name in GPX_LAYERS[target]:
            if counts.get(name, 0) > 0:
                return name
    fitting = [str(n) for n, t in layers if t and target and family(str(t)) == target]
    if len(fitting) == 1:
        return fitting[0]
    listing = ", ".join(f"{_short(n)} ({t}, {counts[str(n)]} feature{'' if counts[str(n)] == 1 else 's'})"
                        for n, t in layers)
    raise FileProblem(f"{display}: has several layers ({listing}); choose one with --layer")


def _short(value) -> str:
    return vector_sniff.shorten(value)


def _names(names: list[str], most: int = 20) -> str:
    shown = ", ".join(_short(n) for n in names[:most])
    return shown + (f", … ({len(names)} in all)" if len(names) > most else "")


def _why(exc: BaseException, gdal_path: str, display: str) -> str:
    """GDAL's reason, naming the file as the user knows it, cut short (it may quote the file)."""
    text = str(exc)
    bare = gdal_path.split(":", 1)[1] if gdal_path.split(":", 1)[0] + ":" in vector_sniff.PREFIXES.values() else gdal_path
    for name in (gdal_path, bare):
        text = text.replace(name, display)
    return vector_sniff.shorten(text, 200)


def _feature_count(path: str, layer: str) -> int:
    try:
        return int(pyogrio.read_info(path, layer=layer, force_feature_count=True)["features"])
    except Exception:  # an unreadable layer is listed, not chosen
        return 0


def _locate(p: Path, display: str) -> tuple[str, str]:
    """The path GDAL should open, and the declared type that decides which drivers may open it.

    Zips are checked first so a bad download says so plainly. A KMZ is read through its KML:
    GDAL's LIBKML loses the SchemaData fields of a KMZ that is a zipped KML (what QGIS and most
    tools write), but reads the same KML in place. A zip is a zipped Shapefile, or one other
    vector file read in place under its own name's rules.
    """
    suffix = p.suffix.lower()
    if p.is_dir():
        return str(p), "folder"
    if suffix not in (".zip", ".kmz"):
        return str(p), suffix
    if not zipfile.is_zipfile(p):
        raise FileProblem(f"{display}: is not a readable {suffix[1:].upper()} archive (corrupt or incomplete?)")
    try:
        with zipfile.ZipFile(p) as z:
            members = [n for n in z.namelist() if not n.endswith("/")]
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileProblem(f"{display}: is not a readable {suffix[1:].upper()} archive ({_short(exc)})") from None
    inside = [n for n in members if Path(n).suffix.lower() in SUFFIXES - {".zip", ".kmz"}]
    if not inside:
        raise FileProblem(f"{display}: holds no vector file (it contains: {_names(members, 10) or 'nothing'})")
    if suffix == ".kmz":
        kmls = [n for n in inside if n.lower().endswith(".kml")]
        return (f"/vsizip/{p}/{kmls[0]}", ".kml") if len(kmls) == 1 else (str(p), ".kmz")
    if any(n.lower().endswith(".shp") for n in inside):
        return str(p), ".zip"
    if len(inside) == 1:
        return f"/vsizip/{p}/{inside[0]}", Path(inside[0]).suffix.lower()
    raise FileProblem(f"{display}: holds several vector files ({_names(inside, 10)}); zip one file or one Shapefile")


def _check_driver(gdal_path: str, display: str, kind: str, opts: dict) -> None:
    """GDAL must have opened the file with a driver allowed for its declared type.

    The content was checked beforehand, so this only fires if a driver claims content the
    check let through; it runs on the first open, before any layer or feature is read.
    """
    try:
        with _gdal_quiet(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                driver = pyogrio.read_info(gdal_path, **opts)["driver"]
            except UnicodeDecodeError:  # legacy-encoded CSV header
                driver = pyogrio.read_info(gdal_path, encoding="latin1", **opts)["driver"]
    except Exception as exc:
        raise FileProblem(f"{display}: cannot be opened as a vector file ({_why(exc, gdal_path, display)})") from None
    allowed = vector_sniff.ALLOWED_DRIVERS.get(kind, ())
    if driver not in allowed:
        raise UnsafeFile(f"{display}: GDAL would read it with its {driver} driver, not as {' or '.join(allowed) or kind}; "
                         "it is not accepted")


def open_vector(path: str | Path, layer: str | None = None, encoding: str | None = None,
                target: str | None = None, trusted: bool = False) -> VectorSource:
    """Inspect a file: layer, CRS, count, fields, and the text encoding to use.

    `trusted` (an administrator's own file) lifts the checks of untrusted files: GDAL virtual
    paths and URLs are then accepted and any driver GDAL picks is used.
    """
    display = str(path)
    virtual = vector_sniff.untrusted_path(display)
    if virtual and not trusted:
        raise UnsafeFile(f"{display}: {virtual}")
    if virtual:
        gdal_path, kind = display, Path(display).suffix.lower()
    else:
        p = Path(path) if trusted else Path(path).absolute()  # absolute: no "DRIVER:" read into a name
        if not p.exists():
            raise FileProblem(f"{display}: no such file or folder")
        if p.is_file() and p.suffix.lower() not in SUFFIXES:
            raise FileProblem(
                f"{display}: unsupported file type {_short(p.suffix) or '(none)'}; use Shapefile (.shp, folder "
                "or .zip), GeoPackage, GeoJSON, KML/KMZ, CSV, GPX or FlatGeobuf"
            )
        gdal_path, kind = _locate(p, display)
        if not trusted:
            try:
                vector_sniff.check_file(p)
            except vector_sniff.Refused as exc:
                raise UnsafeFile(f"{display}: {exc}") from None
            gdal_path = vector_sniff.PREFIXES.get(kind, "") + gdal_path
    opts = CSV_OPTIONS if kind == ".csv" else {}
    with untrusted_reads(trusted):
        if not trusted:
            _check_driver(gdal_path, display, kind, opts)
        name = _choose_layer(gdal_path, display, layer, target)
        try:
            with _gdal_quiet():
                try:
                    info = pyogrio.read_info(gdal_path, layer=name, force_feature_count=True, force_total_bounds=True,
                                             **opts)
                except UnicodeDecodeError:  # legacy-encoded CSV header: names are re-read once the encoding is known
                    info = pyogrio.read_info(gdal_path, layer=name, encoding="latin1", force_feature_count=True,
                                             force_total_bounds=True, **opts)
        except Exception as exc:
            raise FileProblem(f"{display}: cannot read layer {_short(name)!r} ({_why(exc, gdal_path, display)})") from None
        if info["geometry_type"] is None:
            hint = " (for CSV, name the columns lon/lat or put WKT in a column named wkt)" if opts else ""
            raise FileProblem(f"{display}: has no geometry column, so it is not a spatial file{hint}")
        crs = CRS.from_user_input(info["crs"]) if info["crs"] else None
        bounds = info["total_bounds"]
        src = VectorSource(
            path=gdal_path, display=display, driver=info["driver"], layer=name, crs=crs,
            count=int(info["features"]), fields=[str(f) for f in info["fields"]],
            geometry_type=info["geometry_type"], bounds=tuple(bounds) if bounds is not None else None,
            open_options=dict(opts), trusted=trusted,
        )
        _settle_encoding(src, info, encoding)
    return src


def _settle_encoding(src: VectorSource, info: dict, requested: str | None) -> None:
    if requested:
        try:  # vn_encodings knows the spellings people type ("abc", "windows-1258", ...)
            vn_encodings.decode(b"", requested)
        except ValueError:
            raise FileProblem(
                f"{src.display}: unknown --encoding {requested!r}; use one of {', '.join(vn_encodings.SUPPORTED)}"
            ) from None
        src.encoding = requested
        src.notes.append(f"text read as {requested} (--encoding)")
    else:
        # A shapefile's .cpg saying UTF-8 is trusted; GDAL's "UTF-8" for a CSV is only its
        # assumption, and Excel files typed with .VnTime fonts are TCVN3 all the same.
        declared = (info.get("encoding") or "").upper().replace("-", "")
        if src.driver not in ("ESRI Shapefile", "CSV") or (src.driver == "ESRI Shapefile" and declared == "UTF8"):
            src.encoding = "gdal"
            return
        samples = _text_samples(src)
        try:
            detected = vn_encodings.detect_encoding(samples)
        except vn_encodings.UnknownEncodingError as exc:
            raise FileProblem(f"{src.display}: text fields are in an unknown encoding ({_short(exc)})") from None
        src.encoding = "gdal" if detected == "utf-8" and declared == "UTF8" else detected
        if samples:
            src.notes.append(f"text encoding detected: {detected} (override with --encoding)")
    if src.reencode:  # field names are in the same encoding as the values
        raw = pyogrio.read_info(src.path, layer=src.layer, encoding="latin1", **src.open_options)["fields"]
        src.fields = [vn_encodings.from_latin1(str(f), src.reencode) for f in raw]


def _text_samples(src: VectorSource, limit: int = 2000) -> list[bytes]:
    frame = pyogrio.read_dataframe(
        src.path, layer=src.layer, max_features=limit, read_geometry=False, encoding="latin1",
        **src.open_options,
    )
    out = [str(c).encode("latin-1", errors="replace") for c in frame.columns if not str(c).isascii()]
    for col in frame.columns:
        if frame[col].dtype == object or str(frame[col].dtype).startswith("str"):
            for v in frame[col].dropna():
                if isinstance(v, str) and not v.isascii():
                    out.append(v.encode("latin-1", errors="replace"))
    return out


GEOMETRY_NOTE = "__geometry_note"  # column read_chunks adds when a geometry had to be mended or dropped


def read_chunks(src: VectorSource, chunk_size: int = 50_000) -> Iterator[gpd.GeoDataFrame]:
    """Features in file order, with `source_row` (1-based) for messages, text decoded.

    A geometry GEOS cannot even build (an unclosed ring, typical of hand-edited GeoJSON and
    KML) would abort the whole read; such a chunk is read again with the rings closed, and the
    column GEOMETRY_NOTE says which rows were mended and which could not be read at all.
    GDAL giving up midway (bad bytes, a truncated file) is a FileProblem like any unreadable file.
    """
    try:
        yield from _chunks(src, chunk_size)
    except UnicodeDecodeError as exc:
        raise BadText(f"{src.display}: text that is not {exc.encoding} ({exc.reason})") from None
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, shapely.errors.GEOSException) as exc:
        raise FileProblem(f"{src.display}: cannot be read to the end ({_why(exc, src.path, src.display)})") from None


def _chunks(src: VectorSource, chunk_size: int) -> Iterator[gpd.GeoDataFrame]:
    kwargs = dict(src.open_options)
    if src.reencode:
        kwargs["encoding"] = "latin1"
    start = 0
    while start < src.count:
        window = dict(layer=src.layer, skip_features=start, max_features=chunk_size, **kwargs)
        with untrusted_reads(src.trusted):
            try:
                with _gdal_quiet():
                    frame = pyogrio.read_dataframe(src.path, **window)
            except shapely.errors.GEOSException:
                frame = _read_mending(src.path, window)
        if src.reencode:
            for col in frame.columns:
                if col != frame.geometry.name and col != GEOMETRY_NOTE and frame[col].dtype != "geometry":
                    frame[col] = frame[col].map(
                        lambda v: vn_encodings.from_latin1(v, src.reencode) if isinstance(v, str) else v
                    )
            frame = frame.rename(columns={c: vn_encodings.from_latin1(c, src.reencode)
                                          for c in frame.columns if isinstance(c, str) and not c.isascii()})
        frame.insert(0, "source_row", np.arange(start + 1, start + len(frame) + 1))
        yield frame
        if len(frame) == 0:
            break
        start += len(frame)


@contextmanager
def _gdal_quiet():
    """GDAL warns once per unclosed ring, on every pass; the row's note says it once."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Non closed ring detected", RuntimeWarning)
        yield


def _read_mending(path: str, window: dict) -> gpd.GeoDataFrame:
    with _gdal_quiet():
        frame = pyogrio.read_dataframe(path, on_invalid="fix", **window)
        wkb = pyogrio.raw.read(path, columns=[], **window)[2]
    notes: list[str | None] = [None] * len(frame)
    for i, raw in enumerate(wkb):
        if raw is None:
            continue
        try:
            shapely.from_wkb(raw)
        except shapely.errors.GEOSException as exc:
            why = str(exc).split(": ", 1)[-1]
            notes[i] = (f"repaired: {why} (ring closed)" if frame.geometry.iloc[i] is not None
                        else f"geometry cannot be read: {why}")
    frame[GEOMETRY_NOTE] = notes
    return frame
