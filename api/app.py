"""The app factory: settings in, app out. Nothing is read from the environment at import."""
from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.templating import Jinja2Templates

from api import errors
from api.http.edge import Edge
from api.http.host_check import HostCheck, allowed_hosts, trust_proxies
from api.http.limits import ClientSlots, slots_dir
from api.http.methods import AllowedMethods, HeadAsGet
from api.http.security_headers import SecurityHeaders
from api.http.tile_responses import GzipMemo, TileFastPath
from api.pages import static_files, template_words
from api.pages.opendata_cache import Releases
from api.routes import (
    api_docs, auth, collections, conformance, features, growing_areas, growing_staff, growing_uploads, health,
    landing, map, opendata, rasters, search, staff_pages, tiles, tourism,
)
from api.routes import raster_stats
from api.routes import certificates, labels
from api.routes import lot_scans, trace
from api.routes import cooperatives, lots, product_photos
from api.routes import lot_staff_pages
from api.routes import tourism_staff_pages, tourism_writes
from api.routes import address_page, plates, address_campaign
from api.routes import household_writes
from api.routes import address_staff_pages
from api.routes import sitemap, tourism_photos, tourism_route_files, tourism_share
from layers.background import stop as stop_background
from layers.db.engines import async_engine, database_url, health_engine, stream_engine
from layers.db.settings import Settings
from layers.jobs.rasters import zonal_refresh
from layers.read.collection import Collections
from layers.read.rasters import RasterRegistry
from layers.read.stats import LayerStats
from layers.write.growing import expiry as growing_expiry
from layers.write.scans import ScanCounter
from tiles.raster.service import RasterTileService
from tiles.service import TileService

HERE = Path(__file__).parent


def create_app(settings: Settings, url: str | None = None) -> FastAPI:
    """`url` lets tests point an app at their own throwaway database."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        db = url or database_url(settings)
        app.state.engine = async_engine(settings, db)
        app.state.stream_engine = stream_engine(settings, db)  # big pages: a pool of their own
        app.state.health_engine = health_engine(settings, db)
        app.state.collections = Collections(app.state.engine, app.state.stream_engine, app.state.stats)
        app.state.client_slots = ClientSlots(slots_dir(settings, db))
        expiry = await growing_expiry.start(app.state.engine, settings)  # codes past their date
        zonal = zonal_refresh.start(settings, db)  # raster statistics of edited areas, in a thread
        yield
        await stop_background(zonal)
        app.state.raster_tiles.close()
        await stop_background(expiry)
        for engine in (app.state.engine, app.state.stream_engine, app.state.health_engine):
            await engine.dispose()

    app = FastAPI(
        title="ntm-map", version="0.1.0", lifespan=lifespan,
        description="Bản đồ số nông thôn mới — digital map for New Rural Development.",
        openapi_url=None, docs_url=None, redoc_url=None,  # /api and /docs: api.routes.api_docs, no CDN
    )
    app.state.settings = settings
    app.state.stats = LayerStats()
    app.state.tiles = TileService(settings)
    app.state.rasters = RasterRegistry(settings)  # raster rows, read again when the table changes
    app.state.raster_tiles = RasterTileService(settings)  # raster tiles on a bounded thread pool
    app.state.releases = Releases(settings)  # open data: read again only when a release comes or goes
    app.state.scans = ScanCounter()  # scans of lot labels, once per client, lot and day (issue 15)
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    errors.install(app)
    app.add_middleware(AllowedMethods, routes_of=app)  # OPTIONS → Allow; 405s name every method
    # Public, read-only data: any web page may read it (writes will need credentials, not origins).
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "HEAD", "OPTIONS"],
                       expose_headers=["ETag", "Content-Crs", "Link", "X-Request-Id"])
    app.add_middleware(GZipMiddleware, minimum_size=1024)  # only when the client asks for it
    app.state.gzip = GzipMemo()
    app.add_middleware(TileFastPath, state=app.state)  # runs before the two above
    app.add_middleware(HeadAsGet)  # HEAD = GET's headers, no body
    app.add_middleware(HostCheck, hosts=allowed_hosts(settings))  # links are built from Host
    app.add_middleware(SecurityHeaders, settings=settings)  # CSP, nosniff, Referrer-Policy
    trust_proxies(app, settings)  # X-Forwarded-* only from settings.trusted_proxies
    app.add_middleware(Edge, send_timeout_s=settings.send_timeout_s)  # outermost: request id, send timeout, 500
    for module in (landing, conformance, api_docs, health, collections, features, tiles, search, auth, map, tourism,
                   growing_areas, growing_staff, growing_uploads, staff_pages, opendata, rasters):
        app.include_router(module.router)
    app.include_router(raster_stats.router)  # zonal statistics of rasters (issue 13)
    app.include_router(labels.router)  # QR label sheets of harvest lots (issue 15)
    app.include_router(certificates.router)  # growing-area certificates (issue 15)
    app.include_router(trace.router)  # the lot resolver and trace page (issue 15)
    app.include_router(lot_scans.router)  # a lot's scans for its cooperative (issue 15)
    for module in (lots, cooperatives, product_photos):  # cooperative accounts' writes (issue 15)
        app.include_router(module.router)
    app.include_router(lot_staff_pages.router)  # the cooperative's page, /staff/lots (issue 15)
    app.include_router(tourism_writes.router)  # tourism listings: promoters' writes, moderation (issue 14)
    app.include_router(tourism_staff_pages.router)  # the promoters' page /staff/tourism (issue 14)
    app.include_router(address_page.router)  # public address pages /a/{code} (issue 16)
    app.include_router(plates.router)  # a village's address plates (issue 16)
    app.include_router(address_campaign.router)  # coverage and the campaign page for staff (issue 16)
    app.include_router(household_writes.router)  # field editing of household points (issue 16)
    app.include_router(address_staff_pages.router)  # the field page /staff/addresses (issue 16)
    for module in (tourism_photos, tourism_route_files, tourism_share, sitemap):  # tourism media, pages (issue 14)
        app.include_router(module.router)
    static_files.install(app, settings)
    template_words.install(app)
    return app


def app_from_environment() -> FastAPI:
    """For `ntm-map serve --workers N`: each worker process builds its settings and app itself."""
    return create_app(Settings())
