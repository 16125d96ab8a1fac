"""Tourism listings written by promoters, moderated by province tourism staff (issue 14).

Revision ID: 0013
Revises: 0012

* Role `tourism_staff` (province tourism staff: moderate listings in their --area, reassign owners).
* `tourism_places`, `tourism_routes` and the new `tourism_events` each gain:
  - `owner_id`: the `private.users.id` of the promoter who created or was given the listing.
    Kept by triggers raising foreign_key_violation (an unknown account; deleting an account that
    owns listings), not by a FOREIGN KEY, so no TRUNCATE … CASCADE of the layers or accounts
    reaches the other side (the same choice as cooperative accounts, migration 0011).
  - `status`: draft, submitted, published, unpublished. Rows that exist (and bulk loads) are
    published; the API creates drafts. `ntm_tourism_rules` refuses a step the lifecycle does not
    have (NTT01): draft → submitted → published → unpublished → submitted, and submitted → draft
    (sent back by a moderator).
  - `pending`: a revision of a published listing awaiting moderation (its changed fields and
    geometry as JSON, the published row staying as it is until a moderator applies it); only a
    published listing holds one (CHECK). `status_note`: the last moderation note.
  - `row_version` (ETag/If-Match, the growing areas' trigger), history and layer versions: the
    version goes up only when a published row changes (migration 0007's function), so a draft
    saved by a promoter leaves public ETags and cached tiles alone.
* Names in Vietnamese and English, either may be missing but not both (CHECK). Places gain Zalo
  and Facebook links (https on zalo.me / facebook.com, CHECK), a price range, parking and step-free
  access next to Wi-Fi, the months of their season, and linked OCOP products and cooperatives
  (ids checked by the rules trigger: NTT03). Routes gain a `commune_code` (the commune of their
  start, filled when not given) so a promoter's area scope applies to them as to places.
* `tourism_events`: festivals and harvest seasons with dates (ends_on ≥ starts_on, at most a year
  long), a point, optionally the place they happen at.
"""
from alembic import op
import geoalchemy2
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from layers.db.migrations import ddl_0001 as ddl

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

OLD_ROLES = ("admin", "province_staff", "commune_staff", "tourism_promoter", "viewer", "cooperative")
ROLES = OLD_ROLES + ("tourism_staff",)
STATUSES = ("draft", "submitted", "published", "unpublished")
PRICE_RANGES = ("free", "budget", "moderate", "upscale")
EVENT_KINDS = ("festival", "harvest_season", "market", "other")
TABLES = ("tourism_places", "tourism_routes", "tourism_events")
# layers.read.registry: the tourism layers' public_filter {"status": ("published",)}.
PUBLIC = ("status", ("published",))
ZALO = r"^https://(www\.)?zalo\.me/[A-Za-z0-9._/-]{1,200}$"
FACEBOOK = r"^https://(www\.|m\.|web\.)?(facebook\.com|fb\.com|fb\.me)/[A-Za-z0-9._/?=&%-]{1,250}$"


def _in(column: str, codes) -> str:
    return f"{column} IN (" + ", ".join(f"'{c}'" for c in codes) + ")"


NAMED = "(length(btrim(coalesce(name_vi, ''))) > 0 OR length(btrim(coalesce(name_en, ''))) > 0)"

RULES_FUNCTION = """
CREATE FUNCTION ntm_tourism_rules() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  missing integer;
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.status IS DISTINCT FROM OLD.status AND NOT (
       (OLD.status = 'draft' AND NEW.status = 'submitted')
    OR (OLD.status = 'submitted' AND NEW.status IN ('draft', 'published'))
    OR (OLD.status = 'published' AND NEW.status = 'unpublished')
    OR (OLD.status = 'unpublished' AND NEW.status = 'submitted')) THEN
    RAISE EXCEPTION 'a % listing cannot become %', OLD.status, NEW.status
      USING ERRCODE = 'NTT01', DETAIL = json_build_object('from', OLD.status, 'to', NEW.status)::text;
  END IF;
  IF NEW.owner_id IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.owner_id IS DISTINCT FROM OLD.owner_id)
     AND NOT EXISTS (SELECT 1 FROM private.users u WHERE u.id = NEW.owner_id) THEN
    RAISE EXCEPTION 'no account %', NEW.owner_id USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF TG_TABLE_NAME = 'tourism_places' THEN
    SELECT count(*) INTO missing FROM unnest(NEW.ocop_product_ids) AS i(id)
    WHERE NOT EXISTS (SELECT 1 FROM ocop_products p WHERE p.id = i.id);
    IF missing > 0 THEN
      RAISE EXCEPTION 'a linked OCOP product does not exist' USING ERRCODE = 'NTT03',
        DETAIL = json_build_object('field', 'ocop_product_ids')::text;
    END IF;
    SELECT count(*) INTO missing FROM unnest(NEW.cooperative_ids) AS i(id)
    WHERE NOT EXISTS (SELECT 1 FROM cooperatives c WHERE c.id = i.id);
    IF missing > 0 THEN
      RAISE EXCEPTION 'a linked cooperative does not exist' USING ERRCODE = 'NTT03',
        DETAIL = json_build_object('field', 'cooperative_ids')::text;
    END IF;
  END IF;
  RETURN NEW;
END $$;
"""

ROUTE_COMMUNE_FUNCTION = """
CREATE FUNCTION ntm_tourism_route_commune() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.commune_code IS NULL THEN
    SELECT c.code INTO NEW.commune_code FROM communes c
    WHERE ST_Intersects(c.geom, ST_StartPoint(ST_GeometryN(NEW.geom, 1))) ORDER BY c.code LIMIT 1;
  END IF;
  RETURN NEW;
END $$;
"""

OWNED_ACCOUNTS_FUNCTION = """
CREATE FUNCTION ntm_tourism_owner_accounts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM public.tourism_places WHERE owner_id = OLD.id)
     OR EXISTS (SELECT 1 FROM public.tourism_routes WHERE owner_id = OLD.id)
     OR EXISTS (SELECT 1 FROM public.tourism_events WHERE owner_id = OLD.id) THEN
    RAISE EXCEPTION 'account % owns tourism listings: give them to someone else first', OLD.id
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN OLD;
END $$;
"""


def _listing_columns() -> list[sa.Column]:
    return [
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), server_default="published", nullable=False),
        sa.Column("status_note", sa.Text(), nullable=True),
        sa.Column("pending", postgresql.JSONB(), nullable=True),
        sa.Column("pending_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("row_version", sa.Integer(), server_default="1", nullable=False),
    ]


def _listing_checks(table: str) -> None:
    op.create_check_constraint(op.f(f"ck_{table}_status"), table, _in("status", STATUSES))
    op.create_check_constraint(op.f(f"ck_{table}_pending"), table,
                               "(pending IS NULL AND pending_at IS NULL) OR "
                               "(status = 'published' AND pending IS NOT NULL AND pending_at IS NOT NULL)")
    op.create_check_constraint(op.f(f"ck_{table}_named"), table, NAMED)
    op.create_index(op.f(f"ix_{table}_status"), table, ["status"])
    op.create_index(op.f(f"ix_{table}_owner_id"), table, ["owner_id"])


def _public_version_triggers(table: str) -> None:
    column, values = PUBLIC
    args = ", ".join(f"'{v}'" for v in (column, *values))
    op.execute(f"DROP TRIGGER ntm_version ON public.{table}")
    op.execute(f"CREATE TRIGGER ntm_version AFTER TRUNCATE ON public.{table} "
               "FOR EACH STATEMENT EXECUTE FUNCTION ntm_bump_layer_version()")
    for name, event, referencing in (("insert", "INSERT", "NEW TABLE AS ntm_new_rows"),
                                     ("update", "UPDATE", "OLD TABLE AS ntm_old_rows NEW TABLE AS ntm_new_rows"),
                                     ("delete", "DELETE", "OLD TABLE AS ntm_old_rows")):
        op.execute(f"CREATE TRIGGER ntm_version_{name} AFTER {event} ON public.{table} "
                   f"REFERENCING {referencing} FOR EACH STATEMENT "
                   f"EXECUTE FUNCTION ntm_bump_public_version({args})")


def upgrade() -> None:
    op.drop_constraint(op.f("ck_users_role"), "users", schema="private")
    op.create_check_constraint(op.f("ck_users_role"), "users", _in("role", ROLES), schema="private")

    # Places.
    for col in _listing_columns():
        op.add_column("tourism_places", col)
    op.alter_column("tourism_places", "name_vi", existing_type=sa.String(250), nullable=True)
    for col in (sa.Column("zalo", sa.String(length=300), nullable=True),
                sa.Column("facebook", sa.String(length=300), nullable=True),
                sa.Column("price_range", sa.String(length=20), nullable=True),
                sa.Column("parking", sa.Boolean(), server_default="false", nullable=False),
                sa.Column("accessible", sa.Boolean(), server_default="false", nullable=False),
                sa.Column("season_months", postgresql.ARRAY(sa.SmallInteger()), server_default="{}", nullable=False),
                sa.Column("ocop_product_ids", postgresql.ARRAY(sa.Integer()), server_default="{}", nullable=False),
                sa.Column("cooperative_ids", postgresql.ARRAY(sa.Integer()), server_default="{}", nullable=False)):
        op.add_column("tourism_places", col)
    _listing_checks("tourism_places")
    op.create_check_constraint(op.f("ck_tourism_places_zalo"), "tourism_places", f"zalo IS NULL OR zalo ~ '{ZALO}'")
    op.create_check_constraint(op.f("ck_tourism_places_facebook"), "tourism_places",
                               f"facebook IS NULL OR facebook ~ '{FACEBOOK}'")
    op.create_check_constraint(op.f("ck_tourism_places_price_range"), "tourism_places",
                               "price_range IS NULL OR " + _in("price_range", PRICE_RANGES))
    op.create_check_constraint(op.f("ck_tourism_places_season_months"), "tourism_places",
                               "season_months <@ ARRAY[1,2,3,4,5,6,7,8,9,10,11,12]::smallint[] "
                               "AND cardinality(season_months) <= 12")
    op.create_check_constraint(op.f("ck_tourism_places_links"), "tourism_places",
                               "cardinality(ocop_product_ids) <= 50 AND cardinality(cooperative_ids) <= 50")

    # Routes.
    for col in _listing_columns():
        op.add_column("tourism_routes", col)
    op.add_column("tourism_routes", sa.Column("commune_code", sa.String(length=10), nullable=True))
    op.alter_column("tourism_routes", "name_vi", existing_type=sa.String(250), nullable=True)
    _listing_checks("tourism_routes")
    op.create_index(op.f("ix_tourism_routes_commune_code"), "tourism_routes", ["commune_code"])
    op.execute(ROUTE_COMMUNE_FUNCTION)
    op.execute("CREATE TRIGGER ntm_tourism_route_commune BEFORE INSERT OR UPDATE OF geom, commune_code "
               "ON public.tourism_routes FOR EACH ROW EXECUTE FUNCTION ntm_tourism_route_commune()")
    # Routes loaded before this step: their start's commune (not a change anyone made: no history).
    op.execute("SELECT set_config('ntm.bulk_load', 'on', true)")
    op.execute("UPDATE tourism_routes SET commune_code = NULL WHERE commune_code IS NULL")
    op.execute("SELECT set_config('ntm.bulk_load', '', true)")

    # Events.
    op.create_table(
        "tourism_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("name_vi", sa.String(length=250), nullable=True),
        sa.Column("name_en", sa.String(length=250), nullable=True),
        sa.Column("description_vi", sa.Text(), nullable=True),
        sa.Column("description_en", sa.Text(), nullable=True),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("commune_code", sa.String(length=10), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("website", sa.String(length=300), nullable=True),
        *_listing_columns(),
        sa.Column("geom", geoalchemy2.types.Geometry(geometry_type="POINT", srid=4326, dimension=2,
                                                     from_text="ST_GeomFromEWKT", name="geometry",
                                                     spatial_index=False, nullable=False), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(_in("kind", EVENT_KINDS), name=op.f("ck_tourism_events_kind")),
        sa.CheckConstraint("starts_on >= DATE '2000-01-01' AND ends_on <= DATE '2200-12-31' "
                           "AND ends_on >= starts_on AND ends_on - starts_on <= 366",
                           name=op.f("ck_tourism_events_dates")),
        sa.ForeignKeyConstraint(["place_id"], ["tourism_places.id"], ondelete="SET NULL",
                                name=op.f("fk_tourism_events_place_id_tourism_places")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tourism_events")),
    )
    op.create_index("idx_tourism_events_geom", "tourism_events", ["geom"], postgresql_using="gist")
    op.create_index(op.f("ix_tourism_events_commune_code"), "tourism_events", ["commune_code"])
    op.create_index(op.f("ix_tourism_events_place_id"), "tourism_events", ["place_id"])
    op.create_index(op.f("ix_tourism_events_starts_on"), "tourism_events", ["starts_on", "ends_on"])
    _listing_checks("tourism_events")
    for stmt in ddl.trigger_statements("tourism_events", "public", ["id"], True):
        op.execute(stmt)

    op.execute(RULES_FUNCTION)
    op.execute(OWNED_ACCOUNTS_FUNCTION)
    for table in TABLES:
        _public_version_triggers(table)
        op.execute(f"CREATE TRIGGER ntm_row_version BEFORE UPDATE ON public.{table} "
                   "FOR EACH ROW EXECUTE FUNCTION ntm_bump_row_version()")
        op.execute(f"CREATE TRIGGER ntm_tourism_rules BEFORE INSERT OR UPDATE ON public.{table} FOR EACH ROW "
                   "WHEN (current_setting('ntm.bulk_load', true) IS DISTINCT FROM 'on') "
                   "EXECUTE FUNCTION ntm_tourism_rules()")
    op.execute("CREATE TRIGGER ntm_tourism_owner_accounts BEFORE DELETE ON private.users "
               "FOR EACH ROW EXECUTE FUNCTION ntm_tourism_owner_accounts()")


def downgrade() -> None:
    op.execute("DROP TRIGGER ntm_tourism_owner_accounts ON private.users")
    op.drop_table("tourism_events")
    for table in ("tourism_places", "tourism_routes"):
        op.execute(f"DROP TRIGGER ntm_tourism_rules ON public.{table}")
        op.execute(f"DROP TRIGGER ntm_row_version ON public.{table}")
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER ntm_version_{name} ON public.{table}")
        op.execute(f"DROP TRIGGER ntm_version ON public.{table}")
        op.execute(f"CREATE TRIGGER ntm_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON public.{table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION ntm_bump_layer_version()")
    op.execute("DROP FUNCTION ntm_tourism_owner_accounts()")
    op.execute("DROP FUNCTION ntm_tourism_rules()")
    op.execute("DROP TRIGGER ntm_tourism_route_commune ON public.tourism_routes")
    op.execute("DROP FUNCTION ntm_tourism_route_commune()")
    # The old schema needs a Vietnamese name: an English-only listing lends its English one.
    for table in ("tourism_places", "tourism_routes"):
        op.execute(f"UPDATE {table} SET name_vi = name_en WHERE name_vi IS NULL")
        op.alter_column(table, "name_vi", existing_type=sa.String(250), nullable=False)
        for ck in ("named", "pending", "status"):
            op.drop_constraint(op.f(f"ck_{table}_{ck}"), table)
        op.drop_index(op.f(f"ix_{table}_owner_id"), table_name=table)
        op.drop_index(op.f(f"ix_{table}_status"), table_name=table)
        for col in ("row_version", "pending_at", "pending", "status_note", "status", "owner_id"):
            op.drop_column(table, col)
    op.drop_index(op.f("ix_tourism_routes_commune_code"), table_name="tourism_routes")
    op.drop_column("tourism_routes", "commune_code")
    for ck in ("links", "season_months", "price_range", "facebook", "zalo"):
        op.drop_constraint(op.f(f"ck_tourism_places_{ck}"), "tourism_places")
    for col in ("cooperative_ids", "ocop_product_ids", "season_months", "accessible", "parking", "price_range",
                "facebook", "zalo"):
        op.drop_column("tourism_places", col)
    op.execute("DELETE FROM private.users WHERE role = 'tourism_staff'")  # the old schema has no such role
    op.drop_constraint(op.f("ck_users_role"), "users", schema="private")
    op.create_check_constraint(op.f("ck_users_role"), "users", _in("role", OLD_ROLES), schema="private")
