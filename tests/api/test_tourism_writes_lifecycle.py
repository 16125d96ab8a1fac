"""A listing's lifecycle (issue 14): draft → submitted → published → unpublished → submitted, with
history; only published listings reach items, tiles, search and /tourism, on the next request;
a promoter's change to a published listing waits as a revision while the published one stays up."""
from __future__ import annotations

import mapbox_vector_tile
import morecantile
import psycopg
import pytest

from tests.api.tourism_write_helpers import EVENTS, PLACES, ROUTES, STAFF, act, created, error_of, people, place, route

TMS = morecantile.tms.get("WebMercatorQuad")
NAME = "Homestay Suối Mơ Xanh"


@pytest.fixture
def ctx(demo_db):
    return people(demo_db)


def tile_ids(client, layer: str, lon: float, lat: float, z: int = 14) -> set[int]:
    t = TMS.tile(lon, lat, z)
    r = client.get(f"/collections/{layer}/tiles/WebMercatorQuad/{z}/{t.x}/{t.y}")
    assert r.status_code in (200, 204), r.text
    if not r.content:
        return set()
    return {f["id"] for f in mapbox_vector_tile.decode(r.content).get(layer, {"features": []})["features"]}


def public(client, fid: int, lon: float, lat: float) -> dict:
    """Where a place shows: items, tiles, search, /tourism."""
    search = client.get("/search", params={"q": NAME, "kind": "tourism_place"}).json()
    return {"item": client.get(f"{PLACES}/{fid}").status_code == 200,
            "items": fid in [f["id"] for f in client.get(PLACES, params={"limit": 10000}).json()["features"]],
            "tile": fid in tile_ids(client, "tourism_places", lon, lat),
            "search": f"tourism_places.{fid}" in [f["id"] for f in search["features"]],
            "page": NAME in client.get("/tourism", params={"lang": "vi", "shown": 1000}).text}


def test_from_draft_to_published_and_back(writer, demo_db, ctx):
    lon, lat = ctx["point"]
    fid, tag = created(writer, PLACES, ctx["mai"], place(ctx["point"], name_vi=NAME))
    nowhere = {"item": False, "items": False, "tile": False, "search": False, "page": False}
    assert public(writer, fid, lon, lat) == nowhere
    assert act(writer, "tourism_places", fid, "publish", ctx["mai"], tag)[0] == 403  # not the promoter's step
    status, tag = act(writer, "tourism_places", fid, "submit", ctx["mai"], tag)
    assert status == 200 and public(writer, fid, lon, lat) == nowhere
    queue = writer.get(f"{STAFF}/tourism_places", params={"queue": "true"}, headers=ctx["staff"]).json()["features"]
    assert [f["id"] for f in queue] == [fid] and queue[0]["properties"]["actions"] == ["publish", "reject"]
    assert act(writer, "tourism_places", fid, "unpublish", ctx["staff"], tag)[0] == 409
    status, tag = act(writer, "tourism_places", fid, "reject", ctx["staff"], tag, note="Thiếu số điện thoại")
    got = writer.get(f"{STAFF}/tourism_places/{fid}", headers=ctx["mai"]).json()["properties"]
    assert status == 200 and got["status"] == "draft" and got["status_note"] == "Thiếu số điện thoại"
    tag = writer.patch(f"{PLACES}/{fid}", headers={**ctx["mai"], "If-Match": tag},
                       json={"properties": {"phone": "0238 3 123 456"}}).headers["etag"]
    _, tag = act(writer, "tourism_places", fid, "submit", ctx["mai"], tag)
    status, tag = act(writer, "tourism_places", fid, "publish", ctx["staff"], tag)
    assert status == 200
    everywhere = {k: True for k in nowhere}
    assert public(writer, fid, lon, lat) == everywhere  # the next request, no cache to wait for
    item = writer.get(f"{PLACES}/{fid}").json()["properties"]
    assert "owner_id" not in item and "status_note" not in item and "pending" not in item
    assert item["phone"] == "0238 3 123 456" and item["parking"] is False and item["season_months"] == []
    status, tag = act(writer, "tourism_places", fid, "unpublish", ctx["staff"], tag, note="Đóng cửa")
    assert status == 200 and public(writer, fid, lon, lat) == nowhere
    status, tag = act(writer, "tourism_places", fid, "submit", ctx["mai"], tag)
    assert status == 200 and writer.get(f"{STAFF}/tourism_places/{fid}",
                                        headers=ctx["mai"]).json()["properties"]["status"] == "submitted"
    history = writer.get(f"{STAFF}/tourism_places/{fid}/history", headers=ctx["mai"]).json()["entries"]
    steps = [(e["changed_by"], e["before"]["status"] if e["before"] else None, e["after"]["status"])
             for e in history if "status" in e["changed"]]
    assert steps == [("mai", None, "draft"), ("mai", "draft", "submitted"), ("ha.dulich", "submitted", "draft"),
                     ("mai", "draft", "submitted"), ("ha.dulich", "submitted", "published"),
                     ("ha.dulich", "published", "unpublished"), ("mai", "unpublished", "submitted")]
    error_of(writer.delete(f"{PLACES}/{fid}", headers={**ctx["mai"], "If-Match": tag}), 409)


def test_a_change_to_a_published_listing_waits_for_moderation(writer, demo_db, ctx):
    lon, lat = ctx["point"]
    fid, tag = created(writer, PLACES, ctx["mai"], place(ctx["point"], name_vi=NAME))
    _, tag = act(writer, "tourism_places", fid, "submit", ctx["mai"], tag)
    _, tag = act(writer, "tourism_places", fid, "publish", ctx["staff"], tag)
    moved = [lon + 0.001, lat + 0.001]
    r = writer.patch(f"{PLACES}/{fid}", headers={**ctx["mai"], "If-Match": tag},
                     json={"geometry": {"type": "Point", "coordinates": moved},
                           "properties": {"name_vi": NAME + " (mới)", "wifi": True}})
    assert r.status_code == 200, r.text
    props, tag = r.json()["properties"], r.headers["etag"]
    assert props["status"] == "published" and props["name_vi"] == NAME
    assert props["pending"]["properties"] == {"name_vi": NAME + " (mới)", "wifi": True}
    assert props["pending"]["geometry"]["coordinates"] == pytest.approx(moved)
    assert writer.get(f"{PLACES}/{fid}").json()["properties"]["name_vi"] == NAME  # still the published one
    r = writer.patch(f"{PLACES}/{fid}", headers={**ctx["mai"], "If-Match": tag},
                     json={"properties": {"opening_hours": "08:00–20:00", "wifi": False}})
    tag = r.headers["etag"]
    assert r.json()["properties"]["pending"]["properties"] == {"name_vi": NAME + " (mới)",
                                                               "opening_hours": "08:00–20:00"}
    queue = writer.get(f"{STAFF}/tourism_places", params={"queue": "true"}, headers=ctx["staff"]).json()["features"]
    assert fid in [f["id"] for f in queue]
    status, tag = act(writer, "tourism_places", fid, "publish", ctx["staff"], tag)
    assert status == 200
    item = writer.get(f"{PLACES}/{fid}").json()
    assert item["properties"]["name_vi"] == NAME + " (mới)" and item["properties"]["opening_hours"] == "08:00–20:00"
    assert item["geometry"]["coordinates"] == pytest.approx(moved)
    # Another revision, rejected: the published listing is unchanged and the revision gone.
    tag = writer.patch(f"{PLACES}/{fid}", headers={**ctx["mai"], "If-Match": tag},
                       json={"properties": {"name_vi": "Tên xấu"}}).headers["etag"]
    status, tag = act(writer, "tourism_places", fid, "reject", ctx["staff"], tag, note="Tên không phù hợp")
    got = writer.get(f"{STAFF}/tourism_places/{fid}", headers=ctx["mai"]).json()["properties"]
    assert status == 200 and got["status"] == "published" and got["pending"] is None
    assert writer.get(f"{PLACES}/{fid}").json()["properties"]["name_vi"] == NAME + " (mới)"
    # Staff edit a published listing directly (they are the moderators).
    r = writer.patch(f"{PLACES}/{fid}", headers={**ctx["staff"], "If-Match": tag},
                     json={"properties": {"name_en": "Blue stream homestay"}})
    assert r.status_code == 200 and writer.get(f"{PLACES}/{fid}").json()["properties"]["name_en"] == "Blue stream homestay"


def test_drafts_do_not_change_public_etags(writer, demo_db, ctx):
    before = writer.get(PLACES, params={"limit": 1}).headers["etag"]
    fid, tag = created(writer, PLACES, ctx["mai"], place(ctx["point"]))
    writer.patch(f"{PLACES}/{fid}", headers={**ctx["mai"], "If-Match": tag}, json={"properties": {"name_vi": "B"}})
    assert writer.get(PLACES, params={"limit": 1}).headers["etag"] == before


def test_routes_and_events_are_public_once_published(writer, demo_db, ctx):
    x, y = ctx["point"]
    rid, rtag = created(writer, ROUTES, ctx["mai"], route([[x, y], [x + 0.01, y + 0.01]]))
    event = {"type": "Feature", "geometry": {"type": "Point", "coordinates": ctx["point"]},
             "properties": {"kind": "festival", "name_vi": "Lễ hội Hang Bua", "starts_on": "2026-02-10",
                            "ends_on": "2026-02-12"}}
    eid, etag = created(writer, EVENTS, ctx["mai"], event)
    assert writer.get(f"{ROUTES}/{rid}").status_code == 404 and writer.get(f"{EVENTS}/{eid}").status_code == 404
    for coll, fid, tag in (("tourism_routes", rid, rtag), ("tourism_events", eid, etag)):
        _, tag = act(writer, coll, fid, "submit", ctx["mai"], tag)
        assert act(writer, coll, fid, "publish", ctx["staff"], tag)[0] == 200
    assert writer.get(f"{ROUTES}/{rid}").status_code == 200
    got = writer.get(f"{EVENTS}/{eid}").json()["properties"]
    assert got["starts_on"] == "2026-02-10" and got["name_vi"] == "Lễ hội Hang Bua"
    with psycopg.connect(demo_db) as conn:
        assert conn.execute("SELECT count(*) FROM change_history WHERE table_name = 'tourism_events' "
                            "AND row_id = %s", (str(eid),)).fetchone()[0] == 3
