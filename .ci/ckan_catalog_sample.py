"""Writes the DCAT catalog of a fresh demo release into a folder, for .ci/ckan-harvest-check.sh.

Runs in the project's venv: a throwaway database (migrated, small demo province) on the
configured server, `publish` without PMTiles into a temporary open-data folder, then the catalog
exactly as /opendata/catalog.ttl and .jsonld serve it. The database is dropped at the end.
"""
from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from layers.db import migrate
from layers.jobs.bulk import bulk_session
from layers.db.settings import Settings
from layers.db.engines import sync_engine
from layers.jobs.demo import load_demo
from layers.jobs.opendata import catalog, store
from layers.jobs.opendata.release import publish
from tiles.pmtiles_export import pmtiles_writer, writer_key

BASE = "https://data.example.vn"


def main(out: Path) -> None:
    settings = Settings(opendata_dir=out / "opendata", opendata_base_url=BASE, pmtiles_max_zoom=8)
    server = os.environ.get("DATABASE_URL")
    if not server:
        from layers.db.cluster import Cluster
        server = Cluster(settings).up()
    name = f"ntm_ckan_check_{uuid.uuid4().hex[:8]}"
    admin_url = make_url(server).set(database="postgres").render_as_string(hide_password=False)
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            engine = sync_engine(settings, url)
            migrate.upgrade(engine)
            engine.dispose()
            with psycopg.connect(url) as conn:
                with bulk_session(conn, "demo", "ckan check") as report:
                    counts = load_demo(conn, seed=7, n_households=2_000, progress=False, log=lambda m: None)
                    report.update(rows_loaded=sum(counts.values()))
            result = publish(settings, url, extra=pmtiles_writer(settings), extra_key=writer_key(settings))
            if result.version is None:
                sys.exit(f"publish wrote no release: {result.message}")
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    man = store.manifest(settings, result.version)
    for kind, suffix in (("turtle", "ttl"), ("jsonld", "jsonld"), ("xml", "rdf")):
        (out / f"catalog.{suffix}").write_text(catalog.serialize(man, BASE, settings, kind))
    print(f"release {result.version}: {len(man['datasets'])} datasets, catalog in {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
