"""What the open-data routes read from disk, read again only when the releases change.

Releases are immutable directories renamed into place (layers.jobs.opendata.store), so the state of
`releases/` (its entries and its mtime) says whether anything changed: one `scandir` per request
instead of parsing every manifest, and the DCAT catalog (an rdflib graph serialised, tens of
milliseconds) built once per release and base URL. Releases removed by retention are known by
their kept manifests (`removed/`), from which a link into one is answered with a redirect.
"""
from __future__ import annotations

import os
from collections import OrderedDict
from pathlib import Path

from layers.db.settings import Settings
from layers.jobs.opendata import catalog, retention, store

CATALOGS_KEPT = 12  # (release, format, base URL) entries: 3 formats, a few base URLs (proxy and direct)


class Releases:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._state: tuple | None = None
        self._versions: list[str] = []
        self._manifests: dict[str, dict] = {}
        self._removed: list[str] = []
        self._removed_manifests: dict[str, dict] = {}
        self._catalogs: OrderedDict[tuple, str] = OrderedDict()

    @staticmethod
    def _state_of(d: Path) -> tuple:
        try:
            stat = d.stat()
            names = tuple(sorted(e.name for e in os.scandir(d)))
        except FileNotFoundError:
            return ()
        return stat.st_ino, stat.st_mtime_ns, names

    def _directory_state(self) -> tuple:
        return self._state_of(store.releases_dir(self.settings)), self._state_of(store.removed_dir(self.settings))

    def _current(self) -> None:
        state = self._directory_state()
        if state == self._state:
            return
        versions = store.versions(self.settings)
        self._manifests, self._removed_manifests = {}, {}
        self._versions, self._state = versions, state
        self._removed = [v for v in store.removed_versions(self.settings) if v not in versions]
        self._catalogs.clear()

    def versions(self) -> list[str]:
        """Complete releases, newest first."""
        self._current()
        return list(self._versions)

    def latest(self) -> str | None:
        vs = self.versions()
        return vs[0] if vs else None

    def resolve(self, version: str) -> str | None:
        vs = self.versions()
        if version == "latest":
            return vs[0] if vs else None
        return version if version in vs else None

    def manifest(self, version: str) -> dict:
        self._current()
        man = self._manifests.get(version)
        if man is None:
            man = self._manifests[version] = store.manifest(self.settings, version)
        return man

    def removed_versions(self) -> list[str]:
        """Releases removed by retention, newest first."""
        self._current()
        return list(self._removed)

    def removed_manifest(self, version: str) -> dict | None:
        """The kept manifest of a removed release (with `removed`, when), None if `version` is not one."""
        self._current()
        if version not in self._removed:
            return None
        man = self._removed_manifests.get(version)
        if man is None:
            man = self._removed_manifests[version] = store.removed_manifest(self.settings, version)
        return man

    def moved(self, version: str, name: str) -> retention.Moved | None:
        """Where the file `name` of the removed release `version` went (layers.jobs.opendata.retention)."""
        return retention.moved(self.removed_manifest(version), name, [self.manifest(v) for v in self.versions()])

    def file_path(self, version: str, name: str) -> Path | None:
        """The file `name` of a release, or None if the release does not list it."""
        if name not in store.release_files(self.manifest(version)):
            return None
        path = store.releases_dir(self.settings) / version / name
        return path if path.is_file() else None

    def catalog(self, version: str, kind: str, base: str) -> str:
        """The DCAT catalog of `version` as `kind` ("jsonld", "turtle" or "xml") with links under `base`."""
        key = (version, kind, base)
        self._current()
        text = self._catalogs.get(key)
        if text is None:
            text = catalog.serialize(self.manifest(version), base, self.settings, kind)
            self._catalogs[key] = text
            while len(self._catalogs) > CATALOGS_KEPT:
                self._catalogs.popitem(last=False)
        return text
