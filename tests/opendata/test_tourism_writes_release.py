"""Tourism listings in open data (issue 14): a draft is in no release, a published place is in the
next one, an unpublished place leaves the one after; releases already made stay as they were."""
from __future__ import annotations

import json

import pytest

from layers.jobs.opendata import store
from layers.jobs.opendata.release import publish
from tests.api.tourism_write_helpers import PLACES, act, created, people, place

NAME = "Homestay Mở Dữ Liệu"


@pytest.fixture
def od(settings, tmp_path):
    return settings.model_copy(update={"opendata_dir": tmp_path / "opendata"})


def names(s, version: str) -> list[str]:
    path = store.file_path(s, version, "tourism_places.geojson")
    return [f["properties"]["name_vi"] for f in json.loads(path.read_text())["features"]]


def test_only_published_places_reach_the_next_release(od, app_client, demo_db):
    writer = app_client(demo_db)
    ctx = people(demo_db)
    fid, tag = created(writer, PLACES, ctx["mai"], place(ctx["point"], name_vi=NAME))
    first = publish(od, demo_db)
    assert NAME not in names(od, first.version)
    _, tag = act(writer, "tourism_places", fid, "submit", ctx["mai"], tag)
    _, tag = act(writer, "tourism_places", fid, "publish", ctx["staff"], tag)
    second = publish(od, demo_db)
    assert second.version != first.version and NAME in names(od, second.version)
    assert act(writer, "tourism_places", fid, "unpublish", ctx["staff"], tag)[0] == 200
    third = publish(od, demo_db)
    assert NAME not in names(od, third.version)
    assert NAME in names(od, second.version)  # a release never changes
