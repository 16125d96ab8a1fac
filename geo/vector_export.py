"""Streaming writers for open-data files: Arrow record batches in, one file per format out.

Pure (no database, no HTTP). The caller supplies an iterator of `pyarrow.RecordBatch` whose
`geometry` column is WKB in EPSG:4326; nothing holds more than one batch at a time, so a
million-feature layer exports in bounded memory. GeoParquet is written first, straight from the
database stream (ParquetWriter row groups); every other format is then written from that file
in batches through GDAL's Arrow writer (`pyogrio.raw.write_arrow`), so all formats of a release
hold exactly the same rows.
"""
from __future__ import annotations

import csv
import io
import json
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import shapely

from geo.csv_cells import safe_batch

GEOMETRY = "geometry"
CRS = "EPSG:4326"
BATCH_ROWS = 20_000
ARROW_TYPES = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(),
               "boolean": pa.bool_(), "date": pa.date32()}
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"


@dataclass(frozen=True)
class Format:
    key: str  # the extension users type in /opendata/datasets/{id}.{key}
    title: str
    suffix: str  # file name suffix inside a release
    media_type: str  # IANA media type (application/octet-stream where none is registered)
    file_type: str  # EU Publications Office file-type authority code (dct:format)
    driver: str | None = None  # GDAL driver; None for files not written by GDAL


FORMATS: dict[str, Format] = {f.key: f for f in (
    Format("parquet", "GeoParquet", ".parquet", "application/vnd.apache.parquet", "PARQUET"),
    Format("geojson", "GeoJSON", ".geojson", "application/geo+json", "GEOJSON", "GeoJSON"),
    Format("gpkg", "GeoPackage", ".gpkg", "application/geopackage+sqlite3", "GPKG", "GPKG"),
    Format("shp", "Shapefile (zip)", ".shp.zip", "application/zip", "SHP", "ESRI Shapefile"),
    Format("csv", "CSV (WKT geometry)", ".csv", "text/csv", "CSV", "CSV"),
    Format("fgb", "FlatGeobuf", ".fgb", "application/octet-stream", "BIN", "FlatGeobuf"),
)}
VECTOR_ORDER = ("parquet", "geojson", "gpkg", "shp", "csv", "fgb")
LAYER_OPTIONS = {
    "GeoJSON": {"RFC7946": "YES", "ID_FIELD": "id"},
    # Excel on Windows reads a CSV without a byte-order mark as the ANSI code page: Vietnamese
    # becomes mojibake. Every CSV reader we target skips the BOM (GDAL, pandas, R, LibreOffice).
    "CSV": {"GEOMETRY": "AS_WKT", "WRITE_BOM": "YES"},
    "ESRI Shapefile": {"ENCODING": "UTF-8"},
    "FlatGeobuf": {"SPATIAL_INDEX": "YES"},
}


def arrow_schema(fields: Iterable[tuple[str, str]]) -> pa.Schema:
    """`fields`: (name, type) with the registry's JSON types; arrays arrive as JSON text."""
    cols = [pa.field(n, ARROW_TYPES.get(t, pa.string())) for n, t in fields]
    return pa.schema([*cols, pa.field(GEOMETRY, pa.binary())])


def _geo_metadata(types: set[str], bbox: list[float] | None) -> dict:
    column = {"encoding": "WKB", "geometry_types": sorted(types)}
    if bbox is not None:
        column["bbox"] = bbox
    # No "crs" key: GeoParquet's default is OGC:CRS84 (lon/lat WGS 84), which is what we write.
    return {"version": "1.1.0", "primary_column": GEOMETRY, "columns": {GEOMETRY: column}}


def write_geoparquet(path: Path, schema: pa.Schema, batches: Iterable[pa.RecordBatch]) -> set[str]:
    """One row group per batch; bbox and geometry types are gathered as batches pass and put
    in the `geo` footer metadata at the end. Returns the geometry types seen ("NULL" if some
    rows have no geometry or an empty one)."""
    types, bbox, nulls = set(), None, 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for batch in batches:
            geoms = shapely.from_wkb(batch.column(GEOMETRY).to_numpy(zero_copy_only=False))
            nulls += int((shapely.is_missing(geoms) | shapely.is_empty(geoms)).sum())
            if len(geoms):
                types.update(shapely.get_type_id(geoms).tolist())
                b = shapely.total_bounds(geoms).tolist()
                bbox = b if bbox is None else [min(bbox[0], b[0]), min(bbox[1], b[1]),
                                              max(bbox[2], b[2]), max(bbox[3], b[3])]
            writer.write_batch(batch)
        names = {0: "Point", 1: "LineString", 3: "Polygon", 4: "MultiPoint", 5: "MultiLineString",
                 6: "MultiPolygon", 7: "GeometryCollection"}
        seen = {names[t] for t in types if t in names}
        writer.add_key_value_metadata({"geo": json.dumps(_geo_metadata(seen, bbox))})
    return seen | ({"NULL"} if nulls else set())


def layer_geometry_type(seen: set[str], declared: str) -> str:
    """The type a GDAL layer is created with: the one type seen, Multi* when single and multi
    parts mix, the declared type for an empty layer, else Unknown."""
    seen = seen - {"NULL"}
    if not seen:
        return declared
    if len(seen) == 1:
        return next(iter(seen))
    bases = {t.removeprefix("Multi") for t in seen}
    return f"Multi{bases.pop()}" if len(bases) == 1 else "Unknown"


def parquet_batches(path: Path, rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
    yield from pq.ParquetFile(path).iter_batches(batch_size=rows)


def _reader(schema: pa.Schema, batches: Iterable[pa.RecordBatch]) -> pa.RecordBatchReader:
    return pa.RecordBatchReader.from_batches(schema, iter(batches))


def csv_schema(schema: pa.Schema) -> pa.Schema:
    """Dates become text: GDAL's CSV driver writes a date field as 2024/01/05, not ISO 8601."""
    return pa.schema([f.with_type(pa.string()) if pa.types.is_date(f.type) else f for f in schema])


def csv_batch(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """A batch as the CSV holds it: text a spreadsheet would run as a formula gets a leading '
    (geo.csv_cells), dates are ISO 8601 text (YYYY-MM-DD)."""
    safe = safe_batch(batch)
    columns = [c.cast(pa.string()) if pa.types.is_date(c.type) else c for c in safe.columns]
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def write_ogr(path: Path, fmt: Format, schema: pa.Schema, batches: Iterable[pa.RecordBatch],
              layer: str, geometry_type: str, has_nulls: bool = False) -> None:
    from pyogrio.raw import write_arrow

    options = dict(LAYER_OPTIONS.get(fmt.driver, {}))
    if fmt.driver == "CSV":
        schema = csv_schema(schema)
        batches = (csv_batch(b, schema) for b in batches)
    if has_nulls and fmt.driver == "FlatGeobuf":
        options["SPATIAL_INDEX"] = "NO"  # FlatGeobuf's index cannot hold features without geometry
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="'crs' was not provided")
        write_arrow(_reader(schema, batches), str(path), layer=layer, driver=fmt.driver,
                    geometry_name=GEOMETRY, geometry_type=geometry_type,
                    crs=None if fmt.driver == "CSV" else CRS,  # a CSV is one file: no .prj beside it
                    layer_options=options)


def shapefile_field_names(names: Iterable[str]) -> dict[str, str]:
    """Deterministic, collision-free 10-character dBase names, in field order.

    A name of 10 characters or fewer stays. A longer one is cut to 10; if that (compared without
    case, as dBase does) is taken, it is cut to 10 - len(suffix) and suffixed `_1`, `_2`, ... (the
    first free one). The same field list always gives the same mapping.
    """
    out: dict[str, str] = {}
    taken: set[str] = set()
    names = list(names)
    for n in names:  # short names are reserved first so a long name can never take them
        if len(n) <= 10:
            out[n] = n
            taken.add(n.lower())
    for n in names:
        if n in out:
            continue
        short, i = n[:10], 0
        while short.lower() in taken:
            i += 1
            suffix = f"_{i}"
            short = n[: 10 - len(suffix)] + suffix
        out[n] = short
        taken.add(short.lower())
    return {n: out[n] for n in names}


def mapping_csv(mapping: dict[str, str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["field", "shapefile_field"])
    w.writerows(mapping.items())
    return buf.getvalue()


def write_shapefile_zip(path: Path, schema: pa.Schema, batches: Iterable[pa.RecordBatch], layer: str,
                        geometry_type: str) -> dict[str, str]:
    """A zip of <layer>.shp/.shx/.dbf/.prj/.cpg and <layer>_fields.csv (full name → dBase name)."""
    mapping = shapefile_field_names(n for n in schema.names if n != GEOMETRY)
    short_schema = pa.schema([f.with_name(mapping.get(f.name, f.name)) for f in schema])
    renamed = (pa.RecordBatch.from_arrays(b.columns, schema=short_schema) for b in batches)
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        shp = Path(tmp) / f"{layer}.shp"
        write_ogr(shp, FORMATS["shp"], short_schema, renamed, layer, geometry_type)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for part in sorted(Path(tmp).iterdir()):
                z.write(part, part.name)
            z.writestr(f"{layer}_fields.csv", mapping_csv(mapping))
    return mapping


def write_all(out_dir: Path, name: str, schema: pa.Schema, batches: Iterable[pa.RecordBatch],
              geometry_type: str, formats: Iterable[str] = VECTOR_ORDER,
              on_written: Callable[[str, Path], None] | None = None) -> dict[str, Path]:
    """Writes `<name><suffix>` for each format into `out_dir`; the stream is read once.

    `on_written(format_key, path)` runs after each file (progress, and the test hook that makes a
    writer fail half-way).
    """
    formats = list(formats)
    paths: dict[str, Path] = {}
    parquet = out_dir / f"{name}{FORMATS['parquet'].suffix}"
    seen = write_geoparquet(parquet, schema, batches)
    geometry_type, has_nulls = layer_geometry_type(seen, geometry_type), "NULL" in seen
    if "parquet" in formats:
        paths["parquet"] = parquet
        if on_written:
            on_written("parquet", parquet)
    for key in formats:
        if key == "parquet":
            continue
        fmt = FORMATS[key]
        path = out_dir / f"{name}{fmt.suffix}"
        if key == "shp":
            write_shapefile_zip(path, schema, parquet_batches(parquet), name, geometry_type)
        else:
            write_ogr(path, fmt, schema, parquet_batches(parquet), name, geometry_type, has_nulls)
        paths[key] = path
        if on_written:
            on_written(key, path)
    if "parquet" not in formats:
        parquet.unlink()
    return paths


