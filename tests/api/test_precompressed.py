"""MapLibre as Brotli to browsers that accept it (api/pages/precompressed.py): made once off the
request path, the same bytes once decoded, and never to a client that refuses Brotli."""
from __future__ import annotations

import gzip
import time

import brotli
import pytest

from api.pages.precompressed import BrotliCopies, accepts_brotli
from api.pages.static_files import vendor_path

JS = "/static/vendor/maplibre-gl/maplibre-gl.js"


@pytest.mark.parametrize("header, accepted", [
    ("gzip, deflate, br", True), ("br", True), ("gzip;q=1.0, br;q=0.5", True), ("BR", True),
    ("gzip, deflate", False), ("", False), ("br;q=0", False), ("gzip, br;q=0.0", False), ("brotli", False),
    ("br;q=x", False),
])
def test_accepts_brotli_reads_the_weights(header, accepted):
    assert accepts_brotli(header) is accepted


def raw(client, url: str, encoding: str):
    """The response with its body as sent (httpx would decode it)."""
    with client.stream("GET", url, headers={"Accept-Encoding": encoding}) as r:
        return r, b"".join(r.iter_raw())


def test_maplibre_comes_as_brotli_once_made_and_decodes_to_the_file(reader, settings):
    original = (vendor_path(settings, "maplibre-gl") / "maplibre-gl.js").read_bytes()
    deadline = time.monotonic() + 60
    while True:  # the first request starts the copy in a thread and is answered gzipped meanwhile
        r, body = raw(reader, JS, "gzip, br")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
        assert "accept-encoding" in r.headers["vary"].lower()
        if r.headers.get("content-encoding") == "br":
            break
        assert r.headers["content-encoding"] == "gzip" and gzip.decompress(body) == original
        assert time.monotonic() < deadline, "no Brotli copy within 60 s"
        time.sleep(0.5)
    assert brotli.decompress(body) == original
    assert len(body) < len(gzip.compress(original, 9)) * 0.9  # what it is for: fewer bytes than gzip
    # A client that refuses Brotli (or asks for no encoding) never gets it.
    for refusing in ("gzip, br;q=0", "gzip", "identity"):
        r, body = raw(reader, JS, refusing)
        assert r.status_code == 200 and r.headers.get("content-encoding") != "br", refusing
        assert (gzip.decompress(body) if r.headers.get("content-encoding") == "gzip" else body) == original
    # Query parameters choose nothing: the route serves its one file.
    r, body = raw(reader, f"{JS}?path=/etc/passwd&name=x", "br")
    assert r.headers["content-encoding"] == "br" and brotli.decompress(body) == original


def test_a_copy_is_made_once_and_named_by_the_files_version(tmp_path):
    source = tmp_path / "lib.js"
    source.write_text("const a = 1;\n" * 5000)
    copies = BrotliCopies(tmp_path / "cache")
    made = copies.make_now(source)
    assert brotli.decompress(made.read_bytes()) == source.read_bytes()
    assert copies.copy_of(source) == made and list((tmp_path / "cache").iterdir()) == [made]
    source.write_text("const b = 2;\n" * 5000)  # an upgraded package: a new copy, not the old one
    assert copies.copy_of(source) is None or copies.copy_of(source) != made
