"""Semantic versions of releases, decided by comparing with the previous release.

Rules (docs/opendata.md):
- MAJOR: a dataset's schema changed (a field added, removed, renamed or retyped, or the geometry
  type changed) or a dataset was withdrawn: a consumer's code may break.
- MINOR: otherwise, a dataset was added or any dataset gained features (an id not in the
  previous release): new data.
- PATCH: otherwise, features changed (same id, different attributes or geometry, compared by a
  hash of both) or were removed: corrections.
- No release when nothing at all differs.
The first release is 1.0.0.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
FIRST = "1.0.0"


def parse(version: str) -> tuple[int, int, int]:
    m = SEMVER.match(version)
    if not m:
        raise ValueError(f"not a release version: {version!r}")
    return int(m[1]), int(m[2]), int(m[3])


@dataclass
class Change:
    """What changed in one dataset since the previous release (ids as text)."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    schema_changed: bool = False
    new_dataset: bool = False

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.schema_changed or self.new_dataset)

    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "changed": len(self.changed), "removed": len(self.removed)}


def diff_hashes(old: pa.Table, new: pa.Table) -> Change:
    """Both tables have columns id (string) and hash (int64); a hash join, not Python dicts."""
    joined = new.join(old, keys="id", join_type="full outer", left_suffix="_new", right_suffix="_old",
                      coalesce_keys=True)
    h_new, h_old = joined["hash_new"], joined["hash_old"]
    ids = joined["id"]

    def pick(mask) -> list[str]:
        return sorted(ids.filter(mask).to_pylist(), key=_id_key)

    return Change(
        added=pick(pc.is_null(h_old)),
        removed=pick(pc.is_null(h_new)),
        changed=pick(pc.and_(pc.and_(pc.is_valid(h_new), pc.is_valid(h_old)), pc.not_equal(h_new, h_old))),
    )


def _id_key(i: str):
    return (0, int(i), "") if i.isdigit() else (1, 0, i)


def next_version(previous: str | None, changes: dict[str, Change], withdrawn: list[str]) -> str | None:
    if previous is None:
        return FIRST
    major, minor, patch = parse(previous)
    if withdrawn or any(c.schema_changed for c in changes.values()):
        return f"{major + 1}.0.0"
    if any(c.new_dataset or c.added for c in changes.values()):
        return f"{major}.{minor + 1}.0"
    if any(c.changed or c.removed for c in changes.values()):
        return f"{major}.{minor}.{patch + 1}"
    return None
