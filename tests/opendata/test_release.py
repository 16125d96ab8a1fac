"""Releases: versions from the rules, changelogs naming edited features, nothing partial or empty."""
from __future__ import annotations

import json

import psycopg
import pyogrio
import pytest

from layers.jobs.opendata import store
from layers.jobs.opendata.datasets import all_datasets
from layers.jobs.opendata.release import publish


@pytest.fixture
def od(settings, tmp_path, demo_db):
    return settings.model_copy(update={"opendata_dir": tmp_path / "opendata"}), demo_db


def edit(url: str, sql: str, *args):
    with psycopg.connect(url) as conn:
        return conn.execute(sql, args).fetchone()


def changelog(s, version: str, ds: str) -> dict:
    return json.loads((store.releases_dir(s) / version / "changelog" / f"{ds}.json").read_text())


def test_publish_versions_changelogs_and_no_empty_release(od):
    s, url = od
    first = publish(s, url)
    assert first.version == "1.0.0" and first.previous is None

    again = publish(s, url)
    assert again.version is None and "no changes" in again.message
    quick = publish(s, url, if_changed=True)
    assert quick.version is None and "no changes" in quick.message and not quick.changes
    assert store.versions(s) == ["1.0.0"]

    place = edit(url, "UPDATE tourism_places SET name_vi = name_vi || ' (đã sửa)' "
                      "WHERE id = (SELECT min(id) FROM tourism_places) RETURNING id")[0]
    fix = publish(s, url)
    assert fix.version == "1.0.1"  # a correction: patch
    log = changelog(s, "1.0.1", "tourism_places")
    assert log["changed"] == [str(place)] and log["added"] == [] and log["removed"] == []
    assert changelog(s, "1.0.1", "communes")["changed"] == []
    assert f"changed (1): " in (md := (store.releases_dir(s) / "1.0.1" / "CHANGELOG.md").read_text()) and f" (đã sửa) (id {place})" in md
    man = store.manifest(s, "1.0.1")
    assert man["previous"] == "1.0.0" and man["datasets"]["tourism_places"]["changes"]["changed"] == 1
    # An unchanged dataset keeps its modified date; the old release stays whole.
    assert man["datasets"]["communes"]["modified"] == store.manifest(s, "1.0.0")["datasets"]["communes"]["modified"]
    assert man["datasets"]["tourism_places"]["issued"] == store.manifest(s, "1.0.0")["created"]
    assert man["datasets"]["tourism_places"]["modified"] == man["created"] != man["datasets"]["tourism_places"]["issued"]
    assert store.file_path(s, "1.0.0", "tourism_places.geojson") is not None

    new = edit(url, "INSERT INTO tourism_places (kind, name_vi, name_en, commune_code, geom) "
                    "SELECT kind, 'Điểm mới', 'New place', commune_code, geom FROM tourism_places "
                    "ORDER BY id LIMIT 1 RETURNING id")[0]
    more = publish(s, url)
    assert more.version == "1.1.0"  # new data: minor
    assert changelog(s, "1.1.0", "tourism_places")["added"] == [str(new)]
    assert store.latest(s) == "1.1.0" and store.versions(s) == ["1.1.0", "1.0.1", "1.0.0"]


def test_a_publish_failing_half_way_leaves_no_release(od):
    s, url = od
    assert publish(s, url).version == "1.0.0"
    edit(url, "UPDATE cooperatives SET members = members + 1 WHERE id = (SELECT min(id) FROM cooperatives) "
              "RETURNING id")
    written = []

    def fail_on_fifth_file(fmt, path):
        written.append(path)
        if len(written) == 5:
            raise OSError("disk full (injected)")

    with pytest.raises(OSError, match="injected"):
        publish(s, url, on_file=fail_on_fifth_file)
    assert store.versions(s) == ["1.0.0"]
    assert [p.name for p in store.releases_dir(s).iterdir() if p.name.startswith(".tmp")] == []
    assert not any(p.exists() for p in written)

    dry = publish(s, url, dry_run=True)
    assert dry.version == "1.0.1" and "dry run" in dry.message and store.versions(s) == ["1.0.0"]
    assert publish(s, url).version == "1.0.1"


def test_publish_command_says_what_it_did(od, monkeypatch):
    from click.testing import CliRunner

    from api.cli import main

    s, url = od
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("NTM_OPENDATA_DIR", str(s.opendata_dir))
    runner = CliRunner()
    out = runner.invoke(main, ["publish", "--no-pmtiles"])
    assert out.exit_code == 0, out.output
    assert "published release 1.0.0" in out.output and "households" in out.output
    out = runner.invoke(main, ["publish", "--if-changed", "--no-pmtiles"])
    assert out.exit_code == 0 and "no changes since release 1.0.0: nothing published" in out.output
    out = runner.invoke(main, ["publish", "--dry-run", "--no-pmtiles"])
    assert out.exit_code == 0 and "no changes" in out.output


def test_a_release_states_expiry_by_date(od):
    """Codes past their date are expired before the snapshot, so a release never shows them granted."""
    s, url = od
    area = edit(url, "UPDATE growing_areas SET valid_to = current_date - 3, valid_from = current_date - 400 "
                     "WHERE id = (SELECT min(id) FROM growing_areas WHERE status = 'granted') RETURNING id")[0]
    publish(s, url, datasets=tuple(d for d in all_datasets() if d.id == "growing_areas"))
    df = pyogrio.read_dataframe(store.file_path(s, store.latest(s), "growing_areas.gpkg"))
    assert df.loc[df["id"] == area, "status"].tolist() == ["expired"]
