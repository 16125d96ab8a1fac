"""Where releases live and how they are found: one immutable directory per version.

`<opendata_dir>/releases/<version>/` holds the files and `release.json` (the manifest). A
release is written under `releases/.tmp-*` and renamed into place as its last step, so a
directory whose name is a version is always complete; `latest` is the highest such version.
Files are served only if the manifest names them, which also rules out path traversal.
A release removed by retention (layers.jobs.opendata.retention) leaves its manifest in
`<opendata_dir>/removed/<version>.json`, so its links can still be answered.
"""
from __future__ import annotations

import fcntl
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from layers.db.settings import Settings
from layers.jobs.opendata.versioning import SEMVER, parse

MANIFEST = "release.json"
META_FILES = (MANIFEST, "datapackage.json", "CHANGELOG.md")


def root(settings: Settings) -> Path:
    return settings.opendata_dir or settings.home / "opendata"


def releases_dir(settings: Settings) -> Path:
    return root(settings) / "releases"


def removed_dir(settings: Settings) -> Path:
    return root(settings) / "removed"


@contextmanager
def lock(settings: Settings) -> Iterator[None]:
    """One publish or prune at a time (they pick versions and remove directories)."""
    d = releases_dir(settings)
    d.mkdir(parents=True, exist_ok=True)
    with open(d / ".publish.lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def versions(settings: Settings) -> list[str]:
    """Complete releases, newest first."""
    d = releases_dir(settings)
    if not d.is_dir():
        return []
    found = [p.name for p in d.iterdir() if SEMVER.match(p.name) and (p / MANIFEST).is_file()]
    return sorted(found, key=parse, reverse=True)


def latest(settings: Settings) -> str | None:
    vs = versions(settings)
    return vs[0] if vs else None


def resolve_version(settings: Settings, version: str) -> str | None:
    if version == "latest":
        return latest(settings)
    return version if version in versions(settings) else None


def manifest(settings: Settings, version: str) -> dict:
    return json.loads((releases_dir(settings) / version / MANIFEST).read_text())


def release_files(man: dict) -> set[str]:
    names = set(META_FILES)
    for ds in man["datasets"].values():
        names.update(d["path"] for d in ds["distributions"])
        if ds.get("changelog"):
            names.add(ds["changelog"])
    return names


def file_path(settings: Settings, version: str, name: str) -> Path | None:
    """The file `name` of a release, or None if the release does not list it."""
    if name not in release_files(manifest(settings, version)):
        return None
    path = releases_dir(settings) / version / name
    return path if path.is_file() else None


def removed_versions(settings: Settings) -> list[str]:
    """Releases removed by retention whose manifest is kept, newest first."""
    d = removed_dir(settings)
    if not d.is_dir():
        return []
    found = [p.stem for p in d.glob("*.json") if SEMVER.match(p.stem)]
    return sorted(found, key=parse, reverse=True)


def removed_manifest(settings: Settings, version: str) -> dict:
    return json.loads((removed_dir(settings) / f"{version}.json").read_text())
