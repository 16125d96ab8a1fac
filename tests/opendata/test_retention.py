"""Retention: `--keep N` removes old releases, and every link into one still leads somewhere."""
from __future__ import annotations

import hashlib

import psycopg
import pytest
from click.testing import CliRunner

from layers.jobs.opendata import store
from layers.jobs.opendata.datasets import by_id
from layers.jobs.opendata.release import publish
from layers.jobs.opendata.retention import prune

KEPT, EDITED, WITHDRAWN = "growing_areas", "tourism_places", "tourism_routes"


def rename_a_place(url: str) -> None:
    with psycopg.connect(url) as conn:
        conn.execute("UPDATE tourism_places SET name_vi = name_vi || ' (đã sửa)' "
                     "WHERE id = (SELECT min(id) FROM tourism_places)")


@pytest.fixture
def pruned(settings, tmp_path, demo_db):
    """1.0.0 (three datasets) → 2.0.0 (one withdrawn, one edited) → 2.0.1 (edited again); keep 1."""
    s = settings.model_copy(update={"opendata_dir": tmp_path / "opendata"})
    ds = by_id()
    assert publish(s, demo_db, datasets=(ds[KEPT], ds[EDITED], ds[WITHDRAWN])).version == "1.0.0"
    for version in ("2.0.0", "2.0.1"):
        rename_a_place(demo_db)
        assert publish(s, demo_db, datasets=(ds[KEPT], ds[EDITED])).version == version
    old = store.manifest(s, "1.0.0")
    result = prune(s, 1)
    assert (result.removed, result.kept) == (["2.0.0", "1.0.0"], ["2.0.1"])
    return s, old


def test_prune_keeps_the_newest_and_the_manifests_of_the_rest(pruned):
    s, old = pruned
    assert store.versions(s) == ["2.0.1"]
    assert sorted(p.name for p in store.releases_dir(s).iterdir() if not p.name.startswith(".publish")) == ["2.0.1"]
    assert store.removed_versions(s) == ["2.0.0", "1.0.0"]
    kept = store.removed_manifest(s, "1.0.0")
    assert kept["removed"] >= kept["created"] and kept["datasets"] == old["datasets"]
    assert prune(s, 1).removed == []
    with pytest.raises(ValueError):
        prune(s, 0)


def test_links_into_a_removed_release_redirect(pruned, app_client, demo_db):
    s, old = pruned
    c = app_client(demo_db, settings=s)
    base = "http://testserver/opendata/releases"

    def get(path, **kw):
        return c.get(f"/opendata/releases/{path}", follow_redirects=False, **kw)

    # The same bytes live on in 2.0.1: a permanent redirect, and what it leads to is those bytes.
    r = get(f"1.0.0/{KEPT}.gpkg")
    assert r.status_code == 308 and r.headers["location"] == f"{base}/2.0.1/{KEPT}.gpkg"
    assert "max-age" in r.headers["cache-control"] and "2.0.1" in r.json()["description_vi"]
    sha = next(d["sha256"] for d in old["datasets"][KEPT]["distributions"] if d["format"] == "gpkg")
    assert hashlib.sha256(c.get(r.headers["location"]).content).hexdigest() == sha
    # Edited since: the latest file of that dataset and format, as "see other".
    r = get(f"1.0.0/{EDITED}.shp.zip")
    assert r.status_code == 303 and r.headers["location"] == f"{base}/2.0.1/{EDITED}.shp.zip"
    # Withdrawn: the release listing, which names the removed releases.
    r = get(f"1.0.0/{WITHDRAWN}.csv")
    assert r.status_code == 303 and r.headers["location"] == f"{base}/"
    listing = c.get(r.headers["location"]).json()
    assert [x["version"] for x in listing["releases"]] == ["2.0.1"]
    assert [x["version"] for x in listing["removed"]] == ["2.0.0", "1.0.0"]
    # Its changelogs point to its index, which says what it held and where each file went.
    r = get(f"1.0.0/changelog/{EDITED}.json")
    assert r.status_code == 303 and r.headers["location"] == f"{base}/1.0.0/"
    index = get("1.0.0/").json()
    assert index["removed"] and index["moved"][f"{KEPT}.parquet"] == f"{base}/2.0.1/{KEPT}.parquet"
    assert index["moved"][f"{WITHDRAWN}.fgb"] == f"{base}/"
    manifest = get("1.0.0/release.json")
    assert manifest.status_code == 200 and set(manifest.json()["datasets"]) == {KEPT, EDITED, WITHDRAWN}
    # What never existed is still a 404 in the JSON error shape.
    for path in ("1.0.0/nothing.csv", "1.0.0/_hashes/growing_areas.parquet", "0.9.0/growing_areas.gpkg"):
        r = get(path)
        assert r.status_code == 404 and r.json()["code"] == "NotFound", path


def test_publish_keep_removes_old_releases(settings, tmp_path, demo_db, monkeypatch):
    from api.cli import main

    monkeypatch.setenv("DATABASE_URL", demo_db)
    monkeypatch.setenv("NTM_OPENDATA_DIR", str(tmp_path))
    s = settings.model_copy(update={"opendata_dir": tmp_path})
    runner = CliRunner()
    assert runner.invoke(main, ["publish", "--no-pmtiles"]).exit_code == 0
    rename_a_place(demo_db)
    out = runner.invoke(main, ["publish", "--no-pmtiles", "--keep", "1"])
    assert out.exit_code == 0, out.output
    assert "published release 1.0.1" in out.output and "removed release(s) 1.0.0" in out.output
    assert store.versions(s) == ["1.0.1"] and store.removed_versions(s) == ["1.0.0"]
    out = runner.invoke(main, ["publish", "--no-pmtiles", "--keep", "0"])
    assert out.exit_code == 2 and "--keep" in out.output
