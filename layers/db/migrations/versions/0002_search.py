"""Search: accent-insensitive name matching and code-prefix lookups.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 18:00:00

People type "Do Luong" for "Đô Lương", so names are compared folded (no diacritics, lower case)
through `ntm_fold`, with trigram indexes for prefix, substring and fuzzy matches. Index
expressions must be IMMUTABLE, and `unaccent` is only STABLE (its dictionary could change), so
the wrapper declares the folding immutable and names the dictionary by schema, which makes the
result independent of the caller's search_path.

Codes are looked up by prefix as range scans on C-collated btrees (a generic plan with a bound
prefix still uses them; LIKE 'x%' needs a literal pattern and the "C" collation to do the same).
Growing-area codes are keyed without separators (`ntm_code_key`), so "vn4017479" finds
"VN-40-17479-0004".
"""
from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

EXTENSIONS = ("unaccent", "pg_trgm")

# (index name, table, indexed expression): trigram GIN indexes over folded names.
TRIGRAM = [
    ("ix_admin_units_name_vi_fold", "admin_units", "name_vi"),
    ("ix_admin_units_full_name_vi_fold", "admin_units", "full_name_vi"),
    ("ix_villages_name_fold", "villages", "name"),
    ("ix_tourism_places_name_vi_fold", "tourism_places", "name_vi"),
    ("ix_tourism_places_name_en_fold", "tourism_places", "name_en"),
    ("ix_growing_areas_name_fold", "growing_areas", "name"),
]
BTREE = [
    ("ix_households_address_code_c", "households", 'address_code COLLATE "C"'),
    ("ix_growing_areas_code_key", "growing_areas", '(ntm_code_key(code)) COLLATE "C"'),
]


def _schema_of(extension: str) -> str:
    """The extension may predate us in another schema (some hosts use `extensions`)."""
    return op.get_bind().execute(sa.text(
        "SELECT quote_ident(n.nspname) FROM pg_extension e "
        "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = :name"
    ), {"name": extension}).scalar_one()


def upgrade() -> None:
    for ext in EXTENSIONS:
        op.execute(f"CREATE EXTENSION IF NOT EXISTS {ext}")
    s = _schema_of("unaccent")
    # unaccent's rules map Đ/đ to D/d and drop combining marks, so decomposed input folds too;
    # lower() after unaccent only meets ASCII, so it is right under any collation.
    op.execute(f"""
        CREATE FUNCTION ntm_fold(text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT lower({s}.unaccent('{s}.unaccent'::regdictionary, $1)) $$
    """)
    op.execute("""
        CREATE FUNCTION ntm_code_key(text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT regexp_replace(upper($1), '[^0-9A-Z]', '', 'g') $$
    """)
    trgm = _schema_of("pg_trgm")
    for name, table, column in TRIGRAM:
        op.execute(f"CREATE INDEX {name} ON {table} USING gin (ntm_fold({column}) {trgm}.gin_trgm_ops)")
    for name, table, expression in BTREE:
        op.execute(f"CREATE INDEX {name} ON {table} ({expression})")


def downgrade() -> None:
    for name, _, _ in BTREE + TRIGRAM:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.execute("DROP FUNCTION IF EXISTS ntm_code_key(text)")
    op.execute("DROP FUNCTION IF EXISTS ntm_fold(text)")
    # The extensions go too, unless something else has come to depend on them since.
    for ext in EXTENSIONS:
        op.execute(f"""
            DO $$ BEGIN DROP EXTENSION IF EXISTS {ext};
            EXCEPTION WHEN dependent_objects_still_exist THEN
                RAISE NOTICE 'extension {ext} kept: other objects use it';
            END $$
        """)
