"""The pages of issue 21's "Done when", opened the same way by the accessibility, language and
viewport tests: `/`, `/map`, `/tourism`, `/opendata`, a dataset page, an item page and `/staff`
(signed in), each in vi and en.

One server per test module on a demo copy of its own, with a staff account and a small open-data
release (two datasets, no PMTiles: a few seconds), so `/opendata` and its dataset pages have
something to show. `open_page` gives a fresh context (outside requests blocked, like conftest's
`page`), waits until the page has finished drawing (map idle, staff signed in, network quiet)
and leaves a screenshot in tests/artifacts/.
"""
from __future__ import annotations

import json
import re
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from api.app import create_app
from layers.db.engines import connection
from layers.jobs.opendata.datasets import by_id
from layers.jobs.opendata.release import publish
from layers.write import accounts
from tests.api.growing_helpers import commune_with_room
from tests.browser.chromium import ARTIFACTS, PageLog, block_outside, wait_without_eval
from tests.browser.mapping import one
from tests.browser.staff_helpers import PASSWORD, log_in
from tests.support import serve

LANGS = ("vi", "en")
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 768}
STAFF_USER = "tour.staff"
DATASET = "ntm_results"


@dataclass(frozen=True)
class Site:
    url: str
    db: str
    item_id: int

    def paths(self) -> dict[str, str]:
        """Page name → path (without lang)."""
        return {
            "landing": "/?f=html",
            "map": "/map",
            "tourism": "/tourism",
            "opendata": "/opendata?f=html",
            "dataset": f"/opendata/datasets/{DATASET}?f=html",
            "item": f"/collections/growing_areas/items/{self.item_id}?f=html",
            "staff": "/staff",
        }


PAGES = ("landing", "map", "tourism", "opendata", "dataset", "item", "staff")


@pytest.fixture(scope="module")
def site(settings, databases, demo_template, tmp_path_factory):
    db = databases.create(template=demo_template)
    commune, province = commune_with_room(db)
    with connection(db) as conn:
        accounts.create_user(conn, STAFF_USER, "province_staff", [province], password=PASSWORD)
    od = settings.model_copy(update={"opendata_dir": tmp_path_factory.mktemp("tour-opendata")})
    datasets = by_id()
    result = publish(od, db, datasets=(datasets[DATASET], datasets["growing_areas"]))
    assert result.version == "1.0.0", result.message
    item_id = one(db, "SELECT id FROM growing_areas WHERE status = 'granted' ORDER BY id LIMIT 1")[0]
    with serve(create_app(od, url=db)) as url:
        yield Site(url, db, item_id)


def with_lang(path: str, lang: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


def _wait_drawn(page) -> None:
    page.wait_for_load_state("load")
    state = page.evaluate("document.body.dataset.mapState || ''")
    if state or page.locator(".maplibregl-map, #map").count():
        page.wait_for_function("['idle', 'failed'].includes(document.body.dataset.mapState)"
                               " || (window.staffMap && window.staffMap.loaded())", timeout=60000)
    try:
        page.wait_for_load_state("networkidle", timeout=10000)
    except Exception:  # a page polling on a timer never goes quiet; it has drawn by now
        pass


def _sign_in(page, url: str, lang: str) -> None:
    log_in(page, url, STAFF_USER, lang)


@contextmanager
def open_page(browser, site: Site, name: str, lang: str, viewport=DESKTOP, tag: str = "",
              responses: list | None = None):
    """A fresh context on page `name` in `lang`, drawn; yields (page, log). JSON bodies the page
    loads are appended to `responses` when given (the language test's data)."""
    context = browser.new_context(viewport=viewport, locale="vi-VN" if lang == "vi" else "en-GB",
                                  service_workers="block")
    log = PageLog()
    context.route("**/*", block_outside(log))
    page = context.new_page()
    page.set_default_timeout(30000)
    wait_without_eval(page, 30000)
    log.attach(page)
    if responses is not None:
        page.on("response", lambda r: _keep_json(r, responses))
    try:
        if name == "staff":
            _sign_in(page, site.url, lang)
        else:
            page.goto(site.url + with_lang(site.paths()[name], lang))
        _wait_drawn(page)
        yield page, log
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        try:
            page.screenshot(path=str(ARTIFACTS / f"{tag or 'tour'}_{name}_{lang}_{viewport['width']}.png"))
        finally:
            context.close()


def _keep_json(response, out: list) -> None:
    if "json" not in (response.headers.get("content-type") or ""):
        return
    try:
        out.append(json.loads(response.body()))
    except Exception:  # a body already gone (navigation) or not JSON after all
        pass


def xfail_for(known: dict[tuple[str, str], str]):
    """pytest.param list over PAGES × LANGS, xfail(strict) where `known` names a reason."""
    params = []
    for name in PAGES:
        for lang in LANGS:
            reason = known.get((name, lang)) or known.get((name, "*"))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            params.append(pytest.param(name, lang, marks=marks, id=f"{name}-{lang}"))
    return params


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
