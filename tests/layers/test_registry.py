"""The registry is the only door to public data: personal fields are never among its properties."""
from __future__ import annotations

import psycopg

from layers.read.registry import LAYERS, get
from layers.read.relations import count_statement

PERSONAL = {"head_name", "phone", "national_id", "members", "poverty_status", "monthly_income_vnd",
            "owner_name", "owner_phone"}


def test_household_and_owner_personal_fields_are_not_public():
    assert PERSONAL.isdisjoint(get("households").property_names)
    assert {"owner_name", "owner_phone"}.isdisjoint(get("growing_areas").property_names)


def test_every_layer_relation_and_property_exists(demo_db):
    with psycopg.connect(demo_db) as conn:
        for layer in LAYERS:
            cols = {r[0] for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s",
                (layer.table,))}
            assert cols, f"{layer.id}: no relation {layer.table}"
            assert set(layer.property_names) | {"geom", layer.id_column} <= cols, layer.id


def test_only_granted_growing_areas_are_public(demo_db):
    from sqlalchemy import create_engine
    from layers.db.engines import _with_driver

    engine = create_engine(_with_driver(demo_db, "psycopg"))
    with engine.connect() as conn, psycopg.connect(demo_db) as raw:
        public = conn.execute(count_statement(get("growing_areas"))).scalar_one()
        granted_like = raw.execute(
            "SELECT count(*) FROM growing_areas WHERE status IN ('granted','suspended','revoked','expired')").fetchone()[0]
        drafts = raw.execute("SELECT count(*) FROM growing_areas WHERE status = 'draft'").fetchone()[0]
    engine.dispose()
    assert public == granted_like and drafts > 0
