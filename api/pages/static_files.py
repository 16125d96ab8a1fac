"""Files the web pages load: ntm-map's own JS/CSS/icons, and browser libraries from node_modules.

MapLibre GL JS, Leaflet, Swagger UI (/docs), qrcode-generator and jsPDF (the map's share and print
tools) come from the npm registry at setup time (`npm ci`, run by `make setup`) and are served from
here, never from a CDN, so the map and the API's documentation work with no internet. Of Swagger UI only the two files the page loads are served
(its package also holds a demo page that fetches a petstore definition from the internet). When
they are missing the server still starts, logs how to fix it, and answers their URLs with a
503 that says the same, rather than a bare 404 a person cannot act on.
"""
from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from api.pages import bundles
from api.pages.precompressed import BrotliCopies, accepts_brotli
from layers.db.settings import Settings

log = logging.getLogger("ntm_map")
HERE = Path(__file__).parents[1]  # api/: static/ in it, node_modules/ beside it
# URL name → (npm package, folder inside it) of the browser files served under /static/vendor/.
VENDOR = {"maplibre-gl": ("maplibre-gl", "dist"), "leaflet": ("leaflet", "dist")}
# URL name → (npm package, {file: media type}): packages of which only some files are served.
JS = "text/javascript; charset=utf-8"
VENDOR_FILES = {"swagger-ui": ("swagger-ui-dist", {"swagger-ui-bundle.js": JS, "swagger-ui.css": "text/css; charset=utf-8"}),
                # the map's share (QR code) and print (PDF) tools; the folder inside the package after "/"
                "qrcode-generator": ("qrcode-generator/dist", {"qrcode.mjs": JS}),
                "jspdf": ("jspdf/dist", {"jspdf.umd.min.js": JS})}
# Files sent as Brotli to browsers that take it (api/pages/precompressed.py): MapLibre is most of
# the map page's bytes over a phone's 3G.
PRECOMPRESSED = {"maplibre-gl": {"maplibre-gl.js": JS, "maplibre-gl.css": "text/css; charset=utf-8"}}
FIX = "run `make setup` (npm ci) in the ntm-map checkout, or set NTM_VENDOR_DIR to a node_modules folder"


def vendor_dir(settings: Settings) -> Path:
    return settings.vendor_dir or HERE.parent / "node_modules"


def vendor_path(settings: Settings, name: str) -> Path:
    package, sub = VENDOR[name]
    return vendor_dir(settings) / package / sub


def _serve_files(app: FastAPI, settings: Settings, name: str) -> bool:
    """Routes for the listed files of one package; False when the package is not installed."""
    package, files = VENDOR_FILES[name]
    folder = vendor_dir(settings) / package

    @app.get(f"/static/vendor/{name}/{{file}}", include_in_schema=False, name=f"vendor-{name}")
    async def vendor_file(file: str):
        if file not in files:
            raise HTTPException(404, f"no file {file!r} of {name}; files: {', '.join(files)}")
        if not (folder / file).is_file():
            raise HTTPException(503, f"the browser library {name} is not installed on this server: {FIX}")
        return FileResponse(folder / file, media_type=files[file], headers={"Cache-Control": "public, max-age=86400"})

    return all((folder / file).is_file() for file in files)


def _precompressed_route(copies: BrotliCopies, name: str, path: Path, media: str):
    def serve(request: Request):  # sync: its stat calls run in the thread pool, off the event loop
        if not path.is_file():
            raise HTTPException(503, f"the browser library {name} is not installed on this server: {FIX}")
        vary = {"Vary": "Accept-Encoding"}
        if accepts_brotli(request.headers.get("accept-encoding", "")):
            copy = copies.copy_of(path)
            if copy is not None:
                return FileResponse(copy, media_type=media, headers={**vary, "Content-Encoding": "br"})
        return FileResponse(path, media_type=media, headers=vary)

    return serve


def _serve_precompressed(app: FastAPI, settings: Settings, copies: BrotliCopies) -> None:
    """Routes ahead of the package's mount for its largest files: the Brotli copy when the browser
    accepts it and the copy is made, else the file (gzipped by the middleware when accepted)."""
    for name, files in PRECOMPRESSED.items():
        folder = vendor_path(settings, name)
        for file, media in files.items():
            app.add_api_route(f"/static/vendor/{name}/{file}", _precompressed_route(copies, name, folder / file, media),
                              methods=["GET"], include_in_schema=False, name=f"vendor-{name}-{file}")


def install(app: FastAPI, settings: Settings) -> None:
    _serve_precompressed(app, settings, BrotliCopies(settings.home / "cache" / "static-br"))
    missing = [name for name in VENDOR_FILES if not _serve_files(app, settings, name)]
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

    cache = settings.home / "cache" / "static-js"
    app.state.map_bundle = bundles.build(cache, vendor_dir(settings))
    cache.mkdir(parents=True, exist_ok=True)
    app.mount(bundles.URL_PREFIX, StaticFiles(directory=cache), name="bundle")  # ahead of /static
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
