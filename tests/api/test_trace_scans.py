"""Scans of a lot's label: one client counts once a day (its address resolved by the trusted-proxy
setup and never stored), another client counts again, the next day starts afresh with the old
salt and digests gone; HEAD and the linkset do not count; caps hold; a failure costs no page.
The counts are shown to the lot's cooperative, the province's staff and admins only."""
from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

import psycopg
import pytest

from tests.api.trace_helpers import DL_PATH, make_lots, token

HTML = {"Accept": "text/html"}


def client_headers(address: str, agent: str = "Mozilla/5.0 (Linux; Android 14) Chrome/126") -> dict:
    return {**HTML, "X-Forwarded-For": address, "User-Agent": agent}


@pytest.fixture
def scanned(app_client, demo_db):
    lots = make_lots(demo_db)
    # The test client connects as "testclient": trusted, so X-Forwarded-For names the client.
    client = app_client(demo_db, trusted_proxies=["testclient"])
    return lots, client


def counts(url: str, lot: int) -> dict:
    with psycopg.connect(url) as conn:
        return dict(conn.execute("SELECT day, scans FROM lot_scans WHERE lot_id = %s ORDER BY day", (lot,)).fetchall())


def private_rows(url: str) -> tuple[list, list]:
    with psycopg.connect(url) as conn:
        return (conn.execute("SELECT day, salt FROM private.scan_salts ORDER BY day").fetchall(),
                conn.execute("SELECT day, digest FROM private.scan_seen ORDER BY day").fetchall())


def test_one_client_counts_once_a_day_and_another_counts_again(scanned):
    lots, client = scanned
    lot, url, today = lots["gs1"], lots["url"], client.app.state.scans.today()
    for _ in range(3):
        assert client.get(DL_PATH, headers=client_headers("203.0.113.7")).status_code == 200
    assert counts(url, lot) == {today: 1}
    # What does not count: a HEAD, the linkset, a redirect to a link type; the JSON-LD of a client seen.
    client.head(DL_PATH, headers=client_headers("198.51.100.1"))
    client.get(DL_PATH + "?linkType=all", headers=client_headers("198.51.100.2"))
    client.get(DL_PATH + "?linkType=gs1:pip", headers=client_headers("198.51.100.3"), follow_redirects=False)
    client.get(DL_PATH, headers={**client_headers("203.0.113.7"), "Accept": "application/ld+json"})
    assert counts(url, lot) == {today: 1}
    # Another address; the same address with another browser; the JSON-LD of a new client.
    client.get(DL_PATH, headers=client_headers("203.0.113.8"))
    client.get(DL_PATH, headers=client_headers("203.0.113.7", "Mozilla/5.0 (iPhone) Safari/604.1"))
    client.get(DL_PATH, headers={**client_headers("192.0.2.44"), "Accept": "application/ld+json"})
    assert counts(url, lot) == {today: 4}
    assert counts(url, lots["short"]) == {}  # per lot
    client.get(f"/l/{lots['short']}", headers=client_headers("203.0.113.7"))
    assert counts(url, lots["short"]) == {today: 1}
    # Stored: one salt and one 32-byte digest per (client, lot), never the address or the browser.
    [(day, salt)], seen = private_rows(url)
    assert day == today and len(salt) == 32 and len(seen) == 5 and all(len(d) == 32 for _, d in seen)
    expected = hashlib.sha256(bytes(salt))
    for part in ("203.0.113.7", "Mozilla/5.0 (Linux; Android 14) Chrome/126", str(lot)):
        expected.update(len(part.encode()).to_bytes(4, "big") + part.encode())
    assert expected.digest() in {bytes(d) for _, d in seen}
    with psycopg.connect(url) as conn:
        stored = conn.execute("SELECT string_agg(t::text, ' ') FROM private.scan_seen t").fetchone()[0]
    assert "203.0.113" not in stored and "Android" not in stored


def test_the_next_day_counts_afresh_and_forgets_yesterday(scanned):
    lots, client = scanned
    lot, url, today = lots["gs1"], lots["url"], client.app.state.scans.today()
    client.get(DL_PATH, headers=client_headers("203.0.113.7"))
    client.get(DL_PATH, headers=client_headers("203.0.113.8"))
    [(_, old_salt)], _ = private_rows(url)
    client.app.state.scans.today = lambda: today + timedelta(days=1)
    client.get(DL_PATH, headers=client_headers("203.0.113.7"))
    client.get(DL_PATH, headers=client_headers("203.0.113.7"))
    assert counts(url, lot) == {today: 2, today + timedelta(days=1): 1}
    salts, seen = private_rows(url)
    assert [d for d, _ in salts] == [today + timedelta(days=1)] and bytes(salts[0][1]) != bytes(old_salt)
    assert [d for d, _ in seen] == [today + timedelta(days=1)]  # yesterday's digests are gone


def test_caps_bound_a_flood_of_invented_clients(scanned):
    lots, client = scanned
    lot, url, today = lots["gs1"], lots["url"], client.app.state.scans.today()
    client.app.state.scans.lot_cap = 3
    for i in range(6):
        assert client.get(DL_PATH, headers=client_headers("203.0.113.7", f"bot/{i}")).status_code == 200
    assert counts(url, lot) == {today: 3}
    client.app.state.scans.day_cap = 4  # all lots together: one more, on another lot, then no more
    for i in range(3):
        client.get(f"/l/{lots['short']}", headers=client_headers("203.0.113.7", f"bot/{i}"))
    assert counts(url, lots["short"]) == {today: 1}
    assert len(private_rows(url)[1]) == 4


def test_a_counting_failure_costs_no_page(scanned, caplog):
    lots, client = scanned

    def broken():
        raise RuntimeError("the clock stopped")

    client.app.state.scans.today = broken
    with caplog.at_level(logging.ERROR, logger="ntm_map"):
        r = client.get(DL_PATH, headers=client_headers("203.0.113.7"))
    assert r.status_code == 200 and lots["codes"][0] in r.text
    assert "counting a scan of harvest lot" in caplog.text
    assert counts(lots["url"], lots["gs1"]) == {}


def test_the_counts_are_for_the_cooperative_the_province_and_admins(scanned):
    lots, client = scanned
    url, lot, today = lots["url"], lots["gs1"], client.app.state.scans.today()
    client.get(DL_PATH, headers=client_headers("203.0.113.7"))
    client.app.state.scans.today = lambda: today + timedelta(days=1)
    client.get(DL_PATH, headers=client_headers("203.0.113.7"))
    client.get(DL_PATH, headers=client_headers("203.0.113.9"))
    path = f"/collections/harvest_lots/items/{lot}/scans"
    with psycopg.connect(url) as conn:
        other = conn.execute("SELECT min(id) FROM cooperatives WHERE id <> %s", (lots["coop"],)).fetchone()[0]
        commune = conn.execute("SELECT commune_code FROM cooperatives WHERE id = %s", (lots["coop"],)).fetchone()[0]
    allowed = [token(url, "htx", "cooperative", cooperative_id=lots["coop"]),
               token(url, "tinh", "province_staff", [lots["province"]]), token(url, "root", "admin")]
    for headers in allowed:
        r = client.get(path, headers=headers)
        assert r.status_code == 200, r.text
        assert r.json() == {"lot_id": lot, "lot_code": "CV-2026/11", "total": 3, "days": [
            {"day": today.isoformat(), "scans": 1}, {"day": (today + timedelta(days=1)).isoformat(), "scans": 2}]}
        assert r.headers["cache-control"] == "private, no-store"
    refused = [token(url, "htx-khac", "cooperative", cooperative_id=other),
               token(url, "tinh-khac", "province_staff", ["41"]),
               token(url, "xa", "commune_staff", [commune]),  # commune staff see areas, not sales
               token(url, "xem", "viewer")]
    for headers in refused:
        r = client.get(path, headers=headers)
        assert r.status_code == 403, r.text
        assert "shown to its cooperative" in r.json()["description"]
    assert "chỉ hiển thị cho hợp tác xã" in client.get(path + "?lang=vi", headers=refused[0]).json()["description"]
    assert client.get(path).status_code == 401
    assert client.get("/collections/harvest_lots/items/99999999/scans", headers=allowed[2]).status_code == 404
    assert client.get(f"/collections/harvest_lots/items/{lots['short']}/scans", headers=allowed[0]).json()["total"] == 0
