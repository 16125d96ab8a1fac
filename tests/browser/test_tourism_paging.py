"""/tourism as people use it: cards arrive as the reader scrolls (or by keyboard), commune counts
follow the chosen kind, a commune without that kind says why, one language, no sideways scroll."""
from __future__ import annotations

import re

import pytest

from tests.browser.chromium import ARTIFACTS
from tests.browser.mapping import IDLE, one, open_map

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 768}
CODE_WORDS = re.compile(r"\b(homestay|craft_village|historic_site|scenic_spot|farm_experience|community_tourism|"
                        r"ecotourism|festival|restaurant)\b")


def no_sideways_scroll(page):
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("page", [PHONE, DESKTOP], indirect=True, ids=["phone", "desktop"])
def test_cards_arrive_as_the_reader_scrolls(page, page_log, live_url, shared_demo):
    (total,) = one(shared_demo, "SELECT count(*) FROM tourism_places")
    assert total > 48  # the case discriminates: several steps of 24
    open_map(page, f"{live_url}/tourism?lang=vi")
    places = page.locator("li.place")
    assert places.count() == 24
    assert page.locator("#shown").inner_text() == f"Đang hiện 24 / {total} điểm"
    no_sideways_scroll(page)
    while places.count() < total:
        before = places.count()
        page.locator("#more").scroll_into_view_if_needed()
        page.wait_for_function(f"document.querySelectorAll('li.place').length > {before}")
    assert page.locator("#more").is_hidden()
    ids = places.evaluate_all("els => els.map((e) => e.dataset.id)")
    assert len(ids) == len(set(ids)) == total  # each place once
    assert f"Đang hiện {total} / {total} điểm" == page.locator("#shown").inner_text()
    no_sideways_scroll(page)
    # Kinds as words (descriptions are data and may say "homestay" in a sentence).
    kinds = set(page.locator("li.place .kind").all_inner_texts()) | set(page.locator("#kind-filter option").all_inner_texts())
    assert kinds and not any(CODE_WORDS.fullmatch(k.strip()) for k in kinds), kinds
    assert {k for k in kinds if k} >= {"Làng nghề", "Homestay"}
    text = page.locator("body").inner_text()
    for english in ("Places", "Show more", "Address", "Phone", "Kind"):
        assert english not in text
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / f"tourism_paging_{page.viewport_size['width']}.png"))
    page_log.assert_clean()


def test_show_more_works_by_keyboard_and_without_scripts(page, page_log, live_url):
    open_map(page, f"{live_url}/tourism?lang=en")
    link = page.locator("#more-link")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelectorAll('li.place').length === 48")
    # Focus moves to the first new card, so a keyboard reader continues where the list grew.
    assert page.evaluate("document.activeElement.closest('li.place').dataset.id") == \
        page.locator("li.place").nth(24).get_attribute("data-id")
    assert "Showing 48 of" in page.locator("#shown").inner_text()
    # The same link works as a plain link (no script): the page shows the next step.
    href = link.get_attribute("href")
    assert "shown=72" in href
    page.goto(f"{live_url}{href}" if href.startswith("/") else href)
    assert page.locator("li.place").count() == 72
    page_log.assert_clean()


def test_commune_counts_follow_the_kind_and_an_empty_choice_says_why(page, page_log, live_url, shared_demo):
    code, n_homestay = one(shared_demo, "SELECT commune_code, count(*) FROM tourism_places WHERE kind = 'homestay' "
                                        "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1")
    without, kinds_there = one(shared_demo, "SELECT commune_code, count(*) FROM tourism_places GROUP BY 1 "
                                            "HAVING count(*) FILTER (WHERE kind = 'homestay') = 0 ORDER BY 1 LIMIT 1")
    open_map(page, f"{live_url}/tourism?lang=vi")
    option = page.locator(f"#commune-filter option[value='{without}']")
    assert option.is_enabled()
    page.get_by_label("Loại hình").select_option("homestay")
    # Counted for the kind: the commune with homestays shows their number, one without is not offered.
    assert page.locator(f"#commune-filter option[value='{code}']").inner_text().endswith(f"({n_homestay})")
    assert option.is_disabled() and option.inner_text().endswith("(không có loại này)")

    # Reached by a link anyway: the page says why nothing is listed and offers the way out.
    open_map(page, f"{live_url}/tourism?lang=vi&kind=homestay&commune={without}")
    assert page.locator("li.place").count() == 0
    why = page.locator("#none-of-kind")
    assert "không có điểm du lịch loại «Homestay»" in why.inner_text()
    assert f"có {kinds_there} điểm loại khác" in why.inner_text()
    why.get_by_role("link").first.click()
    page.wait_for_function(IDLE)
    assert page.locator("li.place").count() >= 1 and f"commune={without}" in page.url
    page_log.assert_clean()
