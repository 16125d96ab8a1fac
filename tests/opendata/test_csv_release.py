"""The release CSVs open in Excel as they are meant to (issue 12, item 5): UTF-8 with a byte-order
mark (without one, Excel on Windows reads the ANSI code page and Vietnamese turns to mojibake),
dates as ISO 8601 (GDAL's CSV driver alone writes 2024/01/05), the datapackage's field types
honoured, and the text exactly the GeoParquet's."""
from __future__ import annotations

import codecs
import csv
import io
import json
import re
from datetime import date

import geopandas as gpd
import pyarrow as pa

from geo.vector_export import csv_batch, csv_schema
from layers.jobs.opendata import store

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
csv.field_size_limit(1 << 30)


def published(od_client, name: str) -> bytes:
    """The bytes a user downloads from the latest release."""
    r = od_client.get(f"/opendata/datasets/{name}.csv")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    return r.content


def rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_every_release_csv_starts_with_the_utf8_bom(od_client, od_settings, release):
    man = store.manifest(od_settings, release.version)
    for ds_id in man["datasets"]:
        data = published(od_client, ds_id)
        assert data.startswith(codecs.BOM_UTF8 + b"WKT,id,"), ds_id
        assert data.count(codecs.BOM_UTF8) == 1, ds_id  # once, at the start: not per batch


def test_dates_are_iso_8601_and_match_the_parquet(od_client, od_settings, release):
    got = {int(r["id"]): r for r in rows(published(od_client, "growing_areas"))}
    folder = store.releases_dir(od_settings) / release.version
    ref = gpd.read_parquet(folder / "growing_areas.parquet").set_index("id")
    dated = 0
    for fid, rec in ref.iterrows():
        for col in ("valid_from", "valid_to"):
            cell, value = got[fid][col], rec[col]
            if value is None:
                assert cell == "", (fid, col)
            else:
                assert ISO_DATE.match(cell) and date.fromisoformat(cell) == value, (fid, col, cell)
                dated += 1
    assert dated > 100


def test_datapackage_field_types_hold_for_the_csv_cells(od_client, od_settings, release):
    """The types datapackage.json declares (Frictionless reads `date` as ISO 8601 by default)."""
    dp = json.loads((store.releases_dir(od_settings) / release.version / "datapackage.json").read_text())
    checked = 0
    for res in dp["resources"]:
        if res["format"] != "csv":
            continue
        dates = [f["name"] for f in res["schema"]["fields"] if f["type"] == "date"]
        for rec in rows(published(od_client, res["path"].removesuffix(".csv"))):
            assert list(rec)[:2] == ["WKT", "id"]
            for name in dates:
                assert rec[name] == "" or date.fromisoformat(rec[name]), (res["name"], name, rec[name])
                checked += 1
    assert checked > 100


def test_vietnamese_text_round_trips(od_client, od_settings, release):
    folder = store.releases_dir(od_settings) / release.version
    for ds_id, col in (("communes", "name_vi"), ("tourism_places", "name_vi"), ("villages", "name")):
        ref = gpd.read_parquet(folder / f"{ds_id}.parquet").set_index("id")[col]
        got = {int(r["id"]): r[col] for r in rows(published(od_client, ds_id))}
        assert got == {int(k): v for k, v in ref.items()}, ds_id
        assert any(ch in "".join(got.values()) for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")


def test_csv_batch_writes_dates_as_iso_text_and_quotes_formulas():
    schema = pa.schema([("name", pa.string()), ("day", pa.date32()), ("n", pa.int64())])
    batch = pa.RecordBatch.from_arrays(
        [pa.array(["=1+1", "Bản Đỉn"]), pa.array([date(2024, 1, 5), None], pa.date32()), pa.array([-3, 4])],
        schema=schema)
    out = csv_batch(batch, csv_schema(schema))
    assert out.schema.field("day").type == pa.string() and out.schema.field("n").type == pa.int64()
    assert out.to_pydict() == {"name": ["'=1+1", "Bản Đỉn"], "day": ["2024-01-05", None], "n": [-3, 4]}
