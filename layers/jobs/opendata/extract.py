"""Reading a dataset out of PostGIS in chunks: Arrow record batches plus per-feature hashes.

A server-side cursor hands over `BATCH_ROWS` rows at a time (WKB geometry, scalar attributes),
so memory stays flat however big the layer. While batches pass, each feature's hash (its
attributes and geometry) is recorded for the changelog, and the temporal coverage is gathered.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Iterator

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy.engine import Connection

from geo.vector_export import BATCH_ROWS, arrow_schema
from layers.db.settings import Settings
from layers.jobs.opendata.dataset import Dataset

HASH_SCHEMA = pa.schema([pa.field("id", pa.string()), pa.field("hash", pa.int64())])


def schema_of(dataset: Dataset) -> pa.Schema:
    return arrow_schema((f.name, f.type) for f in dataset.fields)


def feature_hash(row: tuple) -> int:
    h = hashlib.blake2b(repr(row[:-1]).encode(), digest_size=8)
    h.update(row[-1] or b"")
    return int.from_bytes(h.digest(), "big", signed=True)


@dataclass
class Tally:
    """What one pass over a dataset saw: ids with hashes, count, temporal range."""

    ids: list[pa.Array] = field(default_factory=list)
    hashes: list[pa.Array] = field(default_factory=list)
    count: int = 0
    first: object = None
    last: object = None

    def see_time(self, values) -> None:
        vals = [v for v in values if v is not None]
        if vals:
            lo, hi = min(vals), max(vals)
            self.first = lo if self.first is None else min(self.first, lo)
            self.last = hi if self.last is None else max(self.last, hi)

    def temporal(self) -> tuple[str, str] | None:
        def as_date(v, end: bool) -> str:
            if isinstance(v, date):
                return v.isoformat()
            return f"{int(v)}-12-31" if end else f"{int(v)}-01-01"
        if self.first is None:
            return None
        return as_date(self.first, False), as_date(self.last, True)

    def hash_table(self) -> pa.Table:
        return pa.Table.from_arrays([pa.concat_arrays(self.ids) if self.ids else pa.array([], pa.string()),
                                     pa.concat_arrays(self.hashes) if self.hashes else pa.array([], pa.int64())],
                                    schema=HASH_SCHEMA)

    def write_hashes(self, path: Path) -> None:
        pq.write_table(self.hash_table(), path, compression="zstd")


def _column(values: tuple, typ: pa.DataType) -> pa.Array:
    if pa.types.is_floating(typ):
        values = [float(v) if isinstance(v, Decimal) else v for v in values]
    return pa.array(values, type=typ)


def batches(conn: Connection, dataset: Dataset, settings: Settings, tally: Tally,
            rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
    """Runs inside the caller's transaction (one snapshot for the whole release)."""
    schema = schema_of(dataset)
    t_index = dataset.field_names.index(dataset.temporal_field) if dataset.temporal_field else None
    with conn.execution_options(stream_results=True, max_row_buffer=rows).execute(
            dataset.statement(settings)) as result:
        if list(result.keys()) != [*dataset.field_names, "geometry"]:
            raise RuntimeError(f"{dataset.id}: query columns do not match the dataset's fields")
        while chunk := [tuple(r) for r in result.fetchmany(rows)]:
            cols = list(zip(*chunk))
            arrays = [_column(v, f.type) for v, f in zip(cols, schema)]
            arrays[-1] = pa.array([bytes(g) if g is not None else None for g in cols[-1]], pa.binary())
            tally.ids.append(pa.array([str(i) for i in cols[0]], pa.string()))
            tally.hashes.append(pa.array([feature_hash(r) for r in chunk], pa.int64()))
            tally.count += len(chunk)
            if t_index is not None:
                tally.see_time(cols[t_index])
            yield pa.RecordBatch.from_arrays(arrays, schema=schema)
