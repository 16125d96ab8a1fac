"""Brotli copies of the largest browser files, sent to browsers that accept Brotli.

MapLibre GL JS is most of the map page's bytes: 1 MB, 270 kB gzipped by the middleware, 219 kB
as Brotli at its best quality. Over a phone's Fast 3G (180 kB/s) that is 0.3 s less before the
map can start (docs/performance.md, issue 21's budget). Best-quality Brotli costs seconds of CPU,
so it never runs on a request's path: the first request for a file starts it in a thread and is
answered as before (gzip by the middleware); later ones get the copy. Copies are kept on disk
under the ntm-map home (`cache/static-br`), named by the file's size and modification time, so a
restart reuses them and an upgraded package gets new ones.
"""
from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

import brotli

log = logging.getLogger("ntm_map")
QUALITY = 11  # the best ratio; the cost is paid once per file version, off the request path
_BR = re.compile(r"(?:^|,)\s*br\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*(?:,|$)", re.I)


def accepts_brotli(accept_encoding: str) -> bool:
    """`br` listed in Accept-Encoding with a non-zero weight (`br;q=0` refuses it)."""
    found = _BR.search(accept_encoding or "")
    if not found:
        return False
    try:
        return found.group(1) is None or float(found.group(1)) > 0
    except ValueError:
        return False


class BrotliCopies:
    """Brotli copies of files, made once in the background, read from disk afterwards."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._busy: set[Path] = set()
        self._lock = threading.Lock()

    def target(self, source: Path) -> Path:
        st = source.stat()
        return self.folder / f"{source.name}.{st.st_size}-{st.st_mtime_ns}.br"

    def copy_of(self, source: Path) -> Path | None:
        """The copy if it is made; otherwise None, having started to make it (once)."""
        target = self.target(source)
        if target.is_file():
            return target
        with self._lock:
            if target in self._busy:
                return None
            self._busy.add(target)
        threading.Thread(target=self._make, args=(source, target), name=f"brotli {source.name}",
                         daemon=True).start()
        return None

    def make_now(self, source: Path) -> Path:
        """Make the copy in this thread (tests, and `ntm-map` commands that prepare a release)."""
        target = self.target(source)
        if not target.is_file():
            self._make(source, target)
        return target

    def _make(self, source: Path, target: Path) -> None:
        try:
            data = brotli.compress(source.read_bytes(), quality=QUALITY)
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f"{target.name}.{threading.get_ident()}.part")
            partial.write_bytes(data)
            partial.replace(target)  # atomic: a reader sees the whole copy or none
        except OSError as exc:  # a read-only home: the file is still served, gzipped
            log.warning("no Brotli copy of %s in %s: %s", source, self.folder, exc)
        finally:
            with self._lock:
                self._busy.discard(target)
