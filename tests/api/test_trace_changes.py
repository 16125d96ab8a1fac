"""The trace page follows the register at once: revoking a source area through the lifecycle API
makes the warning appear on the next request (then and now both stated), a code past its date
reads as expired before the expiry loop writes it, and a recalled lot says so at the top."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import psycopg

from layers.db.engines import async_engine
from layers.read import trace as traces
from tests.api.growing_helpers import act
from tests.api.trace_helpers import DL_PATH, make_lots, token

HTML = {"Accept": "text/html"}
EN = {**HTML, "Accept-Language": "en"}


def warning_box(page: str) -> str:
    start = page.find('<section class="warning"')
    return page[start:page.find("</section>", start)] if start >= 0 else ""


def test_revoking_a_source_area_shows_the_warning_on_the_next_request(app_client, demo_db):
    lots = make_lots(demo_db)
    client = app_client(demo_db)
    before = client.get(DL_PATH, headers=EN)
    assert warning_box(before.text) == ""
    staff = token(demo_db, "tinh", "province_staff", [lots["province"]])
    area, code = lots["areas"][0], lots["codes"][0]
    tag = client.get(f"/staff/api/growing-areas/{area}", headers=staff).headers["etag"]
    r = act(client, staff, area, "revoke", tag, {"note": "pesticide residue above the limit"})
    assert r.status_code == 200, r.text
    # The same client, its cached copy's ETag in hand: the page changed, so no 304.
    after = client.get(DL_PATH, headers={**EN, "If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
    box = warning_box(after.text)
    assert code in box and lots["codes"][1] not in box
    assert "at harvest" in box and "Granted" in box and "today: Revoked" in box
    assert 'role="alert"' in box and "pesticide" not in after.text  # staff notes stay private
    vi = warning_box(client.get(DL_PATH, headers=HTML).text)
    assert "lúc thu hoạch" in vi and "Đã cấp mã" in vi and "hiện nay: Đã thu hồi" in vi
    doc = client.get(DL_PATH, headers={"Accept": "application/ld+json"}).json()
    statuses = {a["identifier"]: (a["ntm:statusAtHarvest"], a["ntm:statusToday"]) for a in doc["ntm:growingArea"]}
    assert statuses == {code: ("granted", "revoked"), lots["codes"][1]: ("granted", "granted")}
    # The map hatches and colours it as revoked; the legend says so in words.
    assert 'fill="url(#hatch)"' in after.text and "#c62828" in after.text and "Revoked</li>" in after.text


def test_a_code_past_its_date_reads_as_expired_at_once(app_client, demo_db, settings):
    lots = make_lots(demo_db)
    area, code = lots["areas"][1], lots["codes"][1]
    with psycopg.connect(demo_db) as conn:  # its date passed since the expiry loop last ran
        conn.execute("SET ntm.actor = 'test:raw'")
        conn.execute("UPDATE growing_areas SET valid_to = %s WHERE id = %s", (lots["today"] - timedelta(days=1), area))

    async def read():
        engine = async_engine(settings, demo_db)
        try:
            async with engine.connect() as conn:
                return await traces.areas(conn, lots["gs1"])
        finally:
            await engine.dispose()

    found = {a["code"]: a for a in asyncio.run(read())}
    with psycopg.connect(demo_db) as conn:
        assert conn.execute("SELECT status FROM growing_areas WHERE id = %s", (area,)).fetchone()[0] == "granted"
    assert (found[code]["status_at_harvest"], found[code]["status_now"]) == ("granted", "expired")
    assert traces.warnings(list(found.values())) == [found[code]]
    client = app_client(demo_db)  # (its start runs the expiry: stored as expired from now on)
    box = warning_box(client.get(f"/l/{lots['gs1']}", headers=EN).text)
    assert code in box and "today: Expired" in box and lots["codes"][0] not in box


def test_a_recalled_lot_says_so_at_the_top_in_large_type(app_client, demo_db):
    lots = make_lots(demo_db)
    with psycopg.connect(demo_db) as conn:
        conn.execute("SET ntm.actor = 'test:raw'")
        conn.execute("UPDATE harvest_lots SET status = 'recalled', recalled_at = now(), "
                     "recall_reason = %s WHERE id = %s", ("Dư lượng <i>thuốc</i> vượt ngưỡng", lots["gs1"]))
    client = app_client(demo_db)
    page = client.get(DL_PATH, headers=HTML).text
    body = page[page.find("<body>"):]
    assert body.find('id="recall"') < body.find("<h1>")  # first thing on the page
    assert "LÔ HÀNG NÀY ĐÃ BỊ THU HỒI" in page and "Dư lượng &lt;i&gt;thuốc&lt;/i&gt; vượt ngưỡng" in page
    assert ".recall .big{font-size:2.1rem" in page
    en = client.get(DL_PATH, headers=EN).text
    assert "THIS LOT HAS BEEN RECALLED" in en and "Recalled" in en
    entry = client.get(DL_PATH + "?linkType=all").json()["linkset"][0]
    assert entry["https://gs1.org/voc/recallStatus"][0]["href"].endswith("#recall")
    r = client.get(DL_PATH + "?linkType=gs1:recallStatus", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"].endswith("#recall")
    doc = client.get(DL_PATH, headers={"Accept": "application/ld+json"}).json()
    assert doc["ntm:lotStatus"] == "recalled" and doc["ntm:recallReason"] == "Dư lượng <i>thuốc</i> vượt ngưỡng"
