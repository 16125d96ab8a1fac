"""A cooperative's profile and OCOP products over HTTP (issue 15): the cooperative edits its own
(If-Match, with history), never another's; stars, score and certificate year are province staff's;
a GTIN is checked; HTML in a name is stored and returned as data."""
from __future__ import annotations

import psycopg
import pytest

from tests.api.cooperative_helpers import PRODUCTS, error_of, in_both_languages, people
from tests.layers.test_harvest_lots import farm  # noqa: F401  (fixture)

PROFILE = "/collections/cooperatives/items"


@pytest.fixture
def coop(writer, demo_db, farm):  # noqa: F811
    return {"client": writer, "url": demo_db, "farm": farm, **people(demo_db, farm)}


def product(coop, who="htx", product_id=None):
    r = coop["client"].get(f"/staff/api/ocop-products/{product_id or coop['farm']['product']}", headers=coop[who])
    assert r.status_code == 200, r.text
    return r.json(), r.headers["etag"]


def history(url, table, row_id):
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT changed_by, after FROM change_history WHERE table_name = %s AND row_id = %s "
                            "ORDER BY id", (table, str(row_id))).fetchall()


def test_the_cooperative_edits_its_profile_with_if_match_and_history(coop):
    client, coop_id = coop["client"], coop["farm"]["coop"]
    r = client.get(f"/staff/api/cooperatives/{coop_id}", headers=coop["htx"])
    tag = r.headers["etag"]
    change = {"name": "HTX <b>Cam</b> Vinh & Co", "phone": "0238 3844 123", "members": 42, "founded_year": 2009,
              "address": "Xóm 3, xã Nghi Đồng", "main_products": "cam Vinh, bưởi"}
    error_of(client.patch(f"{PROFILE}/{coop_id}", headers=coop["htx"], json=change), 428)
    done = client.patch(f"{PROFILE}/{coop_id}", headers={**coop["htx"], "If-Match": tag}, json=change)
    assert done.status_code == 200 and done.headers["etag"] != tag
    assert {k: done.json()["properties"][k] for k in change} == change
    error_of(client.patch(f"{PROFILE}/{coop_id}", headers={**coop["htx"], "If-Match": tag}, json={"members": 1}), 412)
    assert history(coop["url"], "cooperatives", coop_id)[-1][0] == "htx.a"
    # The public item returns the name as data, exactly as stored (pages escape it).
    public = client.get(f"{PROFILE}/{coop_id}?f=json").json()
    assert public["properties"]["name"] == "HTX <b>Cam</b> Vinh & Co"
    for body, named in (({"code": "X"}, "code"), ({"colour": "red"}, "colour"), ({"members": -1}, "members"),
                        ({"phone": "call me"}, "phone"), ({"name": " "}, "name")):
        assert named in error_of(client.patch(f"{PROFILE}/{coop_id}", headers={**coop["htx"], "If-Match": "*"},
                                              json=body), 400)["description"]
    # Another cooperative, and a role that does not write cooperatives.
    for who in ("other", "commune"):
        error_of(client.patch(f"{PROFILE}/{coop_id}", headers={**coop[who], "If-Match": "*"}, json={"members": 1}), 403)
    error_of(client.get(f"/staff/api/cooperatives/{coop_id}", headers=coop["other"]), 403)


def test_products_the_cooperative_edits_and_the_award_it_does_not(coop):
    client, pid = coop["client"], coop["farm"]["product"]
    feat, tag = product(coop)
    html = '<img src=x onerror="alert(1)">Cam Vinh'
    done = client.patch(f"{PRODUCTS}/{pid}", headers={**coop["htx"], "If-Match": tag},
                        json={"name": html, "category": "Thực phẩm", "description": "Ngọt\nthơm", "gtin": "9506000134352"})
    assert done.status_code == 200, done.text
    assert done.json()["properties"]["name"] == html and done.json()["properties"]["gtin"] == "09506000134352"
    assert client.get(f"{PRODUCTS}/{pid}?f=json").json()["properties"]["name"] == html
    assert history(coop["url"], "ocop_products", pid)[-1][0] == "htx.a"
    tag = done.headers["etag"]
    # Stars, score and year certified: 403 naming them, nothing changed; staff award them.
    for field, value in (("stars", 5), ("score", 99), ("certified_year", 2024)):
        body = error_of(client.patch(f"{PRODUCTS}/{pid}", headers={**coop["htx"], "If-Match": tag}, json={field: value}), 403)
        assert field in body["description"]
    vi, en = in_both_languages(client, "PATCH", f"{PRODUCTS}/{pid}", 403, headers={**coop["htx"], "If-Match": tag},
                               json={"stars": 5})
    assert vi == "stars do cán bộ tỉnh công nhận, hợp tác xã không tự đặt"
    assert en == "stars are awarded by province staff, not set by the cooperative"
    assert product(coop)[1] == tag
    awarded = client.patch(f"{PRODUCTS}/{pid}", headers={**coop["province"], "If-Match": tag}, json={"stars": 5, "score": 91})
    assert awarded.status_code == 200 and awarded.json()["properties"]["stars"] == 5
    # Another cooperative's product; the photo columns are not set here.
    error_of(client.patch(f"{PRODUCTS}/{coop['farm']['other_product']}", headers={**coop["htx"], "If-Match": "*"},
                          json={"name": "mine"}), 403)
    assert "photo_sha256" in error_of(client.patch(f"{PRODUCTS}/{pid}", headers={**coop["htx"], "If-Match": "*"},
                                                   json={"photo_sha256": "0" * 64}), 400)["description"]


def test_a_gtin_is_checked_and_unique(coop):
    client, pid = coop["client"], coop["farm"]["product"]
    wrong = error_of(client.patch(f"{PRODUCTS}/{pid}", headers={**coop["htx"], "If-Match": "*"},
                                  json={"gtin": "9506000134353"}), 400)
    assert "check digit 3" in wrong["description"] and "give 2" in wrong["description"]
    vi, _ = in_both_languages(client, "PATCH", f"{PRODUCTS}/{pid}", 400, headers={**coop["htx"], "If-Match": "*"},
                              json={"gtin": "9506000134353"})
    assert "số kiểm tra 3" in vi and "cho 2" in vi
    for bad in ("95060001343", "95O6000134352", 9506000134352):
        error_of(client.patch(f"{PRODUCTS}/{pid}", headers={**coop["htx"], "If-Match": "*"}, json={"gtin": bad}), 400)
    assert client.patch(f"{PRODUCTS}/{pid}", headers={**coop["htx"], "If-Match": "*"},
                        json={"gtin": "96385074"}).json()["properties"]["gtin"] == "00000096385074"
    other = coop["farm"]["other_product"]
    error_of(client.patch(f"{PRODUCTS}/{other}", headers={**coop["other"], "If-Match": "*"}, json={"gtin": "96385074"}), 409)


def test_province_staff_register_products_and_a_cooperative_may_not(coop):
    client, coop_id = coop["client"], coop["farm"]["coop"]
    body = {"cooperative_id": coop_id, "name": "Bưởi Phúc Trạch", "category": "Thực phẩm", "stars": 4, "score": 75}
    assert "province staff" in error_of(client.post(PRODUCTS, headers=coop["htx"], json=body), 403)["description"]
    error_of(client.post(PRODUCTS, headers=coop["commune"], json=body), 403)
    assert "stars" in error_of(client.post(PRODUCTS, headers=coop["province"], json={**body, "stars": None}), 400)["description"]
    made = client.post(PRODUCTS, headers=coop["province"], json=body)
    assert made.status_code == 201, made.text
    props = made.json()["properties"]
    assert props["cooperative_id"] == coop_id and props["stars"] == 4 and props["producer"]
    listed = client.get(f"/staff/api/cooperatives/{coop_id}/products", headers=coop["htx"]).json()["products"]
    assert made.json()["id"] in {p["id"] for p in listed}
