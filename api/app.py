"""The app factory: settings in, app out. Nothing is read from the environment at import."""
from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.templating import Jinja2Templates

from api import errors
from api.routes import collections, health, landing
from layers.config import Settings
from layers.db import async_engine, database_url
from layers.stats import CountCache

HERE = Path(__file__).parent


def create_app(settings: Settings, url: str | None = None) -> FastAPI:
    """`url` lets tests point an app at their own throwaway database."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.engine = async_engine(settings, url or database_url(settings))
        yield
        await app.state.engine.dispose()

    app = FastAPI(
        title="ntm-map", version="0.1.0", lifespan=lifespan,
        description="Bản đồ số nông thôn mới — digital map for New Rural Development.",
    )
    app.state.settings = settings
    app.state.counts = CountCache()
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    errors.install(app)
    for module in (landing, health, collections):
        app.include_router(module.router)
    return app
