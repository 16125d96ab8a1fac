"""Events on /tourism by month (issue 14): a published event shows under each month it spans and
no other, drafts never; names are text (escaped), and either language's name may be missing."""
from __future__ import annotations

import pytest

from tests.api.tourism_write_helpers import EVENTS, act, created, error_of, people

ATTACK = '<img src=x onerror="alert(1)">'


@pytest.fixture
def ctx(demo_db):
    return people(demo_db)


def event(point, **props) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": point},
            "properties": {"kind": "festival", "starts_on": "2027-01-30", "ends_on": "2027-02-02", **props}}


def test_an_event_shows_under_its_months(writer, ctx):
    eid, tag = created(writer, EVENTS, ctx["mai"], event(ctx["point"], name_en="Kite festival " + ATTACK))
    page = writer.get("/tourism", params={"lang": "en", "month": "2027-01"}).text
    assert "Kite festival" not in page  # a draft
    _, tag = act(writer, "tourism_events", eid, "submit", ctx["mai"], tag)
    assert act(writer, "tourism_events", eid, "publish", ctx["staff"], tag)[0] == 200
    for month, shown in (("2026-12", False), ("2027-01", True), ("2027-02", True), ("2027-03", False)):
        for lang in ("en", "vi"):  # no Vietnamese name: the English one stands in
            page = writer.get("/tourism", params={"lang": lang, "month": month}).text
            assert ("Kite festival" in page) is shown, (month, lang)
            assert ATTACK not in page
    page = writer.get("/tourism", params={"lang": "en", "month": "2027-02"}).text
    assert "Kite festival &lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page
    assert 'href="/tourism?lang=en&amp;month=2027-01#events"' in page


def test_the_demo_events_and_a_bad_month(writer):
    page = writer.get("/tourism", params={"lang": "vi", "month": "2026-11"}).text
    assert "Mùa cam Vinh" in page and "Từ 15/10/2026 đến 31/12/2026" in page
    assert "Mùa cam Vinh" not in writer.get("/tourism", params={"lang": "vi", "month": "2026-09"}).text
    error_of(writer.get("/tourism", params={"month": "2026-13"}), 400)


def test_events_are_a_map_layer_of_published_events(writer, ctx):
    import mapbox_vector_tile
    import morecantile

    style = writer.get("/styles/map/style.json", params={"lang": "vi"}).json()
    assert "tourism_events-circle" in [layer["id"] for layer in style["layers"]]
    eid, tag = created(writer, EVENTS, ctx["mai"], event(ctx["point"], name_vi="Hội chợ"))
    t = morecantile.tms.get("WebMercatorQuad").tile(*ctx["point"], 14)
    path = f"/collections/tourism_events/tiles/WebMercatorQuad/14/{t.x}/{t.y}"

    def ids():
        r = writer.get(path)
        layer = mapbox_vector_tile.decode(r.content).get("tourism_events", {"features": []}) if r.content else {"features": []}
        return {f["id"] for f in layer["features"]}

    assert eid not in ids()
    _, tag = act(writer, "tourism_events", eid, "submit", ctx["mai"], tag)
    _, tag = act(writer, "tourism_events", eid, "publish", ctx["staff"], tag)
    assert eid in ids()
    assert act(writer, "tourism_events", eid, "unpublish", ctx["staff"], tag)[0] == 200
    assert eid not in ids()
