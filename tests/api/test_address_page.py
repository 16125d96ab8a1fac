"""The public address page /a/{code} over the demo in a real PostGIS: the code with its check
character, Plus Code, village and commune, directions and the page's QR code, never a resident's
name, phone or ID; a retired code says so and links to its successor; a mistyped code is a 404
suggesting the codes one slip away; JSON by Accept."""
from __future__ import annotations

import re

import psycopg
import pytest

from geo import address_code

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


@pytest.fixture(scope="module")
def demo(databases, demo_template):
    """A copy of the demo with one household retired in favour of its neighbour."""
    url = databases.create(template=demo_template)
    with psycopg.connect(url) as conn:
        rows = conn.execute("""
            SELECT h.id, h.address_code, h.plus_code, v.name, c.full_name_vi, c.full_name_en,
                   p.head_name, p.phone, p.national_id
            FROM households h JOIN villages v ON v.id = h.village_id JOIN communes c ON c.code = h.commune_code
            JOIN private.household_private p ON p.household_id = h.id
            ORDER BY h.id LIMIT 2""").fetchall()
        conn.execute("UPDATE households SET verified_at = '2026-11-20 09:00+07' WHERE id = %s", (rows[0][0],))
        conn.execute("UPDATE households SET status = 'retired', retired_at = now(), successor_code = %s "
                     "WHERE id = %s", (rows[0][1], rows[1][0]))
    return {"url": url, "live": rows[0], "retired": rows[1]}


@pytest.fixture(scope="module")
def client(settings, demo):
    from tests.support import started_client
    with started_client(settings, demo["url"]) as c:
        yield c


def test_the_page_shows_the_address_and_nothing_about_residents(client, demo):
    _, code, plus, village, commune_vi, _, name, phone, national_id = demo["live"]
    r = client.get(f"/a/{code}?lang=vi", headers=HTML)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    assert f'{code[:-1]}<span class="check">{code[-1]}</span>' in page
    assert plus in page and village in page and commune_vi in page
    assert "20/11/2026" in page  # verified, in the Vietnamese date form
    assert re.search(r'href="geo:\d+\.\d{6},\d+\.\d{6}\?q=', page)
    assert "/map#map=18/" in page and "openstreetmap.org/directions" in page
    assert page.count("<svg") == 2  # the map and the QR code, both inline
    assert "<script" not in page.lower()
    for private in (name, phone, national_id):
        assert private not in page
    assert "Chỉ đường" in page and "Directions" not in page
    assert "Directions" in client.get(f"/a/{code}?lang=en", headers=HTML).text


def test_a_code_as_typed_is_sent_to_its_canonical_form(client, demo):
    code = demo["live"][1]
    r = client.get(f"/a/{code.replace('-', '').lower()}?lang=en", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"].endswith(f"/a/{code}?lang=en")


def test_a_retired_code_says_so_and_links_to_its_successor(client, demo):
    retired, successor = demo["retired"][1], demo["live"][1]
    page = client.get(f"/a/{retired}?lang=en", headers=HTML).text
    assert "NO LONGER IN USE" in page
    assert f'href="http://testserver/a/{successor}?lang=en"' in page
    assert 'id="geo-link"' not in page  # no directions to a code no longer in use
    body = client.get(f"/a/{retired}", headers={"Accept": "application/json"}).json()
    assert body["properties"]["status"] == "retired" and body["properties"]["successor_code"] == successor


def test_a_mistyped_code_is_a_404_suggesting_the_code_meant(client, demo):
    code = demo["live"][1]
    wrong = code[:5] + ("1" if code[5] != "1" else "2") + code[6:]  # one serial digit mistyped
    assert not address_code.is_valid(wrong)
    r = client.get(f"/a/{wrong}?lang=en", headers=HTML)
    assert r.status_code == 404 and "looks mistyped" in r.text
    assert f'href="/a/{code}?lang=en"' in r.text  # the stored code one slip away
    swapped = code[:5] + code[6] + code[5] + code[7:]
    if swapped != code and not address_code.is_valid(swapped):
        assert code in client.get(f"/a/{swapped}", headers=HTML).text
    refusal = client.get(f"/a/{wrong}?lang=vi", headers={"Accept": "application/json"})
    assert refusal.status_code == 404 and "gõ nhầm" in refusal.json()["description"] and code in refusal.json()["description"]


def test_a_valid_code_nobody_holds_and_garbage_are_404s(client):
    free = address_code.make(address_code.cell_of(105.5, 18.8), 1_000_000)
    r = client.get(f"/a/{free}?lang=en", headers=HTML)
    assert r.status_code == 404 and f"No address has the code {free}" in r.text
    r = client.get("/a/hello?lang=en", headers=HTML)
    assert r.status_code == 404 and "9 characters" in r.text
    assert client.get("/a/hello", headers={"Accept": "application/json"}).status_code == 404
    r = client.get("/a/hello")  # a client that does not ask for a page gets the API's JSON error
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/json") and r.json()["description"]


def test_json_is_a_geojson_feature_of_public_fields(client, demo):
    _, code, plus, village, *_ = demo["live"]
    r = client.get(f"/a/{code}", headers={"Accept": "application/geo+json"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/geo+json"
    body = r.json()
    assert body["type"] == "Feature" and body["geometry"]["type"] == "Point"
    props = body["properties"]
    assert props["address_code"] == code and props["check_character"] == code[-1] and props["plus_code"] == plus
    assert props["village"]["name"] == village and props["verified"] is True and props["verified_on"] == "2026-11-20"
    assert set(props) == {"address_code", "check_character", "plus_code", "status", "successor_code", "verified",
                          "verified_on", "village", "commune", "province"}
    etag = r.headers["etag"]
    assert client.get(f"/a/{code}", headers={"Accept": "application/geo+json", "If-None-Match": etag}).status_code == 304


def test_search_links_an_address_to_its_page(client, demo):
    code = demo["live"][1]
    hit = client.get("/search", params={"q": code.lower()}).json()["features"][0]
    assert {"href": f"http://testserver/a/{code}", "rel": "alternate", "type": "text/html",
            "title": hit["properties"]["label"]} in hit["links"]
    page = client.get("/search", params={"q": code, "f": "html", "lang": "en"}).text
    assert f'href="http://testserver/a/{code}?lang=en"' in page
