"""Done when: commune staff draft and submit, province staff inspect and grant, through HTTP alone;
the code is assigned and the history says who changed what."""
from __future__ import annotations

import re

import psycopg

from tests.api.growing_helpers import act, area_body, commune_with_room, free_spots, make_user, square

ITEMS = "/collections/growing_areas/items"


def test_draft_to_granted_through_http(writer, demo_db):
    commune, province = commune_with_room(demo_db)
    lan = make_user(demo_db, "lan", "commune_staff", [commune])
    hung = make_user(demo_db, "hung", "province_staff", [province])
    [(x, y)] = free_spots(demo_db, commune, 1)

    r = writer.post(ITEMS, headers=lan, json=area_body(square(x, y), commune))
    assert r.status_code == 201, r.text
    area = r.json()
    area_id, tag = area["id"], r.headers["etag"]
    assert r.headers["location"].endswith(f"{ITEMS}/{area_id}")
    assert area["properties"]["status"] == "draft" and area["properties"]["code"] is None
    assert area["properties"]["actions"] == ["submit"]
    assert 8.5 < area["properties"]["area_ha"] < 9.5
    assert "repaired" not in area

    r = act(writer, lan, area_id, "submit", tag)
    assert r.status_code == 200, r.text
    assert r.json()["properties"]["status"] == "submitted"
    # Commune staff cannot take the province's steps.
    assert act(writer, lan, area_id, "inspect", r.headers["etag"]).status_code == 403
    r = act(writer, hung, area_id, "inspect", r.headers["etag"], {"note": "field visit ok"})
    assert r.status_code == 200, r.text
    r = act(writer, hung, area_id, "grant", r.headers["etag"])
    assert r.status_code == 200, r.text
    props = r.json()["properties"]
    assert props["status"] == "granted"
    assert re.fullmatch(rf"VN-{province}-{commune}-\d{{4}}", props["code"])
    assert props["valid_from"] and props["valid_to"] > props["valid_from"]

    # Public now: the item, without the owner's personal data.
    pub = writer.get(f"{ITEMS}/{area_id}")
    assert pub.status_code == 200 and pub.json()["properties"]["code"] == props["code"]
    assert "owner_name" not in pub.text and "0912345678" not in pub.text

    # Full history for staff: who, and before/after of every step.
    h = writer.get(f"{ITEMS}/{area_id}/history", headers=hung).json()["entries"]
    assert [(e["operation"], e["changed_by"], (e["before"] or {}).get("status"), e["after"]["status"]) for e in h] == [
        ("INSERT", "lan", None, "draft"), ("UPDATE", "lan", "draft", "submitted"),
        ("UPDATE", "hung", "submitted", "inspected"), ("UPDATE", "hung", "inspected", "granted")]
    assert h[2]["after"]["status_note"] == "field visit ok"
    assert "code" in h[3]["changed"] and h[3]["after"]["owner_name"] == "Nguyễn Văn A"
    # The public history has no personal fields and no staff names.
    public = writer.get(f"{ITEMS}/{area_id}/history")
    assert public.status_code == 200
    assert "Nguyễn Văn A" not in public.text and "0912345678" not in public.text and '"lan"' not in public.text
    assert len(public.json()["entries"]) == 4

    with psycopg.connect(demo_db) as conn:
        assert conn.execute("SELECT changed_by FROM change_history WHERE table_name = 'growing_areas' "
                            "AND row_id = %s ORDER BY id", (str(area_id),)).fetchall() == [
            ("lan",), ("lan",), ("hung",), ("hung",)]
