"""Public ETags follow public rows only (issue 11 item 7): a draft is not public, so saving one
must not change the ETag of public items or tiles, nor make every cached tile stale; a change to
a granted area must. Migration 0007's triggers carry the registry's public filter: checked here."""
from __future__ import annotations

import math

import psycopg

from layers.read.registry import LAYERS
from tests.api.growing_helpers import make_user, settle_expiry

ITEMS = "/collections/growing_areas/items"


def tile_of(url: str, area: int, z: int = 11) -> str:
    with psycopg.connect(url) as conn:
        lon, lat = conn.execute("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM growing_areas "
                                "WHERE id = %s) q", (area,)).fetchone()
    n = 2 ** z
    x, y = int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return f"/collections/growing_areas/tiles/WebMercatorQuad/{z}/{x}/{y}"


def tags(client, tile: str) -> tuple[str, str, str]:
    items = client.get(ITEMS, params={"limit": 10})
    combined = client.get(tile.replace("/collections/growing_areas", ""))
    one = client.get(tile)
    assert items.status_code == one.status_code == combined.status_code == 200
    return items.headers["etag"], one.headers["etag"], combined.headers["etag"]


def test_editing_a_draft_leaves_public_etags_and_a_granted_edit_changes_them(app_client, demo_db):
    settle_expiry(demo_db)
    with psycopg.connect(demo_db) as conn:
        draft, commune = conn.execute("SELECT id, commune_code FROM growing_areas WHERE status = 'draft' "
                                      "ORDER BY id LIMIT 1").fetchone()
        granted = conn.execute("SELECT id FROM growing_areas WHERE status = 'granted' ORDER BY id LIMIT 1").fetchone()[0]
    lan = make_user(demo_db, "lan", "commune_staff", [commune])
    client = app_client(demo_db)
    tile = tile_of(demo_db, draft)
    before = tags(client, tile)
    tag = client.get(f"/staff/api/growing-areas/{draft}", headers=lan).headers["etag"]
    r = client.patch(f"{ITEMS}/{draft}", headers={**lan, "If-Match": tag},
                     json={"properties": {"name": "Bản nháp đã sửa"}})
    assert r.status_code == 200, r.text
    r = client.delete(f"{ITEMS}/{draft}", headers={**lan, "If-Match": r.headers["etag"]})
    assert r.status_code == 204, r.text
    assert tags(client, tile) == before  # nothing public changed
    assert client.get(ITEMS, params={"limit": 10}, headers={"If-None-Match": before[0]}).status_code == 304

    with psycopg.connect(demo_db) as conn:  # a granted area is public: everything follows
        conn.execute("UPDATE growing_areas SET name = name || ' (sửa)' WHERE id = %s", (granted,))
    after = tags(client, tile)
    assert all(a != b for a, b in zip(after, before)), (before, after)


def test_version_triggers_carry_the_registry_public_filter(schema_db):
    """The trigger arguments are written in migration 0007; the registry is the truth."""
    filtered = [layer for layer in LAYERS if layer.public_filter]
    assert filtered, "no layer has a public filter: this test would prove nothing"
    with psycopg.connect(schema_db) as conn:
        for layer in filtered:
            [(column, values)] = layer.public_filter.items()
            for table in layer.sources:
                rows = conn.execute(
                    "SELECT t.tgname, p.proname, encode(t.tgargs, 'escape') FROM pg_trigger t "
                    "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
                    "WHERE c.relname = %s AND t.tgname LIKE 'ntm_version%%' ORDER BY t.tgname", (table,)).fetchall()
                by_name = {name: (proc, args.split("\\000")[:-1]) for name, proc, args in rows}
                assert by_name.pop("ntm_version") == ("ntm_bump_layer_version", [])  # TRUNCATE
                assert set(by_name) == {"ntm_version_insert", "ntm_version_update", "ntm_version_delete"}
                for proc, args in by_name.values():
                    assert proc == "ntm_bump_public_version" and args == [column, *values], (table, args)
