"""The cooperative's page (/staff/lots, issue 15) in Chromium: on a 360 px phone a cooperative
account signs in through /staff, registers a lot from two granted areas, finds it in the list,
corrects it, prints its labels (the PDF answers), recalls it; a correction made stale by someone
else says so and reloads; the register form by keyboard alone, with a 422 beside its field; the
profile, a product and its photo (too large, not an image, then a real one with its alt text);
and the Vietnamese page holds no English from the catalogue."""
from __future__ import annotations

import io
import json

import httpx
import psycopg
import pytest
from PIL import Image

from layers.db.engines import connection
from layers.write import accounts
from tests.browser.language_oracle import Oracle, database_strings, json_strings
from tests.browser.lots_page_helpers import DESKTOP, PHONE, USER, coop, fill_lot, shot, sign_in  # noqa: F401
from tests.browser.staff_helpers import PASSWORD, assert_clean
from tests.browser.test_one_language import VISIBLE_TEXTS
from tests.browser.test_staff_keyboard import tab_to
from tests.layers.test_harvest_lots import farm  # noqa: F401  (fixture)

LOTS = "/collections/harvest_lots/items"


def lot_row(db: str, code: str):
    with psycopg.connect(db) as conn:
        return conn.execute("SELECT l.id, l.quantity, l.status, l.recall_reason, array_agg(a.growing_area_id ORDER BY 1) "
                            "FROM harvest_lots l JOIN harvest_lot_areas a ON a.lot_id = l.id WHERE l.lot_code = %s "
                            "GROUP BY l.id", (code,)).fetchone()


def api_for(coop) -> httpx.Client:
    with connection(coop["db"]) as conn:
        token = accounts.issue_token(conn, USER)
    return httpx.Client(base_url=coop["url"], headers={"Authorization": f"Bearer {token}"}, timeout=30)


def registered(coop, code: str, **over) -> dict:
    farm = coop["farm"]
    body = {"product_id": farm["product"], "lot_code": code, "quantity": 500, "unit": "kg",
            "harvest_date": farm["day"].isoformat(), "growing_area_ids": farm["areas"], **over}
    with api_for(coop) as api:
        r = api.post(LOTS, json=body)
    assert r.status_code == 201, r.text
    return r.json()


def open_lot(page, code: str) -> None:
    page.click("[role=tab][data-tab=lots]")
    page.locator("#lot-list li", has_text=code).locator("button").click()
    page.wait_for_function("(c) => document.querySelector('#lot-title').textContent.includes(c)", arg=code)
    page.wait_for_selector("body[data-lot-shown]")


@pytest.mark.parametrize("page", [PHONE], indirect=True)
def test_a_cooperative_on_a_phone_registers_corrects_prints_and_recalls_a_lot(page, page_log, coop):
    farm, code = coop["farm"], "WEB-2026-01"
    # A cooperative account signing in on /staff is taken to its own page at once.
    page.goto(f"{coop['url']}/staff?lang=en")
    page.fill("#login-form [name=username]", USER)
    page.fill("#login-form [name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url("**/staff/lots?lang=en")
    page.wait_for_selector("body[data-ready=true]")
    assert page.is_visible("#tab-lots") and "Cooperative account" in page.text_content("#who")
    shot(page, "lots-list-360")

    # Register from two granted areas: both listed with code and status, and drawn on the small map.
    fill_lot(page, coop, code, "1,200.5")
    page.wait_for_selector("body[data-map-ready=true]")
    for area in farm["areas"]:
        item = page.locator(f"#area-list li[data-id='{area}']")
        assert coop["codes"][area] in item.text_content() and "Granted" in item.text_content()
    drawn = page.get_attribute("#areas-map", "data-areas").split(",")
    assert {str(a) for a in farm["areas"]} <= set(drawn)
    shot(page, "lots-new-360")
    page.click("#lot-save")
    page.wait_for_function("(c) => document.querySelector('#lot-title').textContent.includes(c)", arg=code)
    lot_id, quantity, status, _, areas = lot_row(coop["db"], code)
    assert float(quantity) == 1200.5 and status == "active" and areas == sorted(farm["areas"])
    assert "registered" in page.text_content("#notice")
    for area in farm["areas"]:
        assert coop["codes"][area] in page.text_content("#lot-areas")
    assert "1,200.5 kg" in page.text_content("#lot-facts")
    shot(page, "lots-lot-360")

    # In the list, then corrected.
    page.click("#lot-back")
    card = page.locator("#lot-list li", has_text=code)
    assert "Active" in card.text_content() and "1,200.5 kg" in card.text_content()
    page.wait_for_function("(id) => document.querySelector(`#lot-list li[data-id='${id}'] .scans-n`).dataset.scans !== ''",
                           arg=lot_id)
    assert "Scans: 0" in card.text_content()
    card.locator("button").click()
    page.click("#lot-correct")
    page.wait_for_selector("#lot-form[data-mode=correct]")
    assert page.input_value("#f-lot-code") == code and page.is_disabled("#f-lot-code")
    page.fill("#f-quantity", "1,300")
    page.click("#lot-save")
    page.wait_for_function("document.querySelector('#lot-facts').textContent.includes('1,300 kg')")
    assert float(lot_row(coop["db"], code)[1]) == 1300
    page.wait_for_selector("#history-list li[data-action=correct]")
    assert "Correct" in page.text_content("#history-list") and "1,200.5 kg" in page.text_content("#history-list")

    # Labels: a sheet the labels API offers, a count; the link answers a PDF.
    options = page.eval_on_selector_all("#labels-sheet option", "os => os.map(o => o.value)")
    assert "a4-2x7-99x38" in options and len(options) >= 4
    page.select_option("#labels-sheet", "a4-2x7-99x38")
    page.fill("#labels-form [name=count]", "30")
    href = page.get_attribute("#labels-pdf", "href")
    assert href.startswith(f"/collections/harvest_lots/items/{lot_id}/labels.pdf?") and "sheet=a4-2x7-99x38" in href
    assert "count=30" in href and "A4 sheets: 3" in page.text_content("#labels-pdf")
    pdf = page.request.get(coop["url"] + href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.body()[:5] == b"%PDF-"
    page.fill("#labels-form [name=count]", "0")
    assert page.get_attribute("#labels-pdf", "href") is None and "from 1 to" in page.text_content("#labels-error")
    page.fill("#labels-form [name=count]", "1")

    # The public trace URL opens the trace page.
    url = page.input_value("#trace-url")
    assert url == page.get_attribute("#trace-open", "href") and (url.endswith(f"/l/{lot_id}") or "/10/WEB-2026-01" in url)
    assert page.request.get(url).status == 200
    page.click("#trace-copy")
    page.wait_for_function("document.querySelector('#trace-copied').textContent !== ''")

    # Recall: a reason and a confirmation first.
    page.click("#lot-recall-open")
    page.click("#recall-submit")
    assert "why" in page.text_content("#err-reason")
    page.fill("#f-reason", "Dư lượng thuốc vượt ngưỡng ở mẫu kiểm tra")
    page.click("#recall-submit")
    assert "Tick" in page.text_content("#err-reason")
    assert lot_row(coop["db"], code)[2] == "active"
    page.check("#recall-form [name=sure]")
    page.click("#recall-submit")
    page.wait_for_selector("#lot-recalled:not([hidden])")
    assert "RECALLED" in page.text_content("#lot-recalled") and "Dư lượng" in page.text_content("#lot-recalled")
    assert page.is_hidden("#lot-actions") and page.is_hidden("#labels-form") and page.is_visible("#labels-recalled")
    assert lot_row(coop["db"], code)[2:4] == ("recalled", "Dư lượng thuốc vượt ngưỡng ở mẫu kiểm tra")
    page.wait_for_selector("#history-list li[data-action=recall]")
    shot(page, "lots-recalled-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.click("#lot-back")
    page.locator("#lot-list li[data-status=recalled]", has_text=code).wait_for()
    assert "Recalled" in page.locator("#lot-list li", has_text=code).text_content()
    assert_clean(page_log, ())


def test_a_stale_correction_says_someone_else_changed_the_lot_and_reloads(page, page_log, coop):
    lot = registered(coop, "WEB-STALE-1")
    sign_in(page, coop["url"], "en")
    open_lot(page, "WEB-STALE-1")
    page.click("#lot-correct")
    page.wait_for_selector("#lot-form[data-mode=correct]")
    page.fill("#f-quantity", "600")
    with api_for(coop) as api:  # someone else corrects it meanwhile
        etag = api.get(f"/staff/api/harvest-lots/{lot['id']}").headers["etag"]
        assert api.patch(f"{LOTS}/{lot['id']}", json={"quantity": 700}, headers={"If-Match": etag}).status_code == 200
    page.click("#lot-save")
    page.wait_for_selector("#form-reload")
    assert "Someone else changed this" in page.text_content("#form-message")
    assert float(lot_row(coop["db"], "WEB-STALE-1")[1]) == 700  # nothing overwritten
    shot(page, "lots-stale-1280")
    page.click("#form-reload")
    page.wait_for_function("document.querySelector('#f-quantity').value === '700'")
    assert page.text_content("#form-message") == ""
    page.fill("#f-quantity", "650")
    page.click("#lot-save")
    page.wait_for_function("document.querySelector('#lot-facts').textContent.includes('650 kg')")
    assert float(lot_row(coop["db"], "WEB-STALE-1")[1]) == 650
    assert_clean(page_log, (r"412 .*/collections/harvest_lots/items/\d+$",))


def test_the_register_form_by_keyboard_alone_with_a_refusal_beside_its_field(page, page_log, coop):
    farm = coop["farm"]
    page.goto(f"{coop['url']}/staff/lots?lang=vi")
    tab_to(page, "#login-form [name=username]")
    page.keyboard.type(USER)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector("body[data-ready=true]")
    tab_to(page, "[data-tab=new]")
    page.keyboard.press("Enter")
    assert page.is_visible("#lot-form")
    tab_to(page, "#f-product")
    page.keyboard.press("ArrowDown")  # the first product after "choose"
    assert page.input_value("#f-product") == str(farm["product"]) or page.input_value("#f-product") != ""
    page.keyboard.press("Tab")
    page.keyboard.type("KB-2026-07")
    page.keyboard.press("Tab")
    page.keyboard.type("2.500,75")  # Vietnamese: thousands with dots, decimals with a comma
    tab_to(page, "#f-harvest")
    page.keyboard.type(farm["day"].strftime("%m%d%Y"))
    assert page.input_value("#f-harvest") == farm["day"].isoformat()
    for area in farm["areas"]:
        tab_to(page, f"#area-list input[value='{area}']")
        page.keyboard.press("Space")
    tab_to(page, "#f-cert")
    page.keyboard.press("ArrowDown")  # VietGAP
    assert page.input_value("#f-cert") == "VietGAP"
    # A certificate that ended before the harvest: the database refuses it, said under the dates.
    before = farm["day"].replace(day=1) if farm["day"].day > 2 else farm["day"]
    tab_to(page, "#f-cert-from")
    page.keyboard.type((before.replace(year=before.year - 1)).strftime("%m%d%Y"))
    tab_to(page, "#f-cert-to")
    page.keyboard.type((before.replace(year=before.year - 1, month=12, day=31)).strftime("%m%d%Y"))
    tab_to(page, "#lot-save")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('#err-certification_valid_from').textContent !== ''")
    said = page.text_content("#err-certification_valid_from")
    assert "VietGAP" in said and "ngày thu hoạch" in said and "-" not in said.split("(")[1].split(")")[0].replace(" - ", "")
    assert page.evaluate("document.activeElement.id") == "f-cert-from"  # the focus is where the fix goes
    assert lot_row(coop["db"], "KB-2026-07") is None
    # Without a certificate it goes through.
    tab_to(page, "#f-cert")
    page.keyboard.press("Home")
    assert page.input_value("#f-cert") == "none"
    tab_to(page, "#lot-save")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('#lot-title').textContent.includes('KB-2026-07')")
    page.wait_for_function("document.activeElement.id === 'lot-title'")  # the result is where the focus is
    row = lot_row(coop["db"], "KB-2026-07")
    assert float(row[1]) == 2500.75 and row[4] == sorted(farm["areas"])
    assert_clean(page_log, (r"422 .*/collections/harvest_lots/items$",))


def png(size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("page", [DESKTOP], indirect=True)
def test_profile_and_product_with_a_photo_and_its_alt_text(page, page_log, coop):
    sign_in(page, coop["url"], "vi")
    page.click("[role=tab][data-tab=profile]")
    page.wait_for_selector("#product-list article")
    product = page.locator(f"#product-list article[data-id='{coop['farm']['product']}']")
    # The stars are shown, not editable: province staff award them.
    assert "OCOP" in product.locator(".award").text_content() and product.locator("[name=stars]").count() == 0
    page.fill("#p-members", "150")
    page.click("#profile-save")
    page.wait_for_function("document.querySelector('#profile-message').textContent.includes('Đã lưu')")
    with psycopg.connect(coop["db"]) as conn:
        assert conn.execute("SELECT members FROM cooperatives WHERE id = %s", (coop["farm"]["coop"],)).fetchone()[0] == 150
    # A GTIN with a wrong check digit: the API's words beside the field, in Vietnamese.
    product.locator("[name=gtin]").fill("8930000000012")
    product.locator(".product-form button[type=submit]").click()
    error = product.locator(".product-form .field-error").last
    error.wait_for()
    assert "Mã vạch GTIN" in error.text_content() and "gtin" not in error.text_content()
    product.locator("[name=gtin]").fill("")
    file_input = product.locator("input[type=file]")
    # Too large: said before anything is sent.
    file_input.set_input_files({"name": "big.jpg", "mimeType": "image/jpeg", "buffer": b"\xff" * (10 * 1024 * 1024 + 1)})
    assert "quá lớn" in product.locator("[id$=err-file]").text_content()
    # Not an image: a text file named .jpg.
    file_input.set_input_files({"name": "note.jpg", "mimeType": "image/jpeg", "buffer": b"hello, not a photo"})
    product.locator("[id$=err-file]").filter(has_text="không phải ảnh").wait_for()
    # A real photo: previewed, then refused without its alt text, then stored with it.
    file_input.set_input_files({"name": "cam.png", "mimeType": "image/png", "buffer": png()})
    product.locator("img.preview").wait_for(state="visible")
    assert product.locator("[id$=err-file]").text_content() == ""
    product.locator(".photo-form button[type=submit]").click()
    assert "Hãy mô tả ảnh" in product.locator("[id$=err-alt]").text_content()
    product.locator("[name=alt]").fill("Gạo đóng túi 5 kg")
    product.locator(".photo-form button[type=submit]").click()
    product.locator("[data-msg=product]", has_text="Đã lưu ảnh").wait_for()
    thumb = product.locator("img.photo:not(.preview)")
    assert thumb.get_attribute("alt") == "Gạo đóng túi 5 kg" and thumb.get_attribute("src").endswith("-400.webp")
    assert page.evaluate("(img) => img.naturalWidth > 0", thumb.element_handle())
    shot(page, "lots-profile-1280")
    assert_clean(page_log, (r"400 .*/collections/ocop_products/items/\d+$",))


def _keep(response, out: list) -> None:
    if "json" in (response.headers.get("content-type") or ""):
        try:
            out.append(json.loads(response.body()))
        except Exception:  # a body gone with a navigation
            pass


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_visible_text_is_in_the_page_language_or_data(page, page_log, coop, lang):
    registered(coop, "LANG-1", confidential_quantity=True, certification="VietGAP",
               certification_valid_from=coop["farm"]["day"].replace(day=1).isoformat(),
               certification_valid_to=coop["farm"]["today"].isoformat())
    responses: list = []
    page.on("response", lambda r: _keep(r, responses))
    sign_in(page, coop["url"], lang)
    data = set(database_strings(coop["db"], lang))
    bad = []

    def check(where: str) -> None:
        page.wait_for_timeout(300)
        found = page.evaluate(VISIBLE_TEXTS, None)
        assert found["lang"] == lang
        for body in responses:
            json_strings(body, lang, data)
        oracle = Oracle(lang, data)
        for t in found["texts"]:
            text_lang = t["lang"][:2] if t["lang"][:2] in ("vi", "en") else lang
            if text_lang == lang and not oracle.accepts(t["text"], t["code"]):
                bad.append(f"{where} {t['where']}: {' '.join(t['text'].split())[:90]!r}")

    check("list")
    open_lot(page, "LANG-1")
    page.click("#lot-correct")
    page.wait_for_selector("#lot-form[data-mode=correct]")
    page.fill("#f-quantity", "abc")
    page.click("#lot-save")  # a field error of the page's own
    check("correct")
    page.click("#lot-cancel")
    page.wait_for_selector("body[data-lot-shown]")
    page.click("#lot-recall-open")
    page.click("#recall-submit")
    check("lot")
    page.click("[role=tab][data-tab=new]")
    page.wait_for_selector("body[data-map-ready=true]")
    page.click("#lot-save")
    check("new")
    page.click("[role=tab][data-tab=profile]")
    page.wait_for_selector("#product-list article")
    check("profile")
    shot(page, f"lots-lang-{lang}")
    assert not bad, f"{lang}: texts neither the {lang} catalogue nor data:\n" + "\n".join(bad[:60])
    assert_clean(page_log, ())


@pytest.mark.parametrize("page", [PHONE], indirect=True)
def test_no_serious_or_critical_axe_violation_in_any_view(page, page_log, coop):
    from tests.browser.test_accessibility import axe_violations, describe

    registered(coop, "AXE-1")
    sign_in(page, coop["url"], "vi")
    found = {"list": axe_violations(page)}
    open_lot(page, "AXE-1")
    page.click("#lot-recall-open")
    found["lot"] = axe_violations(page)
    page.click("[role=tab][data-tab=new]")
    page.wait_for_selector("body[data-map-ready=true]")
    page.click("#lot-save")  # with its field errors showing
    found["new"] = axe_violations(page)
    page.click("[role=tab][data-tab=profile]")
    page.wait_for_selector("#product-list article")
    found["profile"] = axe_violations(page)
    bad = {view: describe(v) for view, v in found.items() if v}
    assert not bad, bad


def test_the_trace_url_of_a_product_with_a_gtin_is_its_digital_link(page, page_log, coop):
    """What the page offers to copy is what the label's QR code holds: the GS1 Digital Link with
    the GTIN in 14 digits and the lot percent-encoded (`/` → %2F), and it resolves."""
    product = coop["farm"]["product"]
    with api_for(coop) as api:
        etag = api.get(f"/staff/api/ocop-products/{product}").headers["etag"]
        r = api.patch(f"/collections/ocop_products/items/{product}", json={"gtin": "9506000134352"}, headers={"If-Match": etag})
        assert r.status_code == 200, r.text
    registered(coop, "GS1/26(a)")
    sign_in(page, coop["url"], "en")
    open_lot(page, "GS1/26(a)")
    url = page.input_value("#trace-url")
    assert url == f"{coop['url']}/01/09506000134352/10/GS1%2F26%28a%29"
    answer = page.request.get(url)
    assert answer.status == 200 and "GS1/26(a)" in answer.text()
    assert_clean(page_log, ())


def test_another_role_is_pointed_to_the_staff_page(page, page_log, coop):
    with connection(coop["db"]) as conn:
        accounts.create_user(conn, "tinh.lots", "province_staff", ["40"], password=PASSWORD)
    sign_in_other = page.goto(f"{coop['url']}/staff/lots?lang=vi")
    assert sign_in_other.status == 200
    page.fill("#login-form [name=username]", "tinh.lots")
    page.fill("#login-form [name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#other-role:not([hidden])")
    assert page.is_hidden("#work-view") and page.get_attribute("#other-role a", "href") == "/staff?lang=vi"
    assert_clean(page_log, ())
