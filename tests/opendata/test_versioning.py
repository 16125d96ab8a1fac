"""The version rules and the feature diff behind every changelog."""
from __future__ import annotations

import pyarrow as pa
import pytest

from layers.jobs.opendata.extract import HASH_SCHEMA
from layers.jobs.opendata.versioning import Change, diff_hashes, next_version, parse


def table(rows):
    return pa.Table.from_pylist([{"id": i, "hash": h} for i, h in rows], schema=HASH_SCHEMA)


def test_diff_names_added_changed_and_removed_ids():
    old = table([("1", 10), ("2", 20), ("3", 30), ("10", 100)])
    new = table([("1", 10), ("2", 21), ("4", 40), ("10", 100), ("11", 110)])
    c = diff_hashes(old, new)
    assert (c.added, c.changed, c.removed) == (["4", "11"], ["2"], ["3"])  # numeric order
    assert diff_hashes(old, old).any is False


@pytest.mark.parametrize("changes, withdrawn, expected", [
    ({"a": Change()}, [], None),
    ({"a": Change(changed=["1"])}, [], "1.2.4"),
    ({"a": Change(removed=["1"])}, [], "1.2.4"),
    ({"a": Change(changed=["1"]), "b": Change(added=["9"])}, [], "1.3.0"),
    ({"a": Change(), "b": Change(new_dataset=True)}, [], "1.3.0"),
    ({"a": Change(schema_changed=True, added=["1"])}, [], "2.0.0"),
    ({"a": Change()}, ["gone"], "2.0.0"),
])
def test_version_rules(changes, withdrawn, expected):
    assert next_version("1.2.3", changes, withdrawn) == expected


def test_first_release_and_parsing():
    assert next_version(None, {}, []) == "1.0.0"
    assert parse("10.0.2") == (10, 0, 2)
    for bad in ("1.0", "01.0.0", "latest", "../1.0.0"):
        with pytest.raises(ValueError):
            parse(bad)
