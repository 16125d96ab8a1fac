"""The open-data routes read manifests and build the DCAT catalog once per release, not per request."""
from __future__ import annotations

import json

import pytest

from layers.jobs.opendata import catalog, store

PATHS = ("/opendata", "/opendata?f=html", "/opendata/catalog.jsonld", "/opendata/catalog.ttl", "/opendata/releases/",
         "/opendata/releases/latest/", "/opendata/releases/latest/release.json")


@pytest.fixture
def counted(monkeypatch):
    """Counts manifest reads and catalog graphs built (the work the cache saves), not replacing them."""
    calls = {"manifest": 0, "graph": 0}

    def counting(name, real):
        def wrapper(*args, **kw):
            calls[name] += 1
            return real(*args, **kw)
        return wrapper

    monkeypatch.setattr(store, "manifest", counting("manifest", store.manifest))
    monkeypatch.setattr(catalog, "catalog_graph", counting("graph", catalog.catalog_graph))
    return calls


def test_a_second_request_reads_nothing_again_and_a_new_release_is_seen(app_client, od_settings, od_demo, release,
                                                                        tmp_path, counted):
    published = store.releases_dir(od_settings) / release.version
    settings = od_settings.model_copy(update={"opendata_dir": tmp_path})
    (tmp_path / "releases").mkdir()
    (tmp_path / "releases" / release.version).symlink_to(published, target_is_directory=True)
    man = json.loads((published / store.MANIFEST).read_text())
    dataset = next(iter(man["datasets"]))
    paths = (*PATHS, f"/opendata/datasets/{dataset}")
    c = app_client(od_demo, settings=settings)
    first = {p: c.get(p) for p in paths}
    assert all(r.status_code == 200 for r in first.values()), {p: r.status_code for p, r in first.items()}
    seen = dict(counted)
    assert seen == {"manifest": 1, "graph": 2}  # one manifest, one graph per catalog format
    again = {p: c.get(p) for p in paths}
    assert counted == seen  # nothing read or built again
    assert all(again[p].content == first[p].content for p in paths if "release.json" in p or "catalog" in p)

    # A new release renamed into place is served at once.
    newer = tmp_path / "releases" / ".tmp-next"
    newer.mkdir()
    (newer / store.MANIFEST).write_text(json.dumps({**man, "version": "1.1.0", "previous": release.version}))
    newer.rename(tmp_path / "releases" / "1.1.0")
    assert c.get("/opendata").json()["version"] == "1.1.0"
    assert "1.1.0" in c.get("/opendata/catalog.ttl").text
    assert [r["version"] for r in c.get("/opendata/releases/").json()["releases"]] == ["1.1.0", release.version]
    assert counted["manifest"] == seen["manifest"] + 2 and counted["graph"] == seen["graph"] + 1
