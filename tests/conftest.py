"""Shared fixtures: a real PostGIS, throwaway databases, the demo, and apps built per test.

The server is DATABASE_URL's when set, else the embedded cluster (started if needed): that, and
only that, comes from the caller's environment. The settings the tests' apps run with do not (a
developer's NTM_* variables must not change what a test sees). One template database per session
holds the migrated schema and a small demo province; tests that write get their own copy
(CREATE DATABASE … TEMPLATE), so every test starts from the same state.

Tiers (markers, `make test-fast`): each test is marked here from the fixtures it uses, so no test
has to remember its tier. `db` needs the PostgreSQL server, `browser` Chromium, `unit` neither;
`slow` is set by hand on tests measured over ~5 s.
"""
from __future__ import annotations

import os
import types
import uuid
from contextlib import ExitStack

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from layers.db import migrate
from layers.jobs.bulk import bulk_session
from layers.db.settings import Settings
from layers.db.engines import sync_engine
from tests.support import DEMO_HOUSEHOLDS, DEMO_SEED, isolated_settings, started_client

DEMO_RASTER_SCALE = 4.0  # the demo rasters of the tests: 200 m land cover, 9.6 m imagery



def _with_db(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


DB_FIXTURES = {"server_url"}  # every database fixture is built on it
BROWSER_FIXTURES = {"browser"}


def _starts_playwright(module) -> bool:
    names = [v.__name__ if isinstance(v, types.ModuleType) else v.__module__
             for v in vars(module).values() if isinstance(v, (types.ModuleType, types.FunctionType, type))]
    return any(name.split(".")[0] == "playwright" for name in names)


def _drives_a_browser(item) -> bool:
    module = getattr(item, "module", None)  # or starts Playwright itself
    return bool(BROWSER_FIXTURES & set(getattr(item, "fixturenames", ()))) or (
        module is not None and _starts_playwright(module))


def pytest_collection_modifyitems(config, items):
    for item in items:
        marked = {m.name for m in item.iter_markers()}
        browser = "browser" in marked or _drives_a_browser(item)
        db = "db" in marked or bool(DB_FIXTURES & set(getattr(item, "fixturenames", ())))
        if browser and "browser" not in marked:
            item.add_marker(pytest.mark.browser)
        if db and "db" not in marked:
            item.add_marker(pytest.mark.db)
        if not browser and not db:
            item.add_marker(pytest.mark.unit)


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    return isolated_settings(tmp_path_factory.mktemp("ntm-home"))


@pytest.fixture
def app_client(settings):
    """app_client(db, **overrides) → a started TestClient of an app on database `db` with the
    tests' settings changed by `overrides` (`settings=` another base); closed after the test."""
    with ExitStack() as clients:
        def start(db: str, *, settings: Settings = settings, raise_server_exceptions: bool = True, **overrides):
            return clients.enter_context(started_client(settings, db, raise_server_exceptions=raise_server_exceptions,
                                                        **overrides))

        yield start


@pytest.fixture(scope="session")
def server_url() -> str:
    """URL of a database on the test server, used to create and drop test databases: DATABASE_URL
    when set (how CI points the tests at a server), else the embedded cluster as the caller's
    environment configures it (NTM_HOME, NTM_DB_PORT), as `ntm-map db up` started it."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    from layers.db.cluster import Cluster

    return Cluster(Settings()).up()


@pytest.fixture(scope="session")
def admin(server_url):
    conn = psycopg.connect(_with_db(server_url, "postgres"), autocommit=True)
    yield conn
    conn.close()


class Databases:
    """Creates databases named ntm_test_<run>_<n> and drops them all at the end."""

    def __init__(self, admin, server_url):
        self.admin, self.server_url = admin, server_url
        self.run = uuid.uuid4().hex[:8]
        self.created: list[str] = []

    def create(self, template: str | None = None) -> str:
        name = f"ntm_test_{self.run}_{len(self.created)}"
        stmt = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            stmt += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        self.admin.execute(stmt)
        self.created.append(name)
        return _with_db(self.server_url, name)

    def drop_all(self):
        for name in reversed(self.created):
            self.admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def databases(admin, server_url):
    dbs = Databases(admin, server_url)
    yield dbs
    dbs.drop_all()


@pytest.fixture
def empty_db(databases) -> str:
    """A new database with nothing in it (not even PostGIS)."""
    return databases.create()


@pytest.fixture(scope="session")
def schema_template(databases, settings) -> str:
    url = databases.create()
    engine = sync_engine(settings, url)
    migrate.upgrade(engine)
    engine.dispose()
    return make_url(url).database


@pytest.fixture(scope="session")
def demo_template(databases, settings, schema_template) -> str:
    from layers.db.engines import connection
    from layers.jobs.bulk import analyze
    from layers.jobs.demo import load_demo

    url = databases.create(template=schema_template)
    with connection(url) as conn:
        with bulk_session(conn, "demo", "tests") as report:
            # With the demo's harvest lots, as `ntm-map load demo` makes it: tests that write lots of
            # their own count theirs, not every lot there is.
            counts = load_demo(conn, seed=DEMO_SEED, n_households=DEMO_HOUSEHOLDS, progress=False, log=lambda m: None)
            report.update(rows_loaded=sum(counts.values()))
        analyze(conn)
    return make_url(url).database


@pytest.fixture(scope="session")
def demo_rasters(databases, demo_template, settings, tmp_path_factory) -> types.SimpleNamespace:
    """A template database: the small demo plus its five rasters (layers.jobs.demo.rasters, grids
    DEMO_RASTER_SCALE times coarser), the COGs under `.settings`' own raster_dir. Copy it with
    `databases.create(template=demo_rasters.template)` and run apps with `demo_rasters.settings`;
    do not replace these rasters in a copy (the files are shared by every copy)."""
    from layers.db.engines import connection
    from layers.jobs.demo.rasters import make_demo_rasters
    from tests.support import with_overrides

    own = with_overrides(settings, raster_dir=tmp_path_factory.mktemp("demo-rasters"))
    url = databases.create(template=demo_template)
    with connection(url) as conn:
        make_demo_rasters(conn, own, seed=DEMO_SEED, scale=DEMO_RASTER_SCALE, log=lambda m: None)
    return types.SimpleNamespace(template=make_url(url).database, url=url, settings=own)


@pytest.fixture(scope="module")
def shared_demo(databases, demo_template) -> str:
    """A demo database that the tests of one module only read (one copy per module, not per test)."""
    return databases.create(template=demo_template)


@pytest.fixture
def schema_db(databases, schema_template) -> str:
    """A migrated, empty database of its own."""
    return databases.create(template=schema_template)


@pytest.fixture
def demo_db(databases, demo_template) -> str:
    """A database of its own holding the small demo province (writes are fine)."""
    return databases.create(template=demo_template)


@pytest.fixture
def demo_conn(demo_db):
    with psycopg.connect(demo_db) as conn:
        yield conn
