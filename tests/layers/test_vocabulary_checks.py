"""The database keeps each coded column to geo.vocabulary's codes: the CHECK constraints the
migrations leave list exactly the vocabulary, so a code added there without a migration (or a
migration without the vocabulary) fails here rather than on the first write."""
from __future__ import annotations

import re

import psycopg

from geo import vocabulary as vocab

CHECKED = {  # (table, constraint) → the vocabulary its values come from
    ("admin_units", "ck_admin_units_level"): vocab.ADMIN_LEVELS,
    ("growing_areas", "ck_growing_areas_status"): vocab.GROWING_STATUSES,
    ("growing_areas", "ck_growing_areas_certification"): vocab.CERTIFICATIONS,
    ("ntm_assessments", "ck_ntm_assessments_level"): vocab.NTM_LEVELS,
    ("tourism_places", "ck_tourism_places_kind"): vocab.PLACE_KINDS,
    ("private.users", "ck_users_role"): vocab.ROLES,
    ("private.household_private", "ck_household_private_poverty_status"): vocab.POVERTY_STATUSES,
}


def test_the_migrated_checks_list_the_vocabulary(schema_db):
    with psycopg.connect(schema_db) as conn:
        rows = conn.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                            "FROM pg_constraint WHERE contype = 'c'").fetchall()
    defs = {(table, name): definition for table, name, definition in rows}
    for key, table in CHECKED.items():
        assert key in defs, f"no CHECK {key}"
        assert re.findall(r"'([^']*)'", defs[key]) == list(table), key
