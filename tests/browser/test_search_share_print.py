"""The map's search, share (link and QR code) and print/export (PNG, PDF) in Chromium, at a phone's
360×740 and a desktop's 1366×768, offline; the QR code is read back by jsQR (npm) under Node."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser.chromium import ARTIFACTS
from tests.browser.mapping import open_map, settle

PHONE, DESKTOP = {"width": 360, "height": 740}, {"width": 1366, "height": 768}
VIEWPORTS = pytest.mark.parametrize("page", [PHONE, DESKTOP], indirect=True, ids=["phone", "desktop"])
JSQR = Path(__file__).parents[2] / "node_modules" / "jsqr" / "dist" / "jsQR.js"


def no_sideways_scroll(page) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def inside_viewport(page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    assert box and box["x"] >= 0 and box["y"] >= 0, box
    assert box["x"] + box["width"] <= size["width"] and box["y"] + box["height"] <= size["height"], box


def phone(page) -> bool:
    return page.viewport_size["width"] < 640


def open_panel(page) -> None:
    toggle = page.locator("#panel-toggle")
    if toggle.get_attribute("aria-expanded") == "false":
        toggle.click()


def read_qr(page, selector: str) -> str | None:
    """The text of the QR code drawn on a canvas, decoded by jsQR in Node."""
    pixels = page.evaluate("""(sel) => { const c = document.querySelector(sel);
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height);
        return {width: c.width, height: c.height, data: Array.from(d.data)}; }""", selector)
    script = (f"const jsQR = require({json.dumps(str(JSQR))}); let s = ''; process.stdin.on('data', (d) => s += d);"
              "process.stdin.on('end', () => { const p = JSON.parse(s);"
              "const r = jsQR(Uint8ClampedArray.from(p.data), p.width, p.height);"
              "process.stdout.write(JSON.stringify(r ? r.data : null)); });")
    out = subprocess.run([shutil.which("node"), "-e", script], input=json.dumps(pixels), capture_output=True,
                         text=True, timeout=60, check=True)
    return json.loads(out.stdout)


@VIEWPORTS
def test_search_a_village_with_its_commune_highlights_it(page, page_log, live_url):
    open_map(page, f"{live_url}/map?lang=vi")
    open_panel(page)
    box = page.get_by_role("searchbox")
    box.fill("xom 5 dien chau")
    first = page.get_by_role("option").first
    first.wait_for()
    assert first.inner_text().startswith("Xóm 5") and "Xã Diễn Châu, Nghệ An" in first.inner_text()
    assert "Thôn/xóm" in first.inner_text()
    assert "kết quả" in page.locator("#search-status").inner_text()
    no_sideways_scroll(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"search_results_{page.viewport_size['width']}.png"))
    box.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('search').dataset.chosen")
    page.wait_for_function("!ntmMap.isMoving()")
    settle(page)
    assert page.locator("#search-status").inner_text() == "Đang hiển thị: Xóm 5, Xã Diễn Châu, Nghệ An"
    drawn = page.evaluate("ntmMap.queryRenderedFeatures({layers: ['search-highlight-line']}).length")
    assert drawn > 0  # the chosen village is outlined on the map
    expanded = page.locator("#panel-toggle").get_attribute("aria-expanded")
    assert expanded == ("false" if phone(page) else "true")  # on a phone the panel gets out of the way
    no_sideways_scroll(page)
    page_log.assert_clean()


def test_search_words_follow_the_language_switch(page, page_log, live_url):
    open_map(page, f"{live_url}/map?lang=vi")
    box = page.get_by_role("searchbox")
    box.fill("qqzzxxyy")
    page.wait_for_function("document.getElementById('search-status').textContent !== ''")
    assert page.locator("#search-status").inner_text() == "Không tìm thấy kết quả."
    page.locator("[data-set-lang=en]").click()
    page.wait_for_function("document.documentElement.lang === 'en' && document.body.dataset.mapState === 'idle'")
    status = page.locator("#search-status").inner_text()
    assert status in ("", "Nothing found.")  # never left in Vietnamese
    page.get_by_role("searchbox").fill("qqzzxxyy")
    page.wait_for_function("document.getElementById('search-status').textContent !== ''")
    assert page.locator("#search-status").inner_text() == "Nothing found."
    page.get_by_role("searchbox").fill("yen thanh")
    page.get_by_role("option").first.wait_for()
    assert page.get_by_role("option").first.inner_text().startswith("Yen Thanh commune")
    assert "Commune" in page.get_by_role("option").first.inner_text()
    page.locator("#print-button").click()  # the tools speak the page's language too
    assert page.locator("#print-dialog h2").inner_text() == "Print or export the map"
    assert page.locator("#print-pdf").inner_text() == "Download PDF (A4 landscape)"
    assert page.locator("#print-title").input_value() == "New Rural Development digital map"
    page.keyboard.press("Escape")
    page.locator("#share-button").click()
    assert page.locator("#share-copy").inner_text() == "Copy link"
    page_log.assert_clean()


@VIEWPORTS
def test_share_gives_the_view_link_and_its_qr_code(page, page_log, live_url):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_url)
    open_map(page, f"{live_url}/map?lang=vi")
    page.evaluate("ntmMap.jumpTo({center: [105.6, 18.9], zoom: 11.5})")
    settle(page)
    page.locator("#share-button").click()
    dialog = page.locator("#share-dialog")
    dialog.wait_for()
    inside_viewport(page, "#share-dialog")
    no_sideways_scroll(page)
    link = page.locator("#share-link").input_value()
    assert link == page.url and "#map=11.50/18.9" in link and "lang=vi" in link
    assert read_qr(page, "#share-qr") == link
    page.locator("#share-copy").click()
    page.wait_for_function("document.querySelector('#share-dialog .tool-status').textContent !== ''")
    assert page.locator("#share-dialog .tool-status").inner_text() == "Đã sao chép đường dẫn."
    assert page.evaluate("navigator.clipboard.readText()") == link
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"share_dialog_{page.viewport_size['width']}.png"))
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert page.evaluate("document.activeElement.id") == "share-button"  # focus back where it was
    page_log.assert_clean()


@VIEWPORTS
def test_print_makes_a_png_and_a_pdf_with_legend(page, page_log, live_url):
    open_map(page, f"{live_url}/map?lang=vi")
    page.locator("#print-button").click()
    page.locator("#print-dialog").wait_for()
    inside_viewport(page, "#print-dialog")
    no_sideways_scroll(page)
    page.locator("#print-title").fill("Báo cáo xã Yên Thành")
    size = page.viewport_size["width"]
    ARTIFACTS.mkdir(exist_ok=True)
    with page.expect_download() as png:
        page.locator("#print-png").click()
    png_path = ARTIFACTS / f"print_{size}.png"
    png.value.save_as(png_path)
    data = png_path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    canvas = page.evaluate("[ntmMap.getCanvas().width, ntmMap.getCanvas().height]")
    assert width >= canvas[0] and height > canvas[1]  # the map plus title, legend and sources
    assert png.value.suggested_filename.startswith("ban-do-") and png.value.suggested_filename.endswith(".png")
    with page.expect_download() as pdf:
        page.locator("#print-pdf").click()
    pdf_path = ARTIFACTS / f"print_{size}.pdf"
    pdf.value.save_as(pdf_path)
    data = pdf_path.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 10_000
    assert re.search(rb"/MediaBox \[0 0 841\.8\d* 595\.2\d*\]", data)  # A4 landscape, in points
    assert page.locator("#print-dialog .tool-status").inner_text().startswith("Đã tạo ban-do-")
    page_log.assert_clean()


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def serious_axe_violations(page, within: str) -> list[str]:
    """axe-core (run through DevTools, outside the page's CSP): serious or critical violations of
    the elements inside `within` (the page's other parts are other tests' business)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text("utf-8") + "\n;true")
    return page.evaluate("""(within) => axe.run(document, {runOnly: {type: 'tag', values:
            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}, resultTypes: ['violations']})
        .then((r) => r.violations.filter((v) => ['serious', 'critical'].includes(v.impact)).flatMap((v) =>
            v.nodes.filter((n) => { const el = document.querySelector(n.target[0]);
                                    return el && el.closest(within); })
                   .map((n) => v.id + ': ' + n.target.join(' '))))""", within)


@VIEWPORTS
def test_tool_buttons_and_dialogs_pass_axe_and_work_by_keyboard(page, page_log, live_url):
    open_map(page, f"{live_url}/map?lang=vi")
    page.locator("#print-button").wait_for()  # the tools load after the first view, share first
    assert page.locator("#map-tools button").evaluate_all("(bs) => bs.map((b) => b.id)") == ["share-button", "print-button"]
    for button, dialog in (("#share-button", "#share-dialog"), ("#print-button", "#print-dialog")):
        page.locator(button).focus()
        page.keyboard.press("Enter")
        page.locator(dialog).wait_for()
        assert page.evaluate(f"document.querySelector('{dialog}').contains(document.activeElement)")
        assert not serious_axe_violations(page, f"#map-tools, {dialog}")
        page.keyboard.press("Escape")
        assert page.evaluate("document.activeElement.id") == button[1:]
    page_log.assert_clean()
