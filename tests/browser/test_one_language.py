"""One language per page: every visible text of every page of issue 21 (vi and en) comes from
that language's catalogue or from data (tests/browser/language_oracle.py says what counts).

Visible texts are the page's text nodes whose box is on screen and not hidden, the placeholders
of visible fields and the options of visible lists, read after the page has drawn. A text inside
an element with a `lang` of its own (the language switch: `<a lang="vi">Tiếng Việt</a>`) is held
to that language. The <html lang> must be the page's.

Pages owned by others with texts still failing are xfail(strict=True) below with those texts:
the test turns red the moment the page passes, and the xfail comes off.
"""
from __future__ import annotations

import functools

import httpx
import pytest

from tests.browser.language_oracle import Oracle, database_strings, json_strings
from tests.browser.site_tour import LANGS, open_page, site, with_lang, xfail_for  # noqa: F401

KNOWN: dict[tuple[str, str], str] = {}

VISIBLE_TEXTS = """(root) => {
    const out = [];
    const base = root ? document.querySelector(root) : document.body;
    const shown = (el) => el && el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true});
    const where = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/)[0] : '');
    const info = (el, text) => ({text, lang: (el.closest('[lang]') || document.documentElement).lang,
                                 code: !!el.closest('code, kbd, samp, pre'), where: where(el)});
    const walker = document.createTreeWalker(base, NodeFilter.SHOW_TEXT, {acceptNode: (t) =>
        t.parentElement.closest('script, style, noscript, template, option') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
    const range = document.createRange();
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
        if (!t.textContent.trim() || !shown(t.parentElement)) continue;
        range.selectNodeContents(t);
        const r = range.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        out.push(info(t.parentElement, t.textContent));
    }
    for (const el of base.querySelectorAll('input[placeholder], textarea[placeholder]'))
        if (shown(el) && el.placeholder.trim()) out.push(info(el, el.placeholder));
    for (const el of base.querySelectorAll('select'))
        if (shown(el)) for (const o of el.options) if (o.text.trim()) out.push(info(o, o.text));
    return {lang: document.documentElement.lang, texts: out};
}"""

JSON_TWINS = {"landing": "/?f=json", "opendata": "/opendata?f=json", "dataset": "/opendata/datasets/{dataset}?f=json",
              "item": "/collections/growing_areas/items/{item}?f=json"}


@functools.lru_cache(maxsize=4)
def _db_strings(db: str, lang: str) -> frozenset[str]:
    return frozenset(database_strings(db, lang))


def page_data(site, name: str, lang: str, responses: list) -> set[str]:
    data = set(_db_strings(site.db, lang))
    for body in responses:
        json_strings(body, lang, data)
    if name in JSON_TWINS:
        from tests.browser.site_tour import DATASET
        path = JSON_TWINS[name].format(dataset=DATASET, item=site.item_id)
        r = httpx.get(site.url + with_lang(path, lang), timeout=30)
        if r.status_code == 200:
            json_strings(r.json(), lang, data)
    return data


def foreign_texts(page, site, name: str, lang: str, responses: list, root: str | None = None) -> tuple[str, list[str]]:
    found = page.evaluate(VISIBLE_TEXTS, root)
    data = page_data(site, name, lang, responses)
    oracles = {lg: Oracle(lg, data if lg == lang else page_data(site, name, lg, [])) for lg in LANGS}
    bad, seen = [], set()
    for t in found["texts"]:
        text_lang = t["lang"][:2] if t["lang"][:2] in LANGS else lang
        key = (t["text"].strip(), t["where"])
        if key in seen or oracles[text_lang].accepts(t["text"], t["code"]):
            continue
        seen.add(key)
        bad.append(f"{t['where']}: {' '.join(t['text'].split())[:90]!r}")
    return found["lang"], bad


@pytest.mark.parametrize(("name", "lang"), xfail_for(KNOWN))
def test_every_visible_text_is_in_the_page_language_or_data(browser, site, name, lang):  # noqa: F811
    responses: list = []
    with open_page(browser, site, name, lang, tag="lang", responses=responses) as (page, _log):
        html_lang, bad = foreign_texts(page, site, name, lang, responses)
    assert html_lang == lang, f"<html lang={html_lang!r}> on the {lang} page"
    assert not bad, f"{name} ({lang}): {len(bad)} texts neither {lang} catalogue nor data:\n" + "\n".join(bad[:60])


def test_the_check_tells_foreign_words_and_raw_codes_from_data(browser, site):  # noqa: F811
    """The oracle, on a real page's data, is not fooled by the codes and ISO dates that the API
    sends beside the words (proof that the test above can fail)."""
    responses: list = []
    with open_page(browser, site, "item", "vi", tag="lang-oracle", responses=responses) as (page, _log):
        pass
    data = page_data(site, "item", "vi", responses)
    item = httpx.get(f"{site.url}/collections/growing_areas/items/{site.item_id}?f=json", timeout=30).json()
    props = item["properties"]
    assert props["crop"] in data and props["valid_from"][:10] in {d[:10] for d in data}  # the API sends them
    vi = Oracle("vi", data)
    for text in (props["code"], props["name"], "03/12/2026", "1.234,5 ha", "Cam", props["name"] + " (2)"):
        assert vi.accepts(text), text
    for text in (props["crop"], props["valid_from"][:10], "Open on the web map", "Passion fruit", "50.89078219689857",
                 "0.3 ha", "Chứng nhận: none"):
        assert not vi.accepts(text), text


SEARCH_KNOWN: dict[tuple[str, str], str] = {}


@pytest.mark.parametrize(("name", "lang"), [p for p in xfail_for(SEARCH_KNOWN) if p.values[0] == "map"])
def test_map_search_results_and_status_speak_the_page_language(browser, site, name, lang):  # noqa: F811
    """The page in use, not only as it opens: search results and the status line after a search."""
    responses: list = []
    with open_page(browser, site, name, lang, tag="lang-search", responses=responses) as (page, _log):
        page.get_by_role("searchbox").fill("yen thanh")
        page.get_by_role("option").first.wait_for()
        page.wait_for_timeout(300)
        _html_lang, bad = foreign_texts(page, site, name, lang, responses, root="#search")
    assert not bad, f"search on the {lang} map: " + "\n".join(bad[:40])


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_staff_registration_form_speaks_the_page_language(browser, site, lang):  # noqa: F811
    """The staff page in use: the registration tab (form, coordinate entry, crops, upload) and the
    message of a save without a boundary are the page language's or data."""
    responses: list = []
    with open_page(browser, site, "staff", lang, tag="lang-staff-new", responses=responses) as (page, _log):
        page.click("[role=tab][data-tab=new]")
        page.click("#save-draft")
        page.wait_for_timeout(500)
        _html_lang, bad = foreign_texts(page, site, "staff", lang, responses)
    assert not bad, f"staff registration ({lang}): " + "\n".join(bad[:40])
