"""The web map's modules as one bundle (esbuild, from npm), made once off the request path.

Over Chromium's Fast 3G the map page asked for 16 small modules at once; each spent its 562 ms
of latency holding a share of the throttled link, and MapLibre (220 kB, the first view's
critical path) ended 1.1 s later than with one file. esbuild joins api/static/map/*.js into one
entry (share and print stay separate chunks, imported after the first view); modules under
/static/ imported by absolute URL (the common ones, warm.js) stay outside, so a page that also
loads them directly shares one instance. The bundle is keyed by the sources' digest under
`<home>/cache/static-js/<digest>/`, so an edited module is never served stale; when esbuild is
missing or fails the page loads the modules themselves (api/templates/map_scripts.html).
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from api.pages.module_preload import STATIC, module_graph

log = logging.getLogger("ntm_map")
ENTRY = "/static/map/main.js"
URL_PREFIX = "/static/bundle"
_IMPORT = re.compile(r"""^\s*import\s*(?:[\w*{}\s,$]+\s*from\s*)?["']([^"']+)["']""", re.M)


@dataclass(frozen=True)
class Bundle:
    entry: str  # the URL a page's <script type="module"> loads
    preload: tuple[str, ...]  # every module it imports statically, the entry first


def unbundled() -> Bundle:
    return Bundle(ENTRY, module_graph(ENTRY))


def sources_digest(folder: Path = STATIC / "map") -> str:
    h = hashlib.sha256()
    for path in sorted(folder.glob("*.js")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def _imports(folder: Path, name: str, url: str) -> list[str]:
    """The static imports of a built file, as URLs (chunks beside it, modules under /static/)."""
    out = []
    for spec in _IMPORT.findall((folder / name).read_text("utf-8")):
        out.append(f"{url.rsplit('/', 1)[0]}/{spec.removeprefix('./')}" if spec.startswith("./") else spec)
    return out


def _preload(folder: Path, base: str) -> tuple[str, ...]:
    seen, todo = [], [f"{base}/main.js"]
    while todo:
        url = todo.pop(0)
        if url in seen:
            continue
        seen.append(url)
        if url.startswith(base + "/"):
            todo += _imports(folder, url.removeprefix(base + "/"), url)
        else:
            seen += [u for u in module_graph(url) if u not in seen]
    return tuple(seen)


def build(cache: Path, node_modules: Path, timeout_s: float = 60) -> Bundle:
    """The bundle of the current sources (made now if not yet in `cache`), or the modules
    themselves when it cannot be made (said once in the log)."""
    digest = sources_digest()
    folder = cache / digest
    base = f"{URL_PREFIX}/{digest}"
    if (folder / "main.js").is_file():
        return Bundle(f"{base}/main.js", _preload(folder, base))
    esbuild = node_modules / ".bin" / "esbuild"
    if not esbuild.exists():
        log.warning("map modules served one by one: %s is missing (npm ci installs it)", esbuild)
        return unbundled()
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=cache, prefix=".build-"))
    try:
        # Identifiers and syntax minified, whitespace kept: one import per line, read by _IMPORT.
        subprocess.run([str(esbuild), str(STATIC / ENTRY.removeprefix("/static/")), "--bundle", "--format=esm",
                        "--splitting", f"--outdir={work}", "--external:/static/*", "--minify-syntax",
                        "--minify-identifiers", "--target=es2020", "--log-level=error"],
                       check=True, capture_output=True, timeout=timeout_s)
        try:
            os.replace(work, folder)
        except OSError:
            if not (folder / "main.js").is_file():  # else another process made the same bundle first
                raise
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        log.warning("map modules served one by one: esbuild failed: %s %s", exc, detail.decode(errors="replace")[:500])
        return unbundled()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _prune(cache, folder, KEEP)
    return Bundle(f"{base}/main.js", _preload(folder, base))


KEEP = 4  # bundles kept: the newest, and a few a server still running older code may serve


def _prune(cache: Path, current: Path, keep: int) -> None:
    made = sorted((p for p in cache.iterdir() if p.is_dir() and not p.name.startswith(".") and p != current),
                  key=lambda p: p.stat().st_mtime, reverse=True)
    for old in made[keep - 1:]:
        shutil.rmtree(old, ignore_errors=True)
