"""Files the web pages load: ntm-map's own JS/CSS/icons, and browser libraries from node_modules.

MapLibre GL JS and Leaflet come from the npm registry at setup time (`npm ci`, run by `make
setup`) and are served from here, never from a CDN, so the map works with no internet. When
they are missing the server still starts, logs how to fix it, and answers their URLs with a
503 that says the same, rather than a bare 404 a person cannot act on.
"""
from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.staticfiles import StaticFiles

from layers.config import Settings

log = logging.getLogger("ntm_map")
HERE = Path(__file__).parent
# URL name → (npm package, folder inside it) of the browser files served under /static/vendor/.
VENDOR = {"maplibre-gl": ("maplibre-gl", "dist"), "leaflet": ("leaflet", "dist")}
FIX = "run `make setup` (npm ci) in the ntm-map checkout, or set NTM_VENDOR_DIR to a node_modules folder"


def vendor_dir(settings: Settings) -> Path:
    return settings.vendor_dir or HERE.parent / "node_modules"


def vendor_path(settings: Settings, name: str) -> Path:
    package, sub = VENDOR[name]
    return vendor_dir(settings) / package / sub


def install(app: FastAPI, settings: Settings) -> None:
    missing = []
    for name in VENDOR:
        folder = vendor_path(settings, name)
        if folder.is_dir():
            app.mount(f"/static/vendor/{name}", StaticFiles(directory=folder), name=f"vendor-{name}")
        else:
            missing.append(name)
    if missing:
        log.error("web map libraries missing (%s) under %s: %s", ", ".join(missing), vendor_dir(settings), FIX)

        @app.get("/static/vendor/{name}/{path:path}", include_in_schema=False)
        async def vendor_missing(name: str, path: str):
            if name not in VENDOR:
                raise HTTPException(404, f"no vendor library {name!r}; known: {', '.join(VENDOR)}")
            raise HTTPException(503, f"the browser library {name} is not installed on this server: {FIX}")

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
