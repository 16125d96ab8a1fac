"""Open data of traceability read back with the real readers (csv, pyogrio): lots without a
confidential quantity or any author, each lot's trace URL, the lots' growing areas, label scans per
commune and month, and a release when only scans changed."""
from __future__ import annotations

import csv
from datetime import timedelta

import pandas as pd
import psycopg
import pyogrio
import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from layers.jobs.opendata import store
from layers.jobs.opendata.lots import LOT_DATASETS, encoded_lot
from layers.jobs.opendata.release import publish
from geo import gs1
from tests.api.trace_helpers import DL_PATH, make_lots

BASE = "https://ntm.nghean.example.vn"
SECRET = "98765.432"  # the confidential quantity: in no file, in no form


@pytest.fixture(scope="module")
def traced(databases, demo_template, od_settings, tmp_path_factory):
    url = databases.create(template=demo_template)
    lots = make_lots(url)
    with psycopg.connect(url) as conn:
        conn.execute("UPDATE private.harvest_lot_private SET quantity = %s WHERE lot_id = %s", (SECRET, lots["short"]))
        today = lots["today"]
        for lot, day, n in ((lots["gs1"], today, 3), (lots["gs1"], today - timedelta(days=40), 2),
                            (lots["short"], today, 4)):
            conn.execute("INSERT INTO lot_scans (lot_id, day, scans) VALUES (%s, %s, %s)", (lot, day, n))
        commune = conn.execute("SELECT commune_code FROM cooperatives WHERE id = %s", (lots["coop"],)).fetchone()[0]
    settings = od_settings.model_copy(update={"opendata_dir": tmp_path_factory.mktemp("lots"), "opendata_base_url": BASE})
    result = publish(settings, url, datasets=LOT_DATASETS)
    folder = store.releases_dir(settings) / result.version
    return {**lots, "commune": commune, "settings": settings, "folder": folder, "result": result}


def csv_rows(path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def read(path, **kw):
    """A file through GDAL (pyogrio); `id` is the feature id where the format makes it one."""
    df = pyogrio.read_dataframe(path, fid_as_index=True, **kw)
    if "id" not in df.columns:
        df["id"] = df.index
    return df


def by_id(rows, key="id"):
    return {str(r[key]): r for r in rows}


def test_every_file_of_every_dataset_is_free_of_the_confidential_quantity_and_the_authors(traced):
    files = [p for p in traced["folder"].iterdir() if p.is_file() and p.name.split(".")[0] in
             {d.id for d in LOT_DATASETS}]
    assert len(files) >= 6 * len(LOT_DATASETS)
    for path in files:
        raw = path.read_bytes()
        for needle in (SECRET, "98765", "test:raw", "created_by", "updated_by", "Trần Thị Bí Mật", "0987654321"):
            assert needle.encode() not in raw, (path.name, needle)
    for fmt in ("gpkg", "geojson", "fgb"):
        rows = by_id(read(traced["folder"] / f"harvest_lots.{fmt}", read_geometry=False).to_dict("records"))
        short, public = rows[str(traced["short"])], rows[str(traced["gs1"])]
        assert short["confidential_quantity"] and pd.isna(short["quantity"]), fmt
        assert not public["confidential_quantity"] and public["quantity"] == 1200
    rows = by_id(csv_rows(traced["folder"] / "harvest_lots.csv"))
    assert rows[str(traced["short"])]["quantity"] == "" and rows[str(traced["gs1"])]["quantity"] == "1200"


def test_each_lot_carries_its_trace_url_and_source_areas(traced):
    rows = by_id(csv_rows(traced["folder"] / "harvest_lots.csv"))
    gs1_lot, short = rows[str(traced["gs1"])], rows[str(traced["short"])]
    assert gs1_lot["trace_url"] == BASE + DL_PATH and short["trace_url"] == f"{BASE}/l/{traced['short']}"
    assert gs1_lot["growing_area_codes"] == '["' + '","'.join(sorted(traced["codes"])) + '"]'
    assert gs1_lot["status"] == "active" and gs1_lot["certification"] == "VietGAP"
    df = read(traced["folder"] / "harvest_lots.gpkg")
    lot = df[df["id"] == traced["gs1"]].iloc[0]
    assert lot.geometry.geom_type == "MultiPolygon" and lot.geometry.area > 0


def test_the_links_name_each_area_with_its_status_then_and_now(traced):
    df = read(traced["folder"] / "harvest_lot_areas.gpkg")
    mine = df[df["lot_id"].isin([traced["gs1"], traced["short"]])]
    got = sorted((int(r.lot_id), r.growing_area_code, r.status_at_harvest, r.status_now) for r in mine.itertuples())
    want = sorted([(traced["gs1"], c, "granted", "granted") for c in traced["codes"]]
                  + [(traced["short"], traced["codes"][0], "granted", "granted")])
    assert got == want
    assert set(mine["id"]) == {f"{traced['gs1']}-{a}" for a in traced["areas"]} | {f"{traced['short']}-{traced['areas'][0]}"}


def test_label_scans_are_counted_per_commune_and_month(traced):
    rows = [r for r in csv_rows(traced["folder"] / "label_scans_by_commune.csv") if r["commune_code"] == traced["commune"]]
    today = traced["today"]
    months = {r["month"]: (int(r["scans"]), int(r["lots_scanned"])) for r in rows}
    this, before = today.replace(day=1), (today - timedelta(days=40)).replace(day=1)
    assert months[this.isoformat()][0] >= 3 + 4 and months[before.isoformat()][0] >= 2
    assert all(r["id"] == f"{r['commune_code']}-{r['month'][:7]}" for r in rows)
    assert set(csv_rows(traced["folder"] / "label_scans_by_commune.csv")[0]) >= {"WKT", "name_vi", "province_code"}


def test_only_new_scans_still_make_a_new_release(traced, databases):
    url = traced["url"]
    again = publish(traced["settings"], url, datasets=LOT_DATASETS, if_changed=True)
    assert again.version is None  # nothing changed
    with psycopg.connect(url) as conn:
        conn.execute("UPDATE lot_scans SET scans = scans + 1 WHERE lot_id = %s AND day = %s",
                     (traced["short"], traced["today"]))
    after = publish(traced["settings"], url, datasets=LOT_DATASETS, if_changed=True)
    assert after.version is not None and after.version != traced["result"].version


def test_the_sql_encoding_of_lot_codes_is_the_digital_links(traced):
    """Against geo.gs1.encode (the labels' and the resolver's), every set-82 symbol included."""
    codes = ["CV-2026/11", "A%B", "x'y\"z", "a&b=c?d", "(1)*+,;:<>!", "_.-Az09", "".join(sorted(gs1.CSET82))[:20]]
    with psycopg.connect(traced["url"]) as conn:
        for code in codes:
            got = conn.execute(sa.select(encoded_lot(sa.literal(code))).compile(
                dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}).string.replace("%%", "%"))
            assert got.fetchone()[0] == gs1.encode(code), code
