"""Errors for people: a browser (Accept: text/html first) gets a 404 or 500 page in its language
with a way back; API clients (no Accept, */*, JSON first) keep the JSON error shape."""
from __future__ import annotations

import pytest
from fastapi import Request

from tests.support import started_client

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.fixture(scope="module")
def client(settings, shared_demo):
    async def bug(request: Request):
        return {"half": 1 / 0}

    with started_client(settings, shared_demo, raise_server_exceptions=False) as c:
        c.app.add_api_route("/probe/bug", bug)
        yield c


def json_error(r, status: int) -> dict:
    assert r.status_code == status and r.headers["content-type"] == "application/json", r.text
    body = r.json()
    assert set(body) == {"code", "description", "status"} and body["status"] == status
    return body


def html_page(r, status: int) -> str:
    assert r.status_code == status and r.headers["content-type"].startswith("text/html"), r.text
    assert "Accept" in r.headers["vary"]
    return r.text


def test_unknown_page_is_a_page_for_a_browser_in_its_language(client):
    vi = html_page(client.get("/no/such/page", headers={"Accept": BROWSER, "Accept-Language": "vi-VN"}), 404)
    assert '<html lang="vi">' in vi and "Không tìm thấy trang" in vi and 'href="/map?lang=vi"' in vi
    en = html_page(client.get("/no/such/page?lang=en", headers={"Accept": BROWSER}), 404)
    assert '<html lang="en">' in en and "Page not found" in en and "Go to the map" in en
    assert "Không" not in en.split("<body>")[1].replace("Tiếng Việt", "")


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "application/json, text/html",
                                    "application/geo+json,text/html;q=0.5"])
def test_api_clients_keep_the_json_404(client, accept):
    headers = {"Accept": accept} if accept else {}
    assert "/no/such/page" in json_error(client.get("/no/such/page", headers=headers), 404)["description"]


def test_unknown_feature_names_its_layer_and_leads_to_the_list(client):
    r = client.get("/collections/growing_areas/items/999999?f=html&lang=vi", headers={"Accept": BROWSER})
    text = html_page(r, 404)
    assert "Không tìm thấy đối tượng" in text and "Vùng trồng được cấp mã" in text and "999999" in text
    assert 'href="/collections/growing_areas/items?f=html&amp;lang=vi"' in text
    api = json_error(client.get("/collections/growing_areas/items/999999"), 404)
    assert api["description"] == "no feature 999999 in growing_areas"


def test_unexpected_error_is_a_500_page_naming_the_request(client):
    r = client.get("/probe/bug?lang=en", headers={"Accept": BROWSER})
    text = html_page(r, 500)
    assert "Something went wrong" in text and r.headers["x-request-id"] in text
    vi = html_page(client.get("/probe/bug", headers={"Accept": BROWSER, "Accept-Language": "vi"}), 500)
    assert "Đã có lỗi" in vi
    body = json_error(client.get("/probe/bug"), 500)
    assert body["code"] == "InternalError"


def test_other_errors_say_what_in_words_and_keep_the_detail(client):
    r = client.get("/tourism?kind=spa&lang=en", headers={"Accept": BROWSER})
    text = html_page(r, 400)
    assert "This page cannot be opened" in text and "error 400" in text and "homestay" in text
    assert "homestay" in json_error(client.get("/tourism?kind=spa"), 400)["description"]


def test_writes_and_scripts_keep_json_even_from_a_browser(client):
    r = client.post("/collections/growing_areas/items", headers={"Accept": BROWSER}, json={})
    assert r.headers["content-type"] == "application/json"
