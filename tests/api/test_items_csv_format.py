"""The public items CSV (`f=csv`): UTF-8 declared in Content-Type and no byte-order mark (a paged
API response read by programs; the release CSVs carry the mark for Excel: issue 12, item 5),
dates in ISO 8601 and Vietnamese text exactly as the GeoJSON has them."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta, timezone

from api.pages.feature_pages import _csv_value

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def test_items_csv_dates_iso_text_utf8_without_bom(reader):
    params = {"limit": 5000}
    r = reader.get("/collections/growing_areas/items", params={**params, "f": "csv"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.content.startswith(b"id,")  # no BOM
    rows = {int(x["id"]): x for x in csv.DictReader(io.StringIO(r.content.decode("utf-8")))}
    features = reader.get("/collections/growing_areas/items", params=params).json()["features"]
    assert len(rows) == len(features) > 50
    dated = 0
    for f in features:
        row, props = rows[f["id"]], f["properties"]
        for col in ("valid_from", "valid_to"):
            if props[col] is None:
                assert row[col] == ""
            else:
                assert ISO_DATE.match(row[col]) and row[col] == props[col], (f["id"], col, row[col])
                dated += 1
        assert row["name"] == props["name"] and row["address"] == props["address"]
    assert dated > 50
    assert any("Nghệ An" in x["address"] for x in rows.values())


def test_csv_cells_for_dates_and_times():
    assert _csv_value(date(2024, 1, 5)) == "2024-01-05"
    assert _csv_value(datetime(2024, 1, 5, 7, 30, tzinfo=timezone(timedelta(hours=7)))) == "2024-01-05T07:30:00+07:00"
    assert _csv_value(date(1, 1, 1)) == "0001-01-01"
