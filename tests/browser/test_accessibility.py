"""axe-core (npm, node_modules/axe-core) on every page of issue 21 in vi and en: no serious or
critical violation.

axe is read from node_modules and run through DevTools (`page.evaluate`), outside the pages'
Content-Security-Policy, so the pages keep their CSP as served. Rules run: WCAG 2.0/2.1 A and AA
plus axe's best practices; a failure lists rule, impact, the selectors and axe's summary.

Pages owned by others with violations still open are xfail(strict=True) below, with the rule
and the selector: the test turns red the moment it passes, and the xfail comes off.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.site_tour import DESKTOP, PHONE, open_page, site, xfail_for  # noqa: F401  (site: fixture)

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = {"serious", "critical"}

KNOWN: dict[tuple[str, str], str] = {}  # none open at the last run (tourism's unlabelled #embed-snippet: fixed)


def axe_violations(page) -> list[dict]:
    """axe-core's violations of serious or critical impact on the page as it is now."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text("utf-8") + "\n;true")
    result = page.evaluate("""(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                           resultTypes: ['violations']})
        .then((r) => r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map((n) => ({target: n.target.join(' '), summary: n.failureSummary}))})))""", TAGS)
    return [v for v in result if v["impact"] in BLOCKING]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for n in v["nodes"][:8]:
            lines.append(f"    {n['target']}: {(n['summary'] or '').splitlines()[-1].strip()}")
    return "\n".join(lines)


def test_axe_core_is_installed():
    assert AXE.is_file(), "run `make setup-test` (npm ci installs axe-core from package.json)"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "360"])
@pytest.mark.parametrize(("name", "lang"), xfail_for(KNOWN))
def test_no_serious_or_critical_axe_violation(browser, site, name, lang, viewport):  # noqa: F811
    """At both widths: a phone's layout has controls of its own (menus, panels that fold)."""
    with open_page(browser, site, name, lang, viewport, tag="axe") as (page, _log):
        found = axe_violations(page)
    assert not found, f"{name} ({lang}, {viewport['width']} px):\n{describe(found)}"


def test_the_check_finds_a_planted_violation(browser, site):  # noqa: F811
    """Proof that the test above can fail: a nameless button and grey-on-white text are found."""
    with open_page(browser, site, "landing", "en", tag="axe-planted") as (page, _log):
        page.evaluate("""() => {
            document.querySelector('header').append(Object.assign(document.createElement('button'), {id: 'planted'}));
            const p = Object.assign(document.createElement('p'), {id: 'faint', textContent: 'Faint words'});
            p.style.color = '#ccc';
            document.querySelector('header').append(p);
        }""")
        found = {v["id"]: [n["target"] for n in v["nodes"]] for v in axe_violations(page)}
    assert "#planted" in found.get("button-name", []), found
    assert "#faint" in found.get("color-contrast", []), found
