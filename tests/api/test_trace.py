"""The lot resolver over a real PostGIS: a GS1 Digital Link URI and a short URL answer the trace
page (HTML, escaped, no personal data), JSON-LD, the GS1 linkset and redirects to one link type;
bad identifiers are 400s saying what is wrong, unknown lots 404s in the reader's language."""
from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import jsonschema  # (with openapi-spec-validator, a test dependency)
import pytest

from geo import gs1
from tests.api.trace_helpers import COOPERATIVE, DL_PATH, GTIN, LOT_CODE, PRODUCT, make_lots, private_values

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
JSONLD = {"Accept": "application/ld+json"}


@pytest.fixture(scope="module")
def lots(databases, demo_template):
    return make_lots(databases.create(template=demo_template))


@pytest.fixture(scope="module")
def client(settings, lots):
    from tests.support import started_client
    with started_client(settings, lots["url"]) as c:
        yield c


def test_the_page_shows_both_areas_escapes_names_and_names_no_owner(client, lots):
    r = client.get(DL_PATH, headers=HTML)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    for code in lots["codes"]:
        assert page.count(code) >= 3  # the list, the map's label and its description
    assert "<svg" in page and "maplibre" not in page.lower() and "<script" not in page.lower()
    # HTML in names is text: Jinja's autoescape on the page, geo.svg_map's in the map.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "onerror=alert(2)>" not in page and "<b>Vinh</b>" not in page
    for value in private_values(lots["url"], lots["areas"]):
        assert value not in page
    assert "1.200 kg" in page and "VietGAP" in page and "0238 3861 234" in page  # the business phone is public
    assert "Đã cấp mã" in page and "Cảnh báo" not in page and "THU HỒI" not in page
    assert f"{lots['harvest'].day:02d}/{lots['harvest'].month:02d}/{lots['harvest'].year}" in page
    assert r.headers["cache-control"] == "no-cache" and r.headers["etag"]
    assert "Accept" in r.headers["vary"] and "Accept-Language" in r.headers["vary"]
    assert 'rel="linkset"' in r.headers["link"] and "linkType=linkset" in r.headers["link"]


def test_the_page_speaks_english_when_asked(client, lots):
    en = client.get(DL_PATH, headers={**HTML, "Accept-Language": "en-GB,en;q=0.9"}).text
    assert 'lang="en"' in en and "Harvested on" in en and "Granted" in en and "1,200 kg" in en
    h = lots["harvest"]
    assert f"{h.day} {['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][h.month - 1]} {h.year}" in en
    assert "Đã cấp mã" not in en
    assert 'lang="vi"' in client.get(DL_PATH + "?lang=vi", headers={**HTML, "Accept-Language": "en"}).text


def test_json_ld_has_the_lot_and_its_areas_and_no_personal_data(client, lots):
    r = client.get(DL_PATH, headers=JSONLD)
    assert r.status_code == 200 and r.headers["content-type"] == "application/ld+json"
    doc = json.loads(r.text)
    assert doc["@context"]["@vocab"] == "https://schema.org/" and doc["@context"]["gs1"] == "https://gs1.org/voc/"
    assert "SomeProducts" in doc["@type"] and doc["@id"].endswith(DL_PATH)
    assert doc["gtin"] == GTIN and doc["gs1:hasBatchLotNumber"] == LOT_CODE and doc["name"] == PRODUCT
    assert doc["manufacturer"]["name"] == COOPERATIVE
    areas = doc["ntm:growingArea"]
    assert sorted(a["identifier"] for a in areas) == sorted(lots["codes"])
    assert {a["ntm:statusAtHarvest"] for a in areas} == {"granted"} == {a["ntm:statusToday"] for a in areas}
    assert doc["ntm:quantity"]["value"] == 1200 and doc["ntm:quantity"]["unitCode"] == "KGM"
    for value in private_values(lots["url"], lots["areas"]):
        assert value not in r.text
    assert client.get(DL_PATH + "?f=jsonld").headers["content-type"] == "application/ld+json"
    assert client.get(DL_PATH, headers={"Accept": "application/json"}).headers["content-type"] == "application/ld+json"


def test_linkset_for_link_type_all_and_the_accept_header(client, lots):
    for r in (client.get(DL_PATH + "?linkType=all"), client.get(DL_PATH + "?linkType=linkset"),
              client.get(DL_PATH, headers={"Accept": "application/linkset+json"})):
        assert r.status_code == 200 and r.headers["content-type"] == gs1.LINKSET_MEDIA_TYPE
        assert f'<{gs1.LINKSET_CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"' in r.headers["link"]
        [entry] = r.json()["linkset"]
        assert entry["anchor"] == f"http://testserver{DL_PATH}"
        assert [link["href"] for link in entry["https://gs1.org/voc/defaultLink"]] == [entry["anchor"]]
        assert len(entry["https://gs1.org/voc/pip"]) == 3
        assert entry["https://gs1.org/voc/traceability"][0]["type"] == "application/ld+json"
        assert entry["https://gs1.org/voc/certificationInfo"][0]["href"].endswith("#certification")
        assert "https://gs1.org/voc/recallStatus" not in entry  # the lot was not recalled
        for targets in (v for k, v in entry.items() if k != "anchor"):
            assert all(t["href"] and t["title"] for t in targets)


def test_a_link_type_redirects_there_and_an_unknown_one_is_404(client, lots):
    r = client.get(DL_PATH + "?linkType=gs1:traceability", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == f"http://testserver{DL_PATH}?f=jsonld"
    assert 'rel="linkset"' in r.headers["link"]
    # The language asked picks among links of one type; other parameters pass on, linkType does not.
    r = client.get(DL_PATH + "?linkType=gs1:pip&lang=en&utm_source=label", follow_redirects=False)
    assert r.status_code == 307
    location = urlsplit(r.headers["location"])
    assert location.path == DL_PATH and sorted(location.query.split("&")) == ["lang=en", "utm_source=label"]
    r = client.get(DL_PATH + "?linkType=https%3A%2F%2Fgs1.org%2Fvoc%2FcertificationInfo", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"].endswith("#certification")
    for missing in ("gs1:recallStatus", "gs1:recipeInfo", "gs1:nothingLikeThis", "pip x"):
        r = client.get(DL_PATH, params={"linkType": missing}, follow_redirects=False)
        assert r.status_code == 404, missing
        assert "linkType=linkset" in r.json()["description"]


def test_a_wrong_check_digit_is_400_naming_the_right_one(client):
    r = client.get("/01/09506000134353/10/CV-2026%2F11")
    assert r.status_code == 400
    assert "check digit 3" in r.json()["description"] and "give 2" in r.json()["description"]
    vi = client.get("/01/09506000134353/10/A1?lang=vi").json()["description"]
    assert "số kiểm tra 3" in vi and "cho 2" in vi
    r = client.get("/01/09506000134352/10/L%C3%B4-01?lang=en")
    assert r.status_code == 400 and "'ô' at position 2" in r.json()["description"]
    assert client.get("/01/0950600013435X/10/A1").status_code == 400
    assert client.get("/01/09506000134352/10/" + "A" * 21).status_code == 400
    # A browser gets a page saying so, not JSON.
    page = client.get("/01/09506000134353/10/A1", headers=HTML)
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")


def test_a_short_gtin_is_sent_to_its_14_digit_form(client):
    r = client.get("/01/9506000134352/10/CV-2026%2F11?lang=en", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == f"http://testserver{DL_PATH}?lang=en"
    assert client.get("/01/9506000134352/10/CV-2026%2F11", headers=HTML).status_code == 200  # followed
    assert client.get(DL_PATH + "/", headers=HTML).status_code == 200  # a trailing slash is tolerated


def test_an_unknown_lot_is_404_as_json_or_as_a_page(client):
    r = client.get(f"/01/{GTIN}/10/NOPE-1", headers={"Accept-Language": "en"})
    assert r.status_code == 404 and r.json()["description"] == f"no harvest lot NOPE-1 of the product with GTIN {GTIN}"
    vi = client.get(f"/01/{GTIN}/10/NOPE-1?lang=vi").json()["description"]
    assert vi == f"Không có lô NOPE-1 của sản phẩm có GTIN {GTIN}"
    page = client.get(f"/01/{GTIN}/10/NOPE-1", headers={**HTML, "Accept-Language": "en"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Lot not found" in page.text and "NOPE-1" in page.text
    assert "Không tìm thấy lô hàng" in client.get(f"/01/{GTIN}/10/NOPE-1", headers=HTML).text
    assert client.get("/01/00000000000000/10/A1").status_code == 404  # a valid GTIN nobody has
    # Case is kept: cv-2026/11 is another lot.
    assert client.get(f"/01/{GTIN}/10/cv-2026%2F11").status_code == 404


def test_the_short_url(client, lots):
    r = client.get(f"/l/{lots['short']}", headers=HTML)
    assert r.status_code == 200 and "Chè xanh Thanh Chương" in r.text and "TX-07" in r.text
    assert lots["codes"][0] in r.text and lots["codes"][1] not in r.text
    assert "Sản lượng" not in r.text and not re.search("7[.,]?531", r.text)  # confidential (private: 7531)
    doc = client.get(f"/l/{lots['short']}", headers=JSONLD).json()
    assert doc["@id"] == f"http://testserver/l/{lots['short']}" and "gtin" not in doc and "ntm:quantity" not in doc
    r = client.get(f"/l/{lots['short']}?linkType=all")
    assert r.json()["linkset"][0]["anchor"] == f"http://testserver/l/{lots['short']}"
    # A lot with a GTIN has one name: its Digital Link.
    r = client.get(f"/l/{lots['gs1']}?lang=en", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == f"http://testserver{DL_PATH}?lang=en"
    assert client.get("/l/99999999").status_code == 404
    assert client.get("/l/0").status_code == 400 and client.get("/l/abc").status_code == 400
    assert client.get("/l/99999999999").status_code == 400
    assert client.get(f"/l/{lots['short']}?f=pdf").status_code == 400


def test_an_unchanged_page_is_a_304_and_head_has_no_body(client):
    r = client.get(DL_PATH, headers=HTML)
    again = client.get(DL_PATH, headers={**HTML, "If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == r.headers["etag"]
    other = client.get(DL_PATH, headers={**HTML, "If-None-Match": r.headers["etag"], "Accept-Language": "en"})
    assert other.status_code == 200  # another language is another body
    head = client.head(DL_PATH, headers=HTML)
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == r.headers["etag"]
    # GS1 resolvers answer GET, HEAD and OPTIONS, to any origin.
    options = client.options(DL_PATH)
    assert options.status_code == 200 and options.headers["allow"] == "GET, HEAD, OPTIONS"
    cors = client.get(DL_PATH, headers={**HTML, "Origin": "https://shop.example"})
    assert cors.headers["access-control-allow-origin"] == "*" and "Link" in cors.headers["access-control-expose-headers"]


# What the GS1-Conformant Resolver standard's description-file schema (1.2.0) requires of the
# document, written out here (the test runs offline): both mandatory members, the primary keys as
# numeric AIs from GS1's list, link-type namespaces as URIs with a CURIE prefix ending in a colon.
RESOLVER_DESCRIPTION = {
    "type": "object",
    "required": ["resolverRoot", "supportedPrimaryKeys"],
    "properties": {
        "resolverRoot": {"type": "string", "format": "uri", "pattern": "^https?://[^/]+$"},
        "supportedPrimaryKeys": {"type": "array", "minItems": 1, "items": {"type": "string", "enum": [
            "all", "01", "8006", "8013", "8010", "410", "411", "412", "413", "414", "415", "417", "8017", "8018",
            "255", "00", "253", "401", "402", "8003", "8004"]}},
        "name": {"type": "string", "minLength": 1},
        "supportedLinkType": {"type": "array", "items": {
            "type": "object", "required": ["namespace", "prefix"],
            "properties": {"namespace": {"type": "string", "format": "uri"},
                           "prefix": {"type": "string", "pattern": "^[a-zA-Z_][A-Za-z0-9_-]*?:$"}}}},
        "linkTypeDefaultCanBeLinkset": {"type": "boolean"},
        "jsonLdContextLocation": {"type": "string", "format": "uri"},
    },
}


def test_the_well_known_resolver_description_says_what_this_resolver_answers(client, lots):
    r = client.get("/.well-known/gs1resolver")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    doc = r.json()
    jsonschema.Draft7Validator(RESOLVER_DESCRIPTION, format_checker=jsonschema.FormatChecker()).validate(doc)
    assert doc["resolverRoot"] == "http://testserver" and doc["supportedPrimaryKeys"] == ["01"]
    assert doc["linkTypeDefaultCanBeLinkset"] is False and doc["jsonLdContextLocation"] == gs1.LINKSET_CONTEXT
    assert doc["name"] == "ntm-map: harvest lots by their GS1 Digital Link"  # English for a program asking none
    # What it claims holds: a Digital Link on the root resolves, a plain request gets the page (not
    # the linkset), and every link type the linkset uses is in a declared namespace.
    assert client.get(doc["resolverRoot"] + DL_PATH, headers=HTML).headers["content-type"].startswith("text/html")
    linkset = client.get(doc["resolverRoot"] + DL_PATH + "?linkType=all").json()["linkset"][0]
    namespaces = [t["namespace"] for t in doc["supportedLinkType"]]
    types = [k for k in linkset if k.startswith("http")]
    assert types and all(any(k.startswith(ns) for ns in namespaces) for k in types)
    # Any site may read it (CORS), a HEAD answers the same headers, a Vietnamese reader gets its name.
    cors = client.get("/.well-known/gs1resolver", headers={"Origin": "https://scanner.example"})
    assert cors.headers["access-control-allow-origin"] == "*"
    head = client.head("/.well-known/gs1resolver")
    assert head.status_code == 200 and head.content == b"" and head.headers["content-type"] == "application/json"
    vi = client.get("/.well-known/gs1resolver", headers={"Accept-Language": "vi"}).json()
    assert vi["name"].startswith("ntm-map: truy xuất") and {**vi, "name": doc["name"]} == doc
