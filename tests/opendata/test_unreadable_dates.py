"""Publishing and every reader survive any date the database can hold (issue 11 item 5).

Python drivers read dates of years 1–9999 only; PostgreSQL holds `±infinity` and years up to
5874897. A row holding `infinity` (stored before migration 0006, or by psql) made every publish
fail with psycopg's DataError, and `make run` never served. Here the CHECK is dropped in the
test's own database and such dates are written behind the API's back."""
from __future__ import annotations

import math

import psycopg
import pyarrow.parquet as pq
import pytest

from layers.jobs.opendata import store
from layers.jobs.opendata.datasets import all_datasets
from layers.jobs.opendata.release import publish
from tests.api.growing_helpers import make_user
from tiles.pmtiles_export import pmtiles_writer, writer_key

STORED = {"infinity_end": ("valid_to", "infinity"), "minus_infinity_start": ("valid_from", "-infinity"),
          "last_python_day": ("valid_to", "9999-12-31"), "beyond_python": ("valid_to", "12000-01-01")}
# What a file says for each (None: an open end, as NULL means for validity).
IN_FILES = {"infinity_end": ("valid_to", None), "minus_infinity_start": ("valid_from", None),
            "last_python_day": ("valid_to", "9999-12-31"), "beyond_python": ("valid_to", "9999-12-31")}


@pytest.fixture
def odd_dates(demo_db, settings, tmp_path):
    """{case: area id}, each a granted area holding one odd date; the CHECK dropped for it."""
    with psycopg.connect(demo_db) as conn:
        conn.execute("ALTER TABLE growing_areas DROP CONSTRAINT ck_growing_areas_dates_in_range")
        ids = [r[0] for r in conn.execute("SELECT id FROM growing_areas WHERE status = 'granted' "
                                          "AND valid_to > current_date + 30 ORDER BY id LIMIT %s", (len(STORED),))]
        areas = {}
        for (case, (column, value)), area in zip(STORED.items(), ids):
            conn.execute(f"UPDATE growing_areas SET {column} = %s::date WHERE id = %s", (value, area))
            areas[case] = area
    return areas


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2 ** z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return int((lon + 180) / 360 * n), int(y)


def test_publish_writes_a_release_despite_infinite_and_far_dates(odd_dates, demo_db, settings, tmp_path):
    s = settings.model_copy(update={"opendata_dir": tmp_path / "opendata", "pmtiles_max_zoom": 8})
    growing = tuple(d for d in all_datasets() if d.id == "growing_areas")
    result = publish(s, demo_db, datasets=growing, extra=pmtiles_writer(s), extra_key=writer_key(s))
    assert result.version == "1.0.0", result.message
    assert store.file_path(s, "1.0.0", "growing_areas.pmtiles") is not None
    table = pq.read_table(store.file_path(s, "1.0.0", "growing_areas.parquet")).to_pylist()
    by_id = {row["id"]: row for row in table}
    for case, (column, expected) in IN_FILES.items():
        got = by_id[odd_dates[case]][column]
        assert (got.isoformat() if got else None) == expected, case
    man = store.manifest(s, "1.0.0")["datasets"]["growing_areas"]
    assert "1900-01-01" <= man["temporal"][0] <= man["temporal"][1] <= "9999-12-31", man["temporal"]


def test_api_readers_answer_for_infinite_and_last_python_dates(odd_dates, demo_db, app_client):
    """Items (GeoJSON, CSV, sorted by the date), one item, tiles, history, staff views, collection."""
    readable = {k: odd_dates[k] for k in ("infinity_end", "minus_infinity_start", "last_python_day")}
    with psycopg.connect(demo_db) as conn:
        conn.execute("UPDATE growing_areas SET valid_to = '2200-01-01' WHERE id = %s", (odd_dates["beyond_python"],))
        points = {k: conn.execute("SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_PointOnSurface(geom) c FROM growing_areas "
                                  "WHERE id = %s) p", (a,)).fetchone() for k, a in readable.items()}
        conn.commit()
    admin = make_user(demo_db, "root", "admin", [])
    client = app_client(demo_db)
    for case, area in readable.items():
        one = client.get(f"/collections/growing_areas/items/{area}")
        assert one.status_code == 200, (case, one.text)
        history = client.get(f"/collections/growing_areas/items/{area}/history")
        assert history.status_code == 200, (case, history.text)
        assert history.json()["entries"][-1]["after"][STORED[case][0]] == STORED[case][1]
        staff = client.get(f"/staff/api/growing-areas/{area}", headers=admin)
        assert staff.status_code == 200, (case, staff.text)
        as_of = client.get(f"/staff/api/growing-areas/{area}", headers=admin, params={"as_of": "2200-12-31"})
        assert as_of.status_code == 200, (case, as_of.text)
        x, y = tile_of(*points[case], 12)
        tile = client.get(f"/collections/growing_areas/tiles/WebMercatorQuad/12/{x}/{y}")
        assert tile.status_code == 200 and tile.content, (case, tile.status_code)
    assert client.get("/staff/api/growing-areas", headers=admin, params={"limit": 5000}).status_code == 200
    assert client.get("/collections/growing_areas").status_code == 200
    csv = client.get("/collections/growing_areas/items", params={"f": "csv", "limit": 10000})
    assert csv.status_code == 200, csv.text
    assert all(str(a) in csv.text for a in readable.values())
    seen, url, params = [], "/collections/growing_areas/items", {"sortby": "-valid_to", "limit": 50}
    for _ in range(100):  # paging by the date crosses the infinite ones and ends
        page = client.get(url, params=params)
        assert page.status_code == 200, page.text
        seen += [f["id"] for f in page.json()["features"]]
        nxt = [link["href"] for link in page.json()["links"] if link["rel"] == "next"]
        if not nxt:
            break
        url, params = nxt[0], None
    assert len(seen) == len(set(seen)) and set(readable.values()) <= set(seen)
