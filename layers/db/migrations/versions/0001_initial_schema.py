"""Initial schema: every layer, history, versions, views.

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 16:34:22.068034
"""
from alembic import op
import geoalchemy2
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from layers.db.migrations import ddl_0001 as ddl

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

# (table, schema, primary-key columns, has updated_at): fixed at this revision on purpose,
# so later model changes cannot alter what this migration does.
EDITABLE = [
    ("admin_units", "public", ["id"], True),
    ("villages", "public", ["id"], True),
    ("households", "public", ["id"], True),
    ("household_private", "private", ["household_id"], True),
    ("cooperatives", "public", ["id"], True),
    ("growing_areas", "public", ["id"], True),
    ("agri_zones", "public", ["id"], True),
    ("ocop_products", "public", ["id"], True),
    ("tourism_places", "public", ["id"], True),
    ("tourism_routes", "public", ["id"], True),
    ("ntm_criteria_sets", "public", ["id"], True),
    ("ntm_criteria", "public", ["id"], True),
    ("ntm_assessments", "public", ["id"], True),
    ("ntm_assessment_criteria", "public", ["assessment_id", "criterion_id"], False),
]


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.execute("CREATE SCHEMA IF NOT EXISTS private")
    op.create_table('admin_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=True),
    sa.Column('parent_code', sa.String(length=10), nullable=True),
    sa.Column('name_vi', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=True),
    sa.Column('full_name_vi', sa.String(length=250), nullable=True),
    sa.Column('full_name_en', sa.String(length=250), nullable=True),
    sa.Column('valid_from', sa.Date(), server_default=sa.text("'2025-07-01'"), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=300), nullable=True),
    sa.Column('area_km2', sa.Float(), sa.Computed('ST_Area(geom::geography) / 1e6', persisted=True), nullable=False),
    sa.Column('geom', geoalchemy2.types.Geometry(geometry_type='MULTIPOLYGON', srid=4326, dimension=2, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("level IN ('province', 'district', 'commune')", name=op.f('ck_admin_units_level')),
    sa.CheckConstraint('valid_to IS NULL OR valid_to > valid_from', name=op.f('ck_admin_units_validity')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_units')),
    sa.UniqueConstraint('code', 'valid_from', name=op.f('uq_admin_units_code_valid_from'))
    )
    op.create_index(op.f('ix_admin_units_parent_code'), 'admin_units', ['parent_code'], unique=False)
    op.create_index('uq_admin_units_current_code', 'admin_units', ['code'], unique=True, postgresql_where=sa.text('valid_to IS NULL'))
    op.create_table('agri_zones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=250), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('land_use_code', sa.String(length=10), nullable=True),
    sa.Column('commune_code', sa.String(length=10), nullable=False),
    sa.Column('area_ha', sa.Float(), sa.Computed('ST_Area(geom::geography) / 1e4', persisted=True), nullable=False),
    sa.Column('geom', geoalchemy2.types.Geometry(geometry_type='MULTIPOLYGON', srid=4326, dimension=2, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agri_zones'))
    )
    op.create_index(op.f('ix_agri_zones_commune_code'), 'agri_zones', ['commune_code'], unique=False)
    op.create_index(op.f('ix_agri_zones_kind'), 'agri_zones', ['kind'], unique=False)
    op.create_table('change_history',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('table_name', sa.String(length=63), nullable=False),
    sa.Column('row_id', sa.String(length=64), nullable=False),
    sa.Column('operation', sa.String(length=6), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('changed_by', sa.String(length=120), nullable=True),
    sa.Column('before', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('after', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_history'))
    )
    op.create_index('ix_change_history_row', 'change_history', ['table_name', 'row_id', 'changed_at'], unique=False)
    op.create_table('code_counters',
    sa.Column('scope', sa.String(length=80), nullable=False),
    sa.Column('last_serial', sa.Integer(), server_default='0', nullable=False),
    sa.PrimaryKeyConstraint('scope', name=op.f('pk_code_counters'))
    )
    op.create_table('cooperatives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=True),
    sa.Column('name', sa.String(length=250), nullable=False),
    sa.Column('commune_code', sa.String(length=10), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('main_products', sa.String(length=300), nullable=True),
    sa.Column('members', sa.Integer(), nullable=True),
    sa.Column('founded_year', sa.SmallInteger(), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('geom', geoalchemy2.types.Geometry(geometry_type='POINT', srid=4326, dimension=2, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cooperatives')),
    sa.UniqueConstraint('code', name=op.f('uq_cooperatives_code'))
    )
    op.create_index(op.f('ix_cooperatives_commune_code'), 'cooperatives', ['commune_code'], unique=False)
    op.create_table('import_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('table_name', sa.String(length=63), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('run_by', sa.String(length=120), nullable=True),
    sa.Column('rows_read', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rows_loaded', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rows_repaired', sa.Integer(), server_default='0', nullable=False),
    sa.Column('rows_rejected', sa.Integer(), server_default='0', nullable=False),
    sa.Column('report', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_runs'))
    )
    op.create_table('layer_versions',
    sa.Column('table_name', sa.String(length=63), nullable=False),
    sa.Column('version', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('table_name', name=op.f('pk_layer_versions'))
    )
    op.create_table('ntm_criteria_sets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name_vi', sa.String(length=300), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=True),
    sa.Column('period_start', sa.SmallInteger(), nullable=False),
    sa.Column('period_end', sa.SmallInteger(), nullable=False),
    sa.Column('legal_basis', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_ntm_criteria_sets_period')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ntm_criteria_sets')),
    sa.UniqueConstraint('code', name=op.f('uq_ntm_criteria_sets_code'))
    )
    op.create_table('tourism_places',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('name_vi', sa.String(length=250), nullable=False),
    sa.Column('name_en', sa.String(length=250), nullable=True),
    sa.Column('description_vi', sa.Text(), nullable=True),
    sa.Column('description_en', sa.Text(), nullable=True),
    sa.Column('commune_code', sa.String(length=10), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('website', sa.String(length=300), nullable=True),
    sa.Column('wifi', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('opening_hours', sa.String(length=200), nullable=True),
    sa.Column('photos', postgresql.JSONB(astext_type=sa.Text()), server_default='[]', nullable=False),
    sa.Column('geom', geoalchemy2.types.Geometry(geometry_type='POINT', srid=4326, dimension=2, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("kind IN ('homestay', 'craft_village', 'historic_site', 'scenic_spot', 'ecotourism', 'community_tourism', 'farm_experience', 'restaurant', 'festival')", name=op.f('ck_tourism_places_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tourism_places'))
    )
    op.create_index(op.f('ix_tourism_places_commune_code'), 'tourism_places', ['commune_code'], unique=False)
    op.create_index(op.f('ix_tourism_places_kind'), 'tourism_places', ['kind'], unique=False)
    op.create_table('tourism_routes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name_vi', sa.String(length=250), nullable=False),
    sa.Column('name_en', sa.String(length=250), nullable=True),
    sa.Column('description_vi', sa.Text(), nullable=True),
    sa.Column('description_en', sa.Text(), nullable=True),
    sa.Column('place_ids', sa.ARRAY(sa.Integer()), server_default='{}', nullable=False),
    sa.Column('duration_days', sa.Float(), nullable=True),
    sa.Column('length_km', sa.Float(), sa.Computed('ST_Length(geom::geography) / 1e3', persisted=True), nullable=False),
    sa.Column('geom', geoalchemy2.types.Geometry(geometry_type='MULTILINESTRING', srid=4326, dimension=2, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tourism_routes'))
    )
    op.create_table('villages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('commune_code', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=True),
    sa.Column('area_km2', sa.Float(), sa.Computed('ST_Area(geom::geography) / 1e6', persisted=True), nullable=False),
    sa.Column('geom', geoalchemy2.types.Geometry(geometry_type='MULTIPOLYGON', srid=4326, dimension=2, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_villages')),
    sa.UniqueConstraint('code', name=op.f('uq_villages_code'))
    )
    op.create_index(op.f('ix_villages_commune_code'), 'villages', ['commune_code'], unique=False)
    op.create_table('growing_areas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=True),
    sa.Column('name', sa.String(length=250), nullable=False),
    sa.Column('crop', sa.String(length=80), nullable=False),
    sa.Column('variety', sa.String(length=120), nullable=True),
    sa.Column('commune_code', sa.String(length=10), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('cooperative_id', sa.Integer(), nullable=True),
    sa.Column('owner_name', sa.String(length=200), nullable=True),
    sa.Column('owner_phone', sa.String(length=20), nullable=True),
    sa.Column('households_count', sa.Integer(), nullable=True),
    sa.Column('expected_output_tonnes', sa.Float(), nullable=True),
    sa.Column('certification', sa.String(length=20), server_default='none', nullable=False),
    sa.Column('farming_diary', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('residue_monitoring', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('target_markets', sa.ARRAY(sa.String(length=40)), server_default='{}', nullable=False),
    sa.Column('status', sa.String(length=20), server_default='draft', nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('area_ha', sa.Float(), sa.Computed('ST_Area(geom::geography) / 1e4', persisted=True), nullable=False),
    sa.Column('geom', geoalchemy2.types.Geometry(geometry_type='MULTIPOLYGON', srid=4326, dimension=2, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("certification IN ('none', 'VietGAP', 'GlobalGAP', 'organic')", name=op.f('ck_growing_areas_certification')),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'inspected') OR code IS NOT NULL", name=op.f('ck_growing_areas_code_once_granted')),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'inspected', 'granted', 'suspended', 'revoked', 'expired')", name=op.f('ck_growing_areas_status')),
    sa.CheckConstraint('valid_to IS NULL OR valid_from IS NULL OR valid_to > valid_from', name=op.f('ck_growing_areas_validity')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_growing_areas_cooperative_id_cooperatives')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_growing_areas')),
    sa.UniqueConstraint('code', name=op.f('uq_growing_areas_code'))
    )
    op.create_index(op.f('ix_growing_areas_commune_code'), 'growing_areas', ['commune_code'], unique=False)
    op.create_index(op.f('ix_growing_areas_crop'), 'growing_areas', ['crop'], unique=False)
    op.create_index(op.f('ix_growing_areas_status'), 'growing_areas', ['status'], unique=False)
    op.create_table('households',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('address_code', sa.String(length=16), nullable=False),
    sa.Column('plus_code', sa.String(length=16), nullable=True),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('commune_code', sa.String(length=10), nullable=False),
    sa.Column('geom', geoalchemy2.types.Geometry(geometry_type='POINT', srid=4326, dimension=2, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['village_id'], ['villages.id'], name=op.f('fk_households_village_id_villages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_households')),
    sa.UniqueConstraint('address_code', name=op.f('uq_households_address_code'))
    )
    op.create_index(op.f('ix_households_commune_code'), 'households', ['commune_code'], unique=False)
    op.create_index(op.f('ix_households_village_id'), 'households', ['village_id'], unique=False)
    op.create_table('ntm_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commune_code', sa.String(length=10), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('set_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=10), server_default='not_met', nullable=False),
    sa.Column('decision_ref', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("level IN ('not_met', 'standard', 'advanced', 'model')", name=op.f('ck_ntm_assessments_level')),
    sa.ForeignKeyConstraint(['set_id'], ['ntm_criteria_sets.id'], name=op.f('fk_ntm_assessments_set_id_ntm_criteria_sets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ntm_assessments')),
    sa.UniqueConstraint('commune_code', 'year', name=op.f('uq_ntm_assessments_commune_code_year'))
    )
    op.create_index(op.f('ix_ntm_assessments_commune_code'), 'ntm_assessments', ['commune_code'], unique=False)
    op.create_table('ntm_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('set_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.SmallInteger(), nullable=False),
    sa.Column('name_vi', sa.String(length=300), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['set_id'], ['ntm_criteria_sets.id'], name=op.f('fk_ntm_criteria_set_id_ntm_criteria_sets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ntm_criteria')),
    sa.UniqueConstraint('set_id', 'number', name=op.f('uq_ntm_criteria_set_id_number'))
    )
    op.create_table('ocop_products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=250), nullable=False),
    sa.Column('category', sa.String(length=80), nullable=False),
    sa.Column('stars', sa.SmallInteger(), nullable=False),
    sa.Column('score', sa.SmallInteger(), nullable=True),
    sa.Column('producer', sa.String(length=250), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=True),
    sa.Column('commune_code', sa.String(length=10), nullable=False),
    sa.Column('certified_year', sa.SmallInteger(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('geom', geoalchemy2.types.Geometry(geometry_type='POINT', srid=4326, dimension=2, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('score IS NULL OR score BETWEEN 0 AND 100', name=op.f('ck_ocop_products_score')),
    sa.CheckConstraint('stars BETWEEN 3 AND 5', name=op.f('ck_ocop_products_stars')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_ocop_products_cooperative_id_cooperatives')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ocop_products'))
    )
    op.create_index(op.f('ix_ocop_products_commune_code'), 'ocop_products', ['commune_code'], unique=False)
    op.create_table('ntm_assessment_criteria',
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('met', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['ntm_assessments.id'], name=op.f('fk_ntm_assessment_criteria_assessment_id_ntm_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['criterion_id'], ['ntm_criteria.id'], name=op.f('fk_ntm_assessment_criteria_criterion_id_ntm_criteria')),
    sa.PrimaryKeyConstraint('assessment_id', 'criterion_id', name=op.f('pk_ntm_assessment_criteria'))
    )
    op.create_table('household_private',
    sa.Column('household_id', sa.BigInteger(), nullable=False),
    sa.Column('head_name', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('national_id', sa.String(length=12), nullable=True),
    sa.Column('members', sa.SmallInteger(), nullable=True),
    sa.Column('poverty_status', sa.String(length=10), nullable=True),
    sa.Column('monthly_income_vnd', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("poverty_status IN ('none', 'near_poor', 'poor')", name=op.f('ck_household_private_poverty_status')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_household_private_household_id_households'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('household_id', name=op.f('pk_household_private')),
    schema='private'
    )
    op.execute("CREATE TABLE private.change_history (LIKE public.change_history INCLUDING ALL)")
    for stmt in (ddl.HISTORY_FUNCTION, ddl.VERSION_FUNCTION, ddl.TOUCH_FUNCTION, *ddl.VIEWS):
        op.execute(stmt)
    for table, schema, pk, touch in EDITABLE:
        for stmt in ddl.trigger_statements(table, schema, pk, touch):
            op.execute(stmt)


def downgrade() -> None:
    for view in ddl.VIEW_NAMES:
        op.execute(f"DROP VIEW IF EXISTS {view}")
    op.execute("DROP TABLE private.change_history")
    op.drop_table('household_private', schema='private')
    op.drop_table('ntm_assessment_criteria')
    op.drop_index(op.f('ix_ocop_products_commune_code'), table_name='ocop_products')
    op.drop_table('ocop_products')
    op.drop_table('ntm_criteria')
    op.drop_index(op.f('ix_ntm_assessments_commune_code'), table_name='ntm_assessments')
    op.drop_table('ntm_assessments')
    op.drop_index(op.f('ix_households_village_id'), table_name='households')
    op.drop_index(op.f('ix_households_commune_code'), table_name='households')
    op.drop_table('households')
    op.drop_index(op.f('ix_growing_areas_status'), table_name='growing_areas')
    op.drop_index(op.f('ix_growing_areas_crop'), table_name='growing_areas')
    op.drop_index(op.f('ix_growing_areas_commune_code'), table_name='growing_areas')
    op.drop_table('growing_areas')
    op.drop_index(op.f('ix_villages_commune_code'), table_name='villages')
    op.drop_table('villages')
    op.drop_table('tourism_routes')
    op.drop_index(op.f('ix_tourism_places_kind'), table_name='tourism_places')
    op.drop_index(op.f('ix_tourism_places_commune_code'), table_name='tourism_places')
    op.drop_table('tourism_places')
    op.drop_table('ntm_criteria_sets')
    op.drop_table('layer_versions')
    op.drop_table('import_runs')
    op.drop_index(op.f('ix_cooperatives_commune_code'), table_name='cooperatives')
    op.drop_table('cooperatives')
    op.drop_table('code_counters')
    op.drop_index('ix_change_history_row', table_name='change_history')
    op.drop_table('change_history')
    op.drop_index(op.f('ix_agri_zones_kind'), table_name='agri_zones')
    op.drop_index(op.f('ix_agri_zones_commune_code'), table_name='agri_zones')
    op.drop_table('agri_zones')
    op.drop_index('uq_admin_units_current_code', table_name='admin_units', postgresql_where=sa.text('valid_to IS NULL'))
    op.drop_index(op.f('ix_admin_units_parent_code'), table_name='admin_units')
    op.drop_table('admin_units')
    for fn in ("ntm_record_change", "ntm_bump_layer_version", "ntm_touch_updated_at"):
        op.execute(f"DROP FUNCTION IF EXISTS {fn}()")
    op.execute("DROP SCHEMA IF EXISTS private")
