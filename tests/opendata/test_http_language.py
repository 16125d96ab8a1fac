"""The portal's 404s (unknown dataset, format or release) in the language asked for, listing what
exists, in the JSON error shape; English for a client asking none."""
from __future__ import annotations

import pytest

CASES = [
    ("/opendata/datasets/ntm_results.xlsx", "Bộ dữ liệu 'ntm_results' không có định dạng 'xlsx'; các định dạng:",
     "dataset 'ntm_results' has no format 'xlsx'; formats:"),
    ("/opendata/datasets/nothing.geojson", "Không có bộ dữ liệu 'nothing'; các bộ dữ liệu:",
     "unknown dataset 'nothing'; datasets:"),
    ("/opendata/releases/9.9.9/communes.geojson", "Không có bản phát hành '9.9.9'; các bản phát hành: latest, 1.0.0",
     "no release '9.9.9'; releases: latest, 1.0.0"),
    ("/opendata/releases/1.0.0/nothing.txt", "Bản phát hành 1.0.0 không có tệp 'nothing.txt'",
     "release 1.0.0 has no file 'nothing.txt'"),
]


@pytest.mark.parametrize("path,vi,en", CASES, ids=[c[0] for c in CASES])
def test_portal_404s_follow_the_language_asked(od_client, path, vi, en):
    for query, words in (({"lang": "vi"}, vi), ({"lang": "en"}, en), ({}, en)):
        r = od_client.get(path, params=query, headers={"Accept": "application/json"})
        body = r.json()
        assert r.status_code == 404 and body["code"] == "NotFound" and words in body["description"], (query, body)
