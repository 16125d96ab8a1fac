"""Response headers and the Host header (issue 11 item 7): a CSP, nosniff and a Referrer-Policy on
every answer (tiles from the fast path too); links are never built from a Host this server does
not answer to. The pages' compliance with the CSP is proven in tests/browser/test_csp.py."""
from __future__ import annotations

import pytest

from api.http.host_check import host_name

LINKED = ["/", "/collections", "/collections/communes/items?limit=1", "/collections/communes/tiles",
          "/search?q=yen", "/map?lang=en"]


@pytest.mark.parametrize("path", LINKED)
def test_a_forged_host_is_refused_and_never_reaches_a_link(reader, path):
    r = reader.get(path, headers={"Host": "evil.example"})
    assert r.status_code == 400, r.text
    assert "evil.example" not in r.text and r.json()["code"] == "InvalidParameterValue"
    ok = reader.get(path, headers={"Host": "localhost:8000"})
    assert ok.status_code == 200 and "evil.example" not in ok.text
    if path != "/map?lang=en":
        assert "http://localhost:8000/" in ok.text  # links follow an allowed Host


def test_allowed_hosts_are_configurable(app_client, shared_demo):
    c = app_client(shared_demo, allowed_hosts=["maps.nghean.example"], opendata_base_url=None)
    r = c.get("/collections", headers={"Host": "maps.nghean.example"})
    assert r.status_code == 200 and "http://maps.nghean.example/collections/" in r.text
    assert c.get("/collections").status_code == 400  # testserver is not listed now
    assert c.get("/collections", headers={"Host": "localhost"}).status_code == 400
    everyone = app_client(shared_demo, allowed_hosts=["*"])
    assert everyone.get("/collections", headers={"Host": "anything.example"}).status_code == 200
    published = app_client(shared_demo, opendata_base_url="https://data.nghean.example/ntm/")
    assert published.get("/collections", headers={"Host": "data.nghean.example"}).status_code == 200


def test_host_names_are_read_without_their_port():
    assert host_name("Example.ORG:8000") == "example.org"
    assert host_name("[::1]:8000") == "::1" and host_name("::1") == "::1" and host_name("") == ""


def _assert_headers(r, frame: str = "'self'"):
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self';" in csp and "object-src 'none'" in csp
    assert f"frame-ancestors {frame}" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_every_kind_of_answer_carries_the_headers(reader):
    for path in ("/collections", "/map", "/collections/communes/items?f=html&limit=2",
                 "/tiles/WebMercatorQuad/0/0/0", "/collections/communes/tiles/WebMercatorQuad/0/0/0",
                 "/no/such/path", "/static/map/main.js"):
        r = reader.get(path)
        assert r.status_code in (200, 404), (path, r.status_code)
        _assert_headers(r)
    _assert_headers(reader.get("/embed"), frame="*")  # made to be framed by other sites
    staff = reader.get("/staff")
    _assert_headers(staff)
    assert staff.headers["x-frame-options"] == "DENY"
    for docs in (reader.get("/docs"), reader.get("/api?f=html")):  # Swagger UI from /static/vendor, no CDN
        assert docs.status_code == 200 and "swagger-ui" in docs.text
        _assert_headers(docs)
        assert "cdn" not in docs.headers["content-security-policy"] and "https://" not in docs.text


def test_an_external_basemap_is_allowed_to_connect(app_client, shared_demo):
    c = app_client(shared_demo, basemap_style_url="https://tiles.example.org/styles/basic.json")
    csp = c.get("/map").headers["content-security-policy"]
    assert "connect-src 'self' https://tiles.example.org https:" in csp
