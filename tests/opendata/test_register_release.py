"""A household register moves the open-data indicators (households in the register, issue 16), so
`publish --if-changed` must not skip the release after an import: the register's tables are private
and have no version trigger, so the import bumps `layer_versions` itself
(layers.jobs.registers.importing). Without that bump the second --if-changed publish below says
"no changes" and the indicator stays at the old figure until something else changes."""
from __future__ import annotations

import csv
import json

import psycopg
import pytest

from layers.db.engines import connection
from layers.jobs.opendata import store
from layers.jobs.opendata.indicators import DERIVED
from layers.jobs.opendata.release import publish
from layers.jobs.registers.importing import REGISTER_VERSION, import_register

INDICATORS = tuple(d for d in DERIVED if d.id in ("commune_indicators", "village_indicators"))


@pytest.fixture
def od(settings, tmp_path):
    return settings.model_copy(update={"opendata_dir": tmp_path / "opendata"})


def village_households(s, version: str, village_id: int):
    path = store.file_path(s, version, "village_indicators.geojson")
    [row] = [f["properties"] for f in json.loads(path.read_text())["features"] if f.get("id", f["properties"].get("id")) == village_id]
    return row["households"], row["households_with_address_code"]


def test_a_register_import_is_a_change_that_publish_if_changed_releases(od, demo_db, tmp_path):
    with psycopg.connect(demo_db) as conn:
        # A commune without a register yet, and its village with the most verified points: the
        # register's count is to replace the points there.
        commune, village, name, points = conn.execute("""
            SELECT v.commune_code, v.id, v.name, count(h.id) FILTER (WHERE h.status = 'active')
            FROM villages v LEFT JOIN households h ON h.village_id = v.id
            WHERE NOT EXISTS (SELECT 1 FROM private.household_registers r WHERE r.commune_code = v.commune_code)
            GROUP BY 1, 2, 3 HAVING count(h.id) FILTER (WHERE h.verified_at IS NOT NULL) >= %s
            ORDER BY count(h.id) DESC, v.id LIMIT 1""", (od.opendata_min_count,)).fetchone()
    first = publish(od, demo_db, datasets=INDICATORS)
    assert first.version == "1.0.0", first.message
    before, verified = village_households(od, first.version, village)
    assert before == points  # no register: the points are the target

    idle = publish(od, demo_db, datasets=INDICATORS, if_changed=True)
    assert idle.version is None  # the skip works: nothing changed, nothing published

    n = points + 25  # the register lists more households than have a point yet
    path = tmp_path / "so_ho.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["STT", "Thôn, xóm", "Họ tên chủ hộ", "Số nhân khẩu", "SĐT"])
        out.writerows([i + 1, name, f"Nguyễn Văn Sổ {i}", 4, f"0988{i:06d}"] for i in range(n))
    with connection(demo_db) as conn:
        report = import_register(conn, path, commune, "test:register-release", progress=False)
    assert report["village_matched"] == n

    after = publish(od, demo_db, datasets=INDICATORS, if_changed=True)
    assert after.version == "1.0.1", after.message  # a correction of existing rows: PATCH
    with psycopg.connect(demo_db) as conn:
        imports = conn.execute("SELECT version FROM layer_versions WHERE table_name = %s",
                               (REGISTER_VERSION,)).fetchone()[0]
    assert village_households(od, after.version, village) == (n, verified)
    assert str(village) in after.changes["village_indicators"].changed
    assert store.manifest(od, after.version)["layer_versions"][REGISTER_VERSION] == imports
    assert village_households(od, first.version, village) == (before, verified)  # a release never changes
    assert publish(od, demo_db, datasets=INDICATORS, if_changed=True).version is None
