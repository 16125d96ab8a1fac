"""The map's modules served as one bundle (api/pages/bundles.py): made by the real esbuild from
npm, keyed by the sources, preloaded with what it imports, and the modules themselves when
esbuild is missing."""
from __future__ import annotations

import logging
import re
import shutil

from api.pages import bundles
from api.pages.module_preload import STATIC
from api.pages.static_files import vendor_dir
from tests.support import started_client


def page_scripts(html: str) -> tuple[list[str], list[str]]:
    entries = re.findall(r'<script type="module"(?: async)? src="([^"]+)"', html)
    preloads = re.findall(r'<link rel="modulepreload" href="([^"]+)"', html)
    return entries, preloads


def test_the_map_page_loads_one_bundle_and_preloads_what_it_imports(settings, shared_demo):
    with started_client(settings, shared_demo) as client:
        html = client.get("/map?lang=vi").text
        entries, preloads = page_scripts(html)
        bundle = [u for u in entries if u.startswith("/static/bundle/")]
        assert len(bundle) == 1 and preloads[0] == bundle[0] and len(entries) == 2, (entries, preloads)
        assert "/static/map/main.js" not in entries
        # warm.js runs from the page head and is imported by the bundle by the same URL: one instance.
        assert "/static/map/warm.js" in entries and "/static/map/warm.js" in preloads
        for url in preloads:
            r = client.get(url)
            assert r.status_code == 200 and "javascript" in r.headers["content-type"], url
        code = client.get(bundle[0]).text
        # Every module of api/static/map/ the map imports at first is inside; nothing relative leaves its folder.
        inside = set(re.findall(r"^// api/static/map/(\w+\.js)$", code, re.M))
        assert {"main.js", "popup.js", "layers.js", "search.js", "info.js", "features.js"} <= inside, inside
        assert not inside & {"warm.js", "share.js", "print.js"}
        for spec in re.findall(r'^\s*import\s[^"]*"([^"]+)"', code, re.M):
            assert spec.startswith(("/static/common/", "/static/map/warm.js", "./")), spec
        assert not re.search(r'from\s*"\./(popup|layers|search)\.js"', code)
        # share and print stay chunks, imported after the first view.
        chunks = re.findall(r'import\("\./([\w-]+\.js)"\)', code)
        assert len(chunks) == 2 and all(client.get(bundle[0].rsplit("/", 1)[0] + "/" + c).status_code == 200
                                        for c in chunks)


def test_a_changed_module_makes_another_bundle(tmp_path):
    copy = tmp_path / "map"
    shutil.copytree(STATIC / "map", copy)
    before = bundles.sources_digest(copy)
    assert bundles.sources_digest(copy) == before
    (copy / "popup.js").write_text((copy / "popup.js").read_text("utf-8") + "\n// changed\n", "utf-8")
    assert bundles.sources_digest(copy) != before


def test_without_esbuild_the_page_loads_the_modules_themselves(settings, shared_demo, tmp_path, caplog):
    fake = tmp_path / "node_modules"  # every package but esbuild (linked, not copied: 150 MB)
    fake.mkdir()
    for package in vendor_dir(settings).iterdir():
        if package.name not in ("esbuild", "@esbuild", ".bin"):
            (fake / package.name).symlink_to(package, target_is_directory=package.is_dir())
    home = tmp_path / "home"
    with caplog.at_level(logging.WARNING, logger="ntm_map"):
        with started_client(settings, shared_demo, vendor_dir=fake, home=home) as client:
            entries, preloads = page_scripts(client.get("/map").text)
    assert "/static/map/main.js" in entries and not [u for u in entries if "/bundle/" in u]
    assert {"/static/map/main.js", "/static/map/popup.js", "/static/common/format.js"} <= set(preloads)
    assert "esbuild" in caplog.text and "one by one" in caplog.text


def test_old_bundles_are_pruned_and_a_made_one_is_reused(settings, tmp_path):
    cache = tmp_path / "static-js"
    for n in range(6):
        (cache / f"old{n}").mkdir(parents=True)
        (cache / f"old{n}" / "main.js").write_text("//", "utf-8")
    made = bundles.build(cache, vendor_dir(settings))
    folder = cache / made.entry.split("/")[3]
    assert (folder / "main.js").is_file()
    assert len([p for p in cache.iterdir() if p.is_dir()]) == bundles.KEEP
    stamp = (folder / "main.js").stat().st_mtime_ns
    assert bundles.build(cache, vendor_dir(settings)) == made and (folder / "main.js").stat().st_mtime_ns == stamp
