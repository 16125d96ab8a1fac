"""Issue 15's "done when", as one chain against a live server on a demo database of its own:

a cooperative account registers a lot from two granted growing areas (HTTP API) → prints its
labels (PDF) → the PDF page is rendered to pixels (PDFium) and the QR code decoded (zxing-cpp) →
the decoded URL, which already names this server (the labels are built on the address the request
reached), opens in Chromium and shows both areas' codes → province staff revoke one area (the
lifecycle API) → a reload shows the warning → the same URL answers JSON-LD to
`Accept: application/ld+json` and the GS1 linkset to `?linkType=all` → a repeated scan from the
same client counts once (the scans endpoint) → 10,000 labels render in a printing worker whose
memory is read from /proc (peak resident set, VmHWM) and capped.
"""
from __future__ import annotations

import io
import json
import math
import os
import threading
import time
from datetime import timedelta
from pathlib import Path

import httpx
import psycopg
import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from api.app import create_app
from geo import gs1
from layers.write.scans import ScanCounter
from tests.api.cooperative_helpers import LOTS, PRODUCTS, token_for
from tests.layers.test_harvest_lots import vn_today
from tests.support import serve, with_overrides

GTIN13 = "9506000134352"  # GS1's own example GTIN-13; demo GTINs start 8930000
LOT_CODE = "DONE-2026/12"
PRINT_MEMORY_MB = 144  # a cap no other test's printing pool uses, so its worker is found by it
SCANNER = {"User-Agent": "Mozilla/5.0 (Linux; Android 14; done-when) Chrome/126", "Accept": "text/html"}


class WatchedScans(ScanCounter):
    """The app's real scan counter (the same statements, the same database) that also notes each
    result, so the test knows when a count made after a response has finished."""

    def __init__(self) -> None:
        super().__init__()
        self.results: list[tuple[int, bool]] = []
        self.done = threading.Condition()

    async def count(self, engine, lot_id: int, client: str, user_agent: str) -> bool:
        counted = await super().count(engine, lot_id, client, user_agent)
        with self.done:
            self.results.append((lot_id, counted))
            self.done.notify_all()
        return counted

    def wait_for(self, n: int, limit_s: float = 30.0) -> list[bool]:
        """The first `n` results (a limit only so that a broken count fails instead of hanging)."""
        with self.done:
            assert self.done.wait_for(lambda: len(self.results) >= n, limit_s), self.results
            return [counted for _, counted in self.results[:n]]


@pytest.fixture
def world(settings, demo_db):
    """A live server on its own demo copy; a cooperative with two areas granted well before the
    harvest and a product; its account and province staff of its province."""
    with psycopg.connect(demo_db) as conn:
        today = vn_today(conn)
        coop, areas, province = conn.execute(
            "SELECT g.cooperative_id, (array_agg(g.id ORDER BY g.id))[1:2], min(c.province_code) "
            "FROM growing_areas g JOIN cooperatives k ON k.id = g.cooperative_id JOIN communes c ON c.code = k.commune_code "
            "WHERE g.status = 'granted' AND g.valid_from <= %s AND g.valid_to > %s "
            "AND EXISTS (SELECT 1 FROM ocop_products p WHERE p.cooperative_id = g.cooperative_id) "
            "GROUP BY 1 HAVING count(*) >= 2 ORDER BY 1 LIMIT 1", (today - timedelta(days=30), today)).fetchone()
        product = conn.execute("SELECT min(id) FROM ocop_products WHERE cooperative_id = %s", (coop,)).fetchone()[0]
        codes = dict(conn.execute("SELECT id, code FROM growing_areas WHERE id = ANY(%s)", (areas,)).fetchall())
    app = create_app(with_overrides(settings, print_memory_mb=PRINT_MEMORY_MB), url=demo_db)
    app.state.scans = WatchedScans()
    with serve(app) as base:
        yield {"base": base, "app": app, "today": today, "coop": coop, "areas": areas, "codes": codes,
               "product": product, "htx": token_for(demo_db, "htx.done", "cooperative", cooperative_id=coop),
               "province": token_for(demo_db, "tinh.done", "province_staff", [province])}


def qr_codes_on_first_page(pdf: bytes, scale: float = 3.0) -> list[str]:
    """The first page drawn to pixels by PDFium (216 dpi), every QR code zxing-cpp finds on it."""
    doc = pypdfium2.PdfDocument(pdf)
    try:
        image = doc[0].render(scale=scale).to_pil().convert("L")
    finally:
        doc.close()
    return [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


def print_worker() -> int:
    """The pid of the printing worker this test's app started: a child of this process running
    layers.workers.bounded_worker with the cap PRINT_MEMORY_MB (its argv: -m module ppid fd cap …)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
            parent = next(x for x in (proc / "status").read_text().splitlines() if x.startswith("PPid:"))
        except (OSError, StopIteration):
            continue
        if (b"layers.workers.bounded_worker" in argv and int(parent.split()[1]) == os.getpid()
                and argv[argv.index(b"layers.workers.bounded_worker") + 3] == str(PRINT_MEMORY_MB).encode()):
            found.append(int(proc.name))
    assert len(found) == 1, found
    return found[0]


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the process's peak resident memory, which each print job resets at its start."""
    with open(f"/proc/{pid}/status") as f:
        line = next(x for x in f if x.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def test_done_when(world, page, page_log):
    base, htx, province = world["base"], world["htx"], world["province"]
    codes = [world["codes"][a] for a in world["areas"]]
    api = httpx.Client(base_url=base, timeout=120)

    # 1. The cooperative gives its product a GTIN and registers a lot from its two granted areas.
    r = api.get(f"/staff/api/ocop-products/{world['product']}", headers=htx)
    assert r.status_code == 200, r.text
    r = api.patch(f"{PRODUCTS}/{world['product']}", headers={**htx, "If-Match": r.headers["etag"]},
                  json={"gtin": GTIN13})
    assert r.status_code == 200, r.text
    harvest = world["today"] - timedelta(days=3)
    r = api.post(LOTS, headers=htx, json={"product_id": world["product"], "lot_code": LOT_CODE, "quantity": 840,
                                          "unit": "kg", "harvest_date": harvest.isoformat(),
                                          "growing_area_ids": world["areas"]})
    assert r.status_code == 201, r.text
    lot = r.json()
    assert sorted(a["code"] for a in lot["areas"]) == sorted(codes)
    assert {a["status_at_harvest"] for a in lot["areas"]} == {"granted"}

    # 2. Its labels: the QR code, read from the rendered page, is the lot's Digital Link on this server.
    r = api.get(f"/collections/harvest_lots/items/{lot['id']}/labels.pdf", params={"count": 3}, headers=htx)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf", r.text
    decoded = qr_codes_on_first_page(r.content)
    assert len(decoded) == 3 and len(set(decoded)) == 1, decoded
    url = decoded[0]
    assert url == gs1.build(base, GTIN13, LOT_CODE).uri == f"{base}/01/0{GTIN13}/10/DONE-2026%2F12"
    worker = print_worker()
    one_label_peak = peak_rss_mb(worker)

    # 3. A buyer's browser follows it: both areas, with their codes, in the list and on the map; no warning.
    page.goto(url)
    assert page.url == url
    for code in codes:
        assert page.locator(".area-list .code", has_text=code).is_visible()
        assert page.locator("svg.trace-map text", has_text=code).count() == 1
    assert page.get_by_role("alert").count() == 0

    # 4. Province staff revoke the first area through the lifecycle API; the reload warns about it alone.
    revoked, kept = world["areas"][0], world["areas"][1]
    r = api.get(f"/staff/api/growing-areas/{revoked}", headers=province)
    assert r.status_code == 200, r.text
    r = api.post(f"/collections/growing_areas/items/{revoked}/actions/revoke",
                 headers={**province, "If-Match": r.headers["etag"]}, json={"note": "dư lượng vượt ngưỡng"})
    assert r.status_code == 200, r.text
    page.reload()
    alert = page.get_by_role("alert")
    assert alert.is_visible()
    assert world["codes"][revoked] in alert.inner_text() and world["codes"][kept] not in alert.inner_text()
    assert "Đã thu hồi" in alert.inner_text()  # the page is in Vietnamese (the browser's locale)
    page_log.assert_clean()

    # 5. The same URL for machines: JSON-LD, and the GS1 linkset.
    r = api.get(url, headers={"Accept": "application/ld+json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    doc = json.loads(r.content)
    assert doc["@context"] and doc["gs1:hasBatchLotNumber"] == LOT_CODE
    assert {a["identifier"]: (a["ntm:statusAtHarvest"], a["ntm:statusToday"]) for a in doc["ntm:growingArea"]} == {
        world["codes"][revoked]: ("granted", "revoked"), world["codes"][kept]: ("granted", "granted")}
    r = api.get(url, params={"linkType": "all"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/linkset+json")
    [links] = json.loads(r.content)["linkset"]
    assert links["anchor"] == url
    assert links["https://gs1.org/voc/defaultLink"][0]["href"]
    assert any(k.startswith("https://gs1.org/voc/") and k != "https://gs1.org/voc/defaultLink" for k in links)

    # 6. Scans: the browser's visit and its reload are one client (one scan); the JSON-LD reader
    # another; the linkset none. One more client scanning twice counts once.
    scans = world["app"].state.scans
    assert scans.wait_for(3) == [True, False, True]
    for _ in range(2):
        assert api.get(url, headers=SCANNER).status_code == 200
    assert scans.wait_for(5)[3:] == [True, False]
    assert {lot_id for lot_id, _ in scans.results} == {lot["id"]}
    r = api.get(f"/collections/harvest_lots/items/{lot['id']}/scans", headers=htx)
    assert r.status_code == 200, r.text
    assert r.json()["total"] == 3 and r.json()["days"] == [{"day": scans.today().isoformat(), "scans": 3}]

    # 7. 10,000 labels: streamed whole from the worker, which stayed under its cap (else a 503) and
    # whose peak resident memory is barely above that of a 3-label job.
    started = time.monotonic()
    r = api.get(f"/collections/harvest_lots/items/{lot['id']}/labels.pdf", params={"count": 10_000}, headers=htx)
    seconds = time.monotonic() - started
    assert r.status_code == 200, r.text
    assert len(PdfReader(io.BytesIO(r.content)).pages) == math.ceil(10_000 / 24)
    assert print_worker() == worker  # the same worker: not killed at its cap
    ten_thousand_peak = peak_rss_mb(worker)
    print(f"\n10,000 labels: {len(r.content) / 1e6:.2f} MB PDF in {seconds:.1f} s; printing worker peak RSS "
          f"{one_label_peak:.1f} MB for 3 labels, {ten_thousand_peak:.1f} MB for 10,000 (cap {PRINT_MEMORY_MB} MB "
          f"of address space beyond the loaded worker)")
    assert ten_thousand_peak - one_label_peak < 32
    assert qr_codes_on_first_page(r.content, scale=2.0).count(url) == 24
    api.close()
