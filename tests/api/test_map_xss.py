"""`ntm-map map` writes names as text, never as HTML (issue 11, item 6: stored XSS).

A tourism place named like an attack is written to a map; the page is parsed (no element or
script came from the data) and then opened in Chromium with every tooltip shown: the name reads
as the literal text, no element is created from it, and nothing runs.
"""
from __future__ import annotations

from html.parser import HTMLParser

import psycopg
import pytest
from click.testing import CliRunner
from playwright.sync_api import sync_playwright

from api.cli import main
from tests.browser.chromium import CHROMIUM_ARGS, chromium_path

ATTACKS = {
    "name_vi": "<img src=x onerror=alert(1)>",
    "address": '"><svg onload="window.__pwned=1">',
    "description_vi": "</script><script>window.__pwned=2</script>",
    "opening_hours": "<b onmouseover=alert(3)>7h</b>",
}


class Elements(HTMLParser):
    """Every element of a page, with its attributes, as the browser's parser would see them."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@pytest.fixture
def hostile_place(demo_db):
    with psycopg.connect(demo_db) as conn:
        place_id, commune = conn.execute(
            "SELECT id, commune_code FROM tourism_places ORDER BY id LIMIT 1").fetchone()
        conn.execute("UPDATE tourism_places SET name_vi = %(name_vi)s, address = %(address)s, "
                     "description_vi = %(description_vi)s, opening_hours = %(opening_hours)s WHERE id = %(id)s",
                     {**ATTACKS, "id": place_id})
    return commune


def test_names_in_a_folium_map_are_text_not_html(demo_db, hostile_place, tmp_path):
    out = tmp_path / "map.html"
    clean = tmp_path / "clean.html"
    for path, layers in ((out, ["tourism_places"]), (clean, ["communes"])):
        r = CliRunner().invoke(main, ["map", *layers, "--commune", hostile_place, "--out", str(path)],
                               env={"DATABASE_URL": demo_db})
        assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")

    page_elements, clean_elements = Elements(), Elements()
    page_elements.feed(html)
    clean_elements.feed(clean.read_text(encoding="utf-8"))
    assert not [t for t, _ in page_elements.tags if t in ("img", "svg", "b")]
    assert not [a for _, attrs in page_elements.tags for a in attrs if a.startswith("on")]
    assert sum(t == "script" for t, _ in page_elements.tags) == sum(t == "script" for t, _ in clean_elements.tags)

    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(out.as_uri())
            tips = page.evaluate("""() => {
                const out = [];
                const groups = Object.keys(window).filter(k => k.startsWith('geo_json_')).map(k => window[k])
                    .filter(g => g && typeof g.eachLayer === 'function' && g.getTooltip());
                for (const group of groups) {
                    group.eachLayer(child => {  // hover each feature: its group's tooltip shows it
                        const latlng = child.getLatLng ? child.getLatLng() : child.getBounds().getCenter();
                        child.fire('mouseover', {latlng}, true);
                        const tip = document.querySelector('.leaflet-tooltip');
                        out.push({text: tip ? tip.textContent : '', injected: tip ? tip.querySelectorAll(
                            'img, svg, script, b, [onerror], [onload], [onmouseover]').length : -1});
                        child.fire('mouseout', {latlng}, true);
                    });
                }
                return out;
            }""")
            page.wait_for_timeout(300)  # let an injected onerror/onload fire, if there were one
            pwned = page.evaluate("() => window.__pwned")
        finally:
            browser.close()
    assert tips and all(t["injected"] >= 0 for t in tips)
    assert dialogs == [] and pwned is None
    assert all(t["injected"] == 0 for t in tips)
    hostile = [t["text"] for t in tips if ATTACKS["name_vi"] in t["text"]]
    assert hostile, [t["text"][:200] for t in tips]
    for value in ATTACKS.values():
        assert value in hostile[0]
