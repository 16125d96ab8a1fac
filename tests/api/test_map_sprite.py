"""The served web-map style points at ntm-map's own sprite, the sprite files answer (with ETags),
and MapLibre's style validator accepts the style as served (issue 12, item 6)."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tiles.sprite import sprite

ROOT = Path(__file__).resolve().parents[2]
VALIDATE = ROOT / "node_modules/@maplibre/maplibre-gl-style-spec/dist/gl-style-validate.mjs"
ICONS = ROOT / "api/static/icons"


def test_served_style_names_its_sprite_and_passes_the_maplibre_validator(reader, tmp_path):
    for lang in ("vi", "en"):
        r = reader.get("/styles/map/style.json", params={"lang": lang})
        assert r.status_code == 200
        style = r.json()
        assert style["sprite"] == "http://testserver/styles/map/sprite"
        path = tmp_path / f"style-{lang}.json"
        path.write_text(r.text)
        out = subprocess.run(["node", str(VALIDATE), str(path)], capture_output=True, text=True, timeout=60)
        assert out.returncode == 0 and not out.stdout.strip(), out.stdout + out.stderr


def test_sprite_files_at_both_pixel_ratios(reader):
    for suffix, ratio in (("", 1), ("@2x", 2)):
        index = reader.get(f"/styles/map/sprite{suffix}.json")
        assert index.status_code == 200 and index.headers["content-type"] == "application/json"
        assert index.json() == sprite(ICONS, ratio).index
        assert {box["pixelRatio"] for box in index.json().values()} == {ratio}
        png = reader.get(f"/styles/map/sprite{suffix}.png")
        assert png.status_code == 200 and png.headers["content-type"] == "image/png"
        assert png.content.startswith(b"\x89PNG\r\n\x1a\n") and png.content == sprite(ICONS, ratio).png
        # Another site's MapLibre fetches the sprite too (the style's URLs are absolute).
        elsewhere = reader.get(f"/styles/map/sprite{suffix}.png", headers={"Origin": "https://other.example"})
        assert elsewhere.headers["access-control-allow-origin"] == "*"
        for r in (index, png):
            assert "max-age" in r.headers["cache-control"]
            again = reader.get(r.request.url, headers={"If-None-Match": r.headers["etag"]})
            assert again.status_code == 304 and not again.content
        assert index.headers["etag"] != png.headers["etag"]


def test_other_sprite_files_are_404_in_the_error_shape(reader):
    for path in ("/styles/map/sprite.svg", "/styles/map/sprite@2x.webp", "/styles/map/sprite@3x.png"):
        r = reader.get(path)
        assert r.status_code == 404, path
        body = r.json()
        assert body["code"] == "NotFound" and body["status"] == 404, path
    assert json.loads(reader.get("/styles/map/sprite.json").text)  # still there
