"""The /opendata pages and downloads: 404s that list what exists, ETags, ranges, no traversal."""
from __future__ import annotations

import pytest

from layers.jobs.opendata import store


def test_catalog_page_in_both_languages(od_client):
    vi = od_client.get("/opendata", params={"f": "html", "lang": "vi"})
    en = od_client.get("/opendata", params={"f": "html", "lang": "en"})
    assert vi.status_code == en.status_code == 200
    assert "Dữ liệu mở nông thôn mới" in vi.text and "Trích dẫn" in vi.text and "Giấy phép" in vi.text
    assert "New Rural Development open data" in en.text and "How to cite" in en.text
    assert "CC BY 4.0" in en.text and "GeoParquet" in en.text and "thanglequoc" in en.text
    body = od_client.get("/opendata").json()
    assert body["version"] == "1.0.0" and len(body["datasets"]) >= 14
    assert all(d["bytes"] > 0 for ds in body["datasets"] for d in ds["distributions"])


def test_dataset_page_and_latest_download(od_client):
    page = od_client.get("/opendata/datasets/ntm_results", params={"f": "html", "lang": "en"})
    assert page.status_code == 200 and "criteria_met" in page.text and "SHA-256" in page.text
    r = od_client.get("/opendata/datasets/ntm_results.parquet")
    assert r.status_code == 200 and r.headers["content-type"] == "application/vnd.apache.parquet"
    assert "attachment" in r.headers["content-disposition"]
    tag = r.headers["etag"]
    assert od_client.get("/opendata/datasets/ntm_results.parquet", headers={"If-None-Match": tag}).status_code == 304
    same = od_client.get("/opendata/releases/latest/ntm_results.parquet")
    assert same.content == r.content and same.headers["etag"] == tag
    zipped = od_client.get("/opendata/datasets/ntm_results.shp.zip")
    assert zipped.status_code == 200 and zipped.content == od_client.get("/opendata/datasets/ntm_results.shp").content
    assert "immutable" in od_client.get("/opendata/releases/1.0.0/ntm_results.parquet").headers["cache-control"]


def test_unknown_dataset_or_format_is_a_404_listing_them(od_client):
    r = od_client.get("/opendata/datasets/ntm_results.xlsx")
    assert r.status_code == 404
    body = r.json()
    assert body["code"] == "NotFound" and body["status"] == 404
    for fmt in ("geojson", "gpkg", "shp", "csv", "fgb", "parquet", "pmtiles"):
        assert fmt in body["description"]
    r = od_client.get("/opendata/datasets/nothing.geojson")
    assert r.status_code == 404 and "communes" in r.json()["description"] and "ntm_results" in r.json()["description"]
    r = od_client.get("/opendata/releases/9.9.9/communes.geojson")
    assert r.status_code == 404 and "1.0.0" in r.json()["description"]


@pytest.mark.parametrize("path", [
    "/opendata/releases/1.0.0/../../../etc/passwd", "/opendata/releases/1.0.0/..%2F..%2Frelease.json",
    "/opendata/releases/1.0.0/_hashes/communes.parquet", "/opendata/releases/1.0.0/%2Fetc%2Fpasswd",
    "/opendata/releases/..%2F1.0.0/release.json", "/opendata/datasets/..%2Fcommunes.geojson",
])
def test_no_path_traversal(od_client, path):
    r = od_client.get(path)
    assert r.status_code == 404 and r.json()["code"] == "NotFound"


def test_release_list_and_files(od_client):
    body = od_client.get("/opendata/releases/").json()
    assert body["latest"] == "1.0.0" and body["releases"][0]["version"] == "1.0.0"
    files = od_client.get("/opendata/releases/latest/").json()["files"]
    assert any(f.endswith("/datapackage.json") for f in files) and any(f.endswith("/CHANGELOG.md") for f in files)
    dp = od_client.get("/opendata/releases/1.0.0/datapackage.json").json()
    assert dp["version"] == "1.0.0" and dp["licenses"][0]["name"] == "CC-BY-4.0"
    assert all(res["hash"].startswith("sha256:") and res["bytes"] > 0 for res in dp["resources"])
    assert "Phiên bản" in od_client.get("/opendata/releases/", params={"f": "html", "lang": "vi"}).text


def test_pmtiles_answer_range_requests(od_client):
    r = od_client.get("/opendata/datasets/communes.pmtiles", headers={"Range": "bytes=0-126"})
    assert r.status_code == 206 and len(r.content) == 127 and r.content[:7] == b"PMTiles"


def test_before_any_release(app_client, settings, od_demo, tmp_path):
    s = settings.model_copy(update={"opendata_dir": tmp_path})
    c = app_client(od_demo, settings=s)
    assert "ntm-map publish" in c.get("/opendata", params={"f": "html", "lang": "en"}).text
    r = c.get("/opendata/catalog.ttl")
    assert r.status_code == 404 and "publish" in r.json()["description"]
    assert c.get("/opendata/datasets/communes.geojson").status_code == 404
    assert c.get("/opendata/releases/").json() == {"latest": None, "releases": [], "removed": []}
    assert store.latest(s) is None


def test_licence_and_citation_come_before_the_datasets(od_client):
    text = od_client.get("/opendata", params={"f": "html", "lang": "en"}).text
    assert text.index("How to cite") < text.index('class="datasets"') and text.index("Licence") < text.index("How to cite")


def test_dataset_search_and_tags(od_client):
    everything = od_client.get("/opendata").json()["datasets"]
    found = od_client.get("/opendata", params={"q": "vung trong"}).json()["datasets"]  # no accents needed
    ids = [d["id"] for d in found]
    assert "growing_areas" in ids and "tourism_places" not in ids and len(ids) < len(everything)
    tourism = od_client.get("/opendata", params={"tag": "tourism"}).json()["datasets"]
    assert {d["id"] for d in tourism} == {"tourism_places", "tourism_routes", "tourism_events"}
    assert [d["tags"] for d in od_client.get("/opendata", params={"tag": "tourism", "lang": "en"}).json()["datasets"]] \
        == [[["tourism", "rural tourism"]]] * 3
    page = od_client.get("/opendata", params={"f": "html", "lang": "vi", "tag": "tourism"}).text
    assert "3 bộ dữ liệu khớp" in page and 'aria-current="true">du lịch nông thôn' in page
    assert 'href="http://testserver/opendata?f=html&amp;lang=vi&amp;tag=growing_areas"' in page
    nothing = od_client.get("/opendata", params={"f": "html", "lang": "en", "q": "zzzz"}).text
    assert "No dataset matches" in nothing


def test_changelog_opens_as_a_page_and_stays_json_for_programs(od_client):
    page = od_client.get("/opendata/datasets/growing_areas/changes", params={"f": "html", "lang": "en"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Changes to “Growing areas with codes” in version 1.0.0" in page.text and "first release" in page.text
    log = od_client.get("/opendata/datasets/growing_areas/changes").json()
    assert log["dataset"] == "growing_areas" and log["version"] == "1.0.0"
    dataset = od_client.get("/opendata/datasets/growing_areas", params={"f": "html", "lang": "vi"}).text
    assert "/opendata/datasets/growing_areas/changes?f=html&amp;lang=vi" in dataset
    assert od_client.get("/opendata/datasets/nothing/changes").status_code == 404


def test_dataset_page_previews_its_first_rows_in_words(od_client):
    page = od_client.get("/opendata/datasets/growing_areas", params={"f": "html", "lang": "vi"}).text
    preview = page.split('id="preview"')[1].split("</table>")[0]
    assert preview.count("<tr>") == 11  # the header and ten rows
    assert "Chanh leo" in preview or "Cam" in preview  # crops in words
    assert "passion_fruit" not in preview and "granted" not in preview
    assert 'id="item-geometry"' in page and '"type": "MultiPolygon"' in page


def test_changelog_page_and_changelog_md_name_the_changed_features(app_client, settings, demo_db, tmp_path):
    """Two small releases around one renamed place: the page and CHANGELOG.md name it (by its new
    name, linked to its page), not by its bare id."""
    import psycopg

    from layers.jobs.opendata.datasets import by_id
    from layers.jobs.opendata.release import publish

    s = settings.model_copy(update={"opendata_dir": tmp_path})
    places = (by_id()["tourism_places"],)
    assert publish(s, demo_db, datasets=places).version == "1.0.0"
    with psycopg.connect(demo_db) as conn:
        fid, name = conn.execute("UPDATE tourism_places SET name_vi = name_vi || ' (mới)' WHERE id = "
                                 "(SELECT min(id) FROM tourism_places) RETURNING id, name_vi").fetchone()
    assert publish(s, demo_db, datasets=places).version == "1.0.1"
    md = (store.releases_dir(s) / "1.0.1" / "CHANGELOG.md").read_text()
    assert f"- changed (1): {name} (id {fid})" in md and "Rural tourism places" in md
    page = app_client(demo_db, settings=s).get("/opendata/datasets/tourism_places/changes",
                                               params={"f": "html", "lang": "vi"}).text
    assert "So với phiên bản 1.0.0." in page and "Sửa đổi (1)" in page
    assert f'<a href="/collections/tourism_places/items/{fid}?f=html&amp;lang=vi">{name}</a>' in page
