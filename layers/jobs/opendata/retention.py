"""Retention: keep the N newest releases, and never let a link into a removed one just break.

`prune` (run by `ntm-map publish --keep N`) removes releases beyond the N newest. Before a
release's directory goes, its manifest is kept as `removed/<version>.json` (plus when it was
removed): the catalog can still say what the release held, and `moved` can answer each of its
links from it:

- 308 Permanent Redirect to a kept release holding the same bytes (same SHA-256, the newest
  such release): the file the link named lives on unchanged there, for good (if that release is
  removed in turn, its link is answered the same way);
- 303 See Other to the same dataset and format in the latest release when the bytes are gone:
  what is there is a different file (newer data), so neither a permanent nor a "temporarily
  elsewhere" redirect would be true, and 303 is cached by nobody;
- 303 See Other to the release listing when the dataset itself is gone, and to the removed
  release's own index (which lists what it held and where each file went) for its changelogs.
"""
from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from layers.db.settings import Settings
from layers.jobs.opendata import store
from layers.jobs.opendata.reproducible import READ_ONLY

SAME_BYTES = 308
ELSEWHERE = 303
REMOVING = ".removing-"


@dataclass(frozen=True)
class Pruned:
    removed: list[str]  # newest first
    kept: list[str]


@dataclass(frozen=True)
class Moved:
    """Where a link into a removed release is sent: `version`/`path` (`path` None: that release's
    index; `version` None: the release listing)."""

    status: int
    version: str | None
    path: str | None


def prune(settings: Settings, keep: int, *, dry_run: bool = False) -> Pruned:
    """Removes releases beyond the `keep` newest (at least 1: the latest is never removed).

    Order matters for a server reading meanwhile: the manifest is kept first, then the directory
    is renamed away in one step (from then on its links redirect), then deleted."""
    if keep < 1:
        raise ValueError(f"keep must be at least 1 (the latest release), not {keep}")
    with store.lock(settings):
        rdir = store.releases_dir(settings)
        for leftover in rdir.glob(f"{REMOVING}*"):  # a prune interrupted half-way
            shutil.rmtree(leftover, ignore_errors=True)
        versions = store.versions(settings)
        kept, gone = versions[:keep], versions[keep:]
        if dry_run or not gone:
            return Pruned(gone, kept)
        archive = store.removed_dir(settings)
        archive.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
        for version in gone:
            man = {**store.manifest(settings, version), "removed": stamp}
            spare = archive / f".{version}.{uuid.uuid4().hex}"
            spare.write_text(json.dumps(man, ensure_ascii=False, indent=1, default=str) + "\n")
            os.chmod(spare, READ_ONLY)
            spare.replace(archive / f"{version}.json")
            doomed = rdir / f"{REMOVING}{version}-{uuid.uuid4().hex}"
            (rdir / version).rename(doomed)
            shutil.rmtree(doomed)
    return Pruned(gone, kept)


def _distributions(man: dict):
    for ds_id, ds in man["datasets"].items():
        for d in ds["distributions"]:
            yield ds_id, d


def moved(removed: dict, name: str, kept: list[dict]) -> Moved | None:
    """Where the file `name` of the removed release (its kept manifest) went; None if that
    release never held such a file. `kept`: the manifests of the releases on disk, newest first."""
    held = next(((ds_id, d) for ds_id, d in _distributions(removed) if d["path"] == name), None)
    if held is None:
        return Moved(ELSEWHERE, removed["version"], None) if name in store.release_files(removed) else None
    ds_id, dist = held
    for man in kept:
        for _, d in _distributions(man):
            if d["sha256"] == dist["sha256"]:
                return Moved(SAME_BYTES, man["version"], d["path"])
    latest = kept[0] if kept else {"datasets": {}}
    for d in latest["datasets"].get(ds_id, {}).get("distributions", []):
        if d["format"] == dist["format"]:
            return Moved(ELSEWHERE, latest["version"], d["path"])
    return Moved(ELSEWHERE, None, None)
