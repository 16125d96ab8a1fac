"""Harvest lots (issue 15): cooperative accounts, GTINs checked by the database, lots and their areas.

Revision ID: 0011
Revises: 0010

* `private.users.role` gains `cooperative`; such an account holds `cooperative_id` (and only it
  does: CHECK `cooperative_scope`). The reference is kept by triggers raising foreign_key_violation
  (an unknown cooperative; deleting one an account acts for), not by a FOREIGN KEY: the demo's
  `TRUNCATE cooperatives … CASCADE` (load demo --replace) would otherwise empty private.users,
  and with it every account, token and session.
* `ocop_products.gtin`: 14 digits (GTIN-8/12/13 padded with leading zeros), the GS1 check digit
  verified by the immutable `ntm_gtin_valid(text)` inside a CHECK, so psql, the CLI and the API
  all meet the same rule. Unique: a GTIN names one product.
* `harvest_lots` (public): the product must belong to the lot's cooperative (a composite foreign
  key onto `ocop_products (id, cooperative_id)`), the lot code is a GS1 AI 10 value (1-20
  characters of set 82, unique per product), the harvest date lies between 2000-01-01 and the day
  the lot was registered (Vietnam time), a certification has a validity that covers the harvest
  (refused otherwise: a label must not claim a certificate that did not hold), a recalled lot has
  a reason and time. `ntm_harvest_lot_rules`: the lot's identity (cooperative, product, lot code)
  never changes (NT012), a recalled lot never changes (NT013), a lot is never deleted (NT014).
* A confidential quantity lives in `private.harvest_lot_private`, with who registered and last
  changed the lot (filled by triggers from `ntm.actor`): the public row and its history hold no
  user and no confidential quantity. The public `quantity` is NULL exactly when it is confidential.
* `harvest_lot_areas`: `ntm_harvest_lot_area_rules` refuses an area not linked to the lot's
  cooperative (NT010) or not granted on the harvest date (NT011), and records that status
  (`ntm_growing_status_on(area, day)`: from the area's history, then its validity dates), so a
  trace page can say "then and now". Changing a lot's harvest date checks its links again.
* At commit (deferred constraint triggers, NT015/NT016): every lot comes from at least one area,
  and its private row holds a quantity exactly when the lot is confidential.
"""
from alembic import op
import sqlalchemy as sa

from layers.db.migrations import ddl_0001 as ddl

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

OLD_ROLES = ("admin", "province_staff", "commune_staff", "tourism_promoter", "viewer")
ROLES = OLD_ROLES + ("cooperative",)
CERTIFICATIONS = ("none", "VietGAP", "GlobalGAP", "organic")
LOT_STATUSES = ("active", "recalled")
LOT_UNITS = ("kg", "tonne", "box", "bag", "piece")
AREA_STATUSES = ("granted", "suspended", "revoked", "expired")
LOT_CODE = "lot_code ~ '^[A-Za-z0-9!\"%&''()*+,./:;<=>?_-]{1,20}$'"


def _in(column: str, codes) -> str:
    return f"{column} IN (" + ", ".join(f"'{c}'" for c in codes) + ")"


USER_COOPERATIVE_FUNCTION = """
CREATE FUNCTION ntm_user_cooperative() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.cooperative_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM public.cooperatives c WHERE c.id = NEW.cooperative_id) THEN
    RAISE EXCEPTION 'no cooperative %', NEW.cooperative_id USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NEW;
END $$;
"""

COOPERATIVE_ACCOUNTS_FUNCTION = """
CREATE FUNCTION ntm_cooperative_accounts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (TG_OP = 'DELETE' OR NEW.id <> OLD.id)
     AND EXISTS (SELECT 1 FROM private.users u WHERE u.cooperative_id = OLD.id) THEN
    RAISE EXCEPTION 'cooperative % has accounts acting for it', OLD.id USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
"""

GTIN_FUNCTION = """
CREATE FUNCTION ntm_gtin_valid(gtin text) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN gtin !~ '^[0-9]{14}$' THEN false ELSE
    (10 - (SELECT sum(substr(gtin, i, 1)::int * CASE WHEN i % 2 = 1 THEN 3 ELSE 1 END)
           FROM generate_series(1, 13) AS i) % 10) % 10 = substr(gtin, 14, 1)::int END
$$;
"""

STATUS_ON_FUNCTION = """
CREATE FUNCTION ntm_growing_status_on(area integer, day date) RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
  day_end timestamptz := (day + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh';
  state jsonb;
  found_any boolean;
  st text;
  v_from date;
  v_to date;
BEGIN
  SELECT h.after INTO state FROM public.change_history h
  WHERE h.table_name = 'growing_areas' AND h.row_id = area::text AND h.changed_at < day_end
  ORDER BY h.changed_at DESC, h.id DESC LIMIT 1;
  found_any := FOUND;
  IF NOT found_any THEN
    -- Before its first recorded change the area was that change's `before` (NULL: not yet
    -- registered); an area loaded in bulk with no change at all is as it is now.
    SELECT h.before INTO state FROM public.change_history h
    WHERE h.table_name = 'growing_areas' AND h.row_id = area::text ORDER BY h.changed_at, h.id LIMIT 1;
    IF NOT FOUND THEN
      SELECT jsonb_build_object('status', g.status, 'valid_from', g.valid_from, 'valid_to', g.valid_to)
      INTO state FROM growing_areas g WHERE g.id = area;
    END IF;
  END IF;
  IF state IS NULL THEN
    RETURN NULL;
  END IF;
  st := state ->> 'status';
  v_from := (state ->> 'valid_from')::date;
  v_to := (state ->> 'valid_to')::date;
  IF st IN ('granted', 'suspended') AND v_to IS NOT NULL AND v_to < day THEN
    RETURN 'expired';
  END IF;
  IF st IN ('granted', 'suspended', 'revoked', 'expired') AND v_from IS NOT NULL AND v_from > day THEN
    RETURN 'inspected';  -- its code was granted after that day
  END IF;
  RETURN st;
END $$;
"""

LOT_RULES_FUNCTION = """
CREATE FUNCTION ntm_harvest_lot_rules() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'harvest lot % is never deleted: recall it instead', OLD.lot_code USING ERRCODE = 'NT014';
  END IF;
  IF OLD.status = 'recalled' THEN
    RAISE EXCEPTION 'harvest lot % was recalled and never changes again', OLD.lot_code USING ERRCODE = 'NT013';
  END IF;
  IF NEW.cooperative_id IS DISTINCT FROM OLD.cooperative_id OR NEW.product_id IS DISTINCT FROM OLD.product_id
     OR NEW.lot_code IS DISTINCT FROM OLD.lot_code THEN
    RAISE EXCEPTION 'the cooperative, product and lot code of harvest lot % never change (its labels carry them)',
      OLD.lot_code USING ERRCODE = 'NT012';
  END IF;
  RETURN NEW;
END $$;
"""

ACTOR = "COALESCE(NULLIF(current_setting('ntm.actor', true), ''), session_user)"

LOT_WHO_FUNCTION = f"""
CREATE FUNCTION ntm_harvest_lot_who() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO private.harvest_lot_private (lot_id, created_by, updated_by) VALUES (NEW.id, {ACTOR}, {ACTOR});
  ELSE
    UPDATE private.harvest_lot_private SET updated_by = {ACTOR} WHERE lot_id = NEW.id;
    IF NEW.harvest_date IS DISTINCT FROM OLD.harvest_date THEN
      -- Each link's status at harvest is computed again (and refused if no longer granted).
      UPDATE harvest_lot_areas SET growing_area_id = growing_area_id WHERE lot_id = NEW.id;
    END IF;
  END IF;
  RETURN NULL;
END $$;
"""

PRIVATE_WHO_FUNCTION = f"""
CREATE FUNCTION ntm_harvest_lot_private_who() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.created_by := OLD.created_by;
  NEW.updated_by := {ACTOR};
  RETURN NEW;
END $$;
"""

AREA_RULES_FUNCTION = """
CREATE FUNCTION ntm_harvest_lot_area_rules() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  lot record;
  area record;
  st text;
BEGIN
  SELECT l.id, l.lot_code, l.status, l.cooperative_id, l.harvest_date INTO lot
  FROM harvest_lots l WHERE l.id = CASE WHEN TG_OP = 'DELETE' THEN OLD.lot_id ELSE NEW.lot_id END;
  IF NOT FOUND THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;  -- the foreign key decides
  END IF;
  IF lot.status = 'recalled' THEN
    RAISE EXCEPTION 'harvest lot % was recalled and never changes again', lot.lot_code USING ERRCODE = 'NT013';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  SELECT g.id, g.code, g.cooperative_id, ST_AsGeoJSON(g.geom, 7)::json AS where_geom INTO area
  FROM growing_areas g WHERE g.id = NEW.growing_area_id;
  IF NOT FOUND THEN
    RETURN NEW;
  END IF;
  IF area.cooperative_id IS DISTINCT FROM lot.cooperative_id THEN
    RAISE EXCEPTION 'growing area % is not linked to cooperative %', COALESCE(area.code, area.id::text), lot.cooperative_id
      USING ERRCODE = 'NT010',
            DETAIL = json_build_object('area_id', area.id, 'area_code', area.code,
                                       'cooperative_id', lot.cooperative_id, 'where', area.where_geom)::text;
  END IF;
  st := ntm_growing_status_on(area.id, lot.harvest_date);
  IF st IS DISTINCT FROM 'granted' THEN
    RAISE EXCEPTION 'growing area % was % on the harvest date %, not granted',
      COALESCE(area.code, area.id::text), COALESCE(st, 'not yet registered'), lot.harvest_date
      USING ERRCODE = 'NT011',
            DETAIL = json_build_object('area_id', area.id, 'area_code', area.code, 'status_at_harvest', st,
                                       'harvest_date', lot.harvest_date, 'where', area.where_geom)::text;
  END IF;
  NEW.status_at_harvest := st;
  RETURN NEW;
END $$;
"""

COMPLETE_FUNCTION = """
CREATE FUNCTION ntm_harvest_lot_complete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  lot_id integer;
  lot record;
  hidden record;
BEGIN
  IF TG_TABLE_NAME = 'harvest_lots' THEN
    lot_id := NEW.id;
  ELSIF TG_OP = 'DELETE' THEN
    lot_id := OLD.lot_id;
  ELSE
    lot_id := NEW.lot_id;
  END IF;
  SELECT l.id, l.lot_code, l.confidential_quantity INTO lot FROM harvest_lots l WHERE l.id = lot_id;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM harvest_lot_areas a WHERE a.lot_id = lot.id) THEN
    RAISE EXCEPTION 'harvest lot % comes from no growing area: link at least one', lot.lot_code
      USING ERRCODE = 'NT015';
  END IF;
  SELECT p.quantity INTO hidden FROM private.harvest_lot_private p WHERE p.lot_id = lot.id;
  IF NOT FOUND OR (lot.confidential_quantity AND hidden.quantity IS NULL) THEN
    RAISE EXCEPTION 'harvest lot % is confidential but its quantity is not recorded', lot.lot_code
      USING ERRCODE = 'NT016';
  END IF;
  IF NOT lot.confidential_quantity AND hidden.quantity IS NOT NULL THEN
    RAISE EXCEPTION 'harvest lot % is not confidential: its quantity belongs in the public row', lot.lot_code
      USING ERRCODE = 'NT016';
  END IF;
  RETURN NULL;
END $$;
"""

FUNCTIONS = ("ntm_harvest_lot_complete()", "ntm_harvest_lot_area_rules()", "ntm_harvest_lot_private_who()",
             "ntm_harvest_lot_who()", "ntm_harvest_lot_rules()", "ntm_growing_status_on(integer, date)")


def _timestamps() -> list[sa.Column]:
    return [sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False)]


def upgrade() -> None:
    # Cooperative accounts.
    op.add_column("users", sa.Column("cooperative_id", sa.Integer(), nullable=True), schema="private")
    op.execute(USER_COOPERATIVE_FUNCTION)
    op.execute(COOPERATIVE_ACCOUNTS_FUNCTION)
    op.execute("CREATE TRIGGER ntm_user_cooperative BEFORE INSERT OR UPDATE OF cooperative_id ON private.users "
               "FOR EACH ROW EXECUTE FUNCTION ntm_user_cooperative()")
    op.execute("CREATE TRIGGER ntm_cooperative_accounts BEFORE DELETE OR UPDATE OF id ON public.cooperatives "
               "FOR EACH ROW EXECUTE FUNCTION ntm_cooperative_accounts()")
    op.drop_constraint(op.f("ck_users_role"), "users", schema="private")
    op.create_check_constraint(op.f("ck_users_role"), "users", _in("role", ROLES), schema="private")
    op.create_check_constraint(op.f("ck_users_cooperative_scope"), "users",
                               "(role = 'cooperative') = (cooperative_id IS NOT NULL)", schema="private")

    # GTINs.
    op.execute(GTIN_FUNCTION)
    op.add_column("ocop_products", sa.Column("gtin", sa.String(length=14), nullable=True))
    op.create_check_constraint(op.f("ck_ocop_products_gtin"), "ocop_products", "gtin IS NULL OR ntm_gtin_valid(gtin)")
    op.create_unique_constraint(op.f("uq_ocop_products_gtin"), "ocop_products", ["gtin"])
    op.create_unique_constraint(op.f("uq_ocop_products_id_cooperative_id"), "ocop_products", ["id", "cooperative_id"])

    op.create_table(
        "harvest_lots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("lot_code", sa.String(length=20), nullable=False),
        sa.Column("quantity", sa.Numeric(14, 3), nullable=True),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("harvest_date", sa.Date(), nullable=False),
        sa.Column("certification", sa.String(length=20), server_default="none", nullable=False),
        sa.Column("certification_valid_from", sa.Date(), nullable=True),
        sa.Column("certification_valid_to", sa.Date(), nullable=True),
        sa.Column("confidential_quantity", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("status", sa.String(length=20), server_default="active", nullable=False),
        sa.Column("recall_reason", sa.Text(), nullable=True),
        sa.Column("recalled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("row_version", sa.Integer(), server_default="1", nullable=False),
        *_timestamps(),
        sa.CheckConstraint(LOT_CODE, name=op.f("ck_harvest_lots_lot_code")),
        sa.CheckConstraint("quantity IS NULL OR quantity > 0", name=op.f("ck_harvest_lots_quantity_positive")),
        sa.CheckConstraint("confidential_quantity = (quantity IS NULL)", name=op.f("ck_harvest_lots_quantity_public")),
        sa.CheckConstraint(_in("unit", LOT_UNITS), name=op.f("ck_harvest_lots_unit")),
        sa.CheckConstraint("harvest_date >= DATE '2000-01-01' AND "
                           "harvest_date <= (created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date",
                           name=op.f("ck_harvest_lots_harvest_date")),
        sa.CheckConstraint(_in("certification", CERTIFICATIONS), name=op.f("ck_harvest_lots_certification")),
        sa.CheckConstraint(
            "(certification = 'none' AND certification_valid_from IS NULL AND certification_valid_to IS NULL) OR "
            "(certification <> 'none' AND certification_valid_from IS NOT NULL AND certification_valid_to IS NOT NULL "
            "AND certification_valid_from >= DATE '1900-01-01' "
            "AND certification_valid_to <= DATE '2200-12-31' AND certification_valid_to > certification_valid_from)",
            name=op.f("ck_harvest_lots_certification_validity")),
        sa.CheckConstraint("certification = 'none' OR harvest_date BETWEEN certification_valid_from "
                           "AND certification_valid_to", name=op.f("ck_harvest_lots_certified_harvest")),
        sa.CheckConstraint(_in("status", LOT_STATUSES), name=op.f("ck_harvest_lots_status")),
        sa.CheckConstraint(
            "(status = 'active' AND recall_reason IS NULL AND recalled_at IS NULL) OR "
            "(status = 'recalled' AND recall_reason IS NOT NULL AND char_length(btrim(recall_reason)) BETWEEN 1 AND 1000 AND recalled_at IS NOT NULL)",
            name=op.f("ck_harvest_lots_recall")),
        sa.ForeignKeyConstraint(["cooperative_id"], ["cooperatives.id"],
                                name=op.f("fk_harvest_lots_cooperative_id_cooperatives")),
        sa.ForeignKeyConstraint(["product_id", "cooperative_id"], ["ocop_products.id", "ocop_products.cooperative_id"],
                                name=op.f("fk_harvest_lots_product_id_ocop_products")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_harvest_lots")),
        sa.UniqueConstraint("product_id", "lot_code", name=op.f("uq_harvest_lots_product_id_lot_code")),
    )
    op.create_index(op.f("ix_harvest_lots_cooperative_id"), "harvest_lots", ["cooperative_id"])
    op.create_table(
        "harvest_lot_areas",
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("growing_area_id", sa.Integer(), nullable=False),
        sa.Column("status_at_harvest", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(_in("status_at_harvest", AREA_STATUSES), name=op.f("ck_harvest_lot_areas_status_at_harvest")),
        sa.ForeignKeyConstraint(["lot_id"], ["harvest_lots.id"], name=op.f("fk_harvest_lot_areas_lot_id_harvest_lots")),
        sa.ForeignKeyConstraint(["growing_area_id"], ["growing_areas.id"],
                                name=op.f("fk_harvest_lot_areas_growing_area_id_growing_areas")),
        sa.PrimaryKeyConstraint("lot_id", "growing_area_id", name=op.f("pk_harvest_lot_areas")),
    )
    op.create_index(op.f("ix_harvest_lot_areas_growing_area_id"), "harvest_lot_areas", ["growing_area_id"])
    op.create_table(
        "harvest_lot_private",
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Numeric(14, 3), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        *_timestamps(),
        sa.CheckConstraint("quantity IS NULL OR quantity > 0", name=op.f("ck_harvest_lot_private_quantity_positive")),
        sa.ForeignKeyConstraint(["lot_id"], ["harvest_lots.id"], name=op.f("fk_harvest_lot_private_lot_id_harvest_lots")),
        sa.PrimaryKeyConstraint("lot_id", name=op.f("pk_harvest_lot_private")),
        schema="private",
    )

    for stmt in (STATUS_ON_FUNCTION, LOT_RULES_FUNCTION, LOT_WHO_FUNCTION, PRIVATE_WHO_FUNCTION,
                 AREA_RULES_FUNCTION, COMPLETE_FUNCTION):
        op.execute(stmt)
    for table, schema, pk, touch in (("harvest_lots", "public", ["id"], True),
                                     ("harvest_lot_areas", "public", ["lot_id", "growing_area_id"], False),
                                     ("harvest_lot_private", "private", ["lot_id"], True)):
        for stmt in ddl.trigger_statements(table, schema, pk, touch):
            op.execute(stmt)
    # No WHEN on the rules: a bulk load meets them too.
    op.execute("CREATE TRIGGER ntm_row_version BEFORE UPDATE ON public.harvest_lots "
               "FOR EACH ROW EXECUTE FUNCTION ntm_bump_row_version()")
    op.execute("CREATE TRIGGER ntm_harvest_lot_rules BEFORE UPDATE OR DELETE ON public.harvest_lots "
               "FOR EACH ROW EXECUTE FUNCTION ntm_harvest_lot_rules()")
    op.execute("CREATE TRIGGER ntm_harvest_lot_who AFTER INSERT OR UPDATE ON public.harvest_lots "
               "FOR EACH ROW EXECUTE FUNCTION ntm_harvest_lot_who()")
    op.execute("CREATE TRIGGER ntm_harvest_lot_who BEFORE UPDATE ON private.harvest_lot_private "
               "FOR EACH ROW EXECUTE FUNCTION ntm_harvest_lot_private_who()")
    op.execute("CREATE TRIGGER ntm_harvest_lot_area_rules BEFORE INSERT OR UPDATE OR DELETE ON public.harvest_lot_areas "
               "FOR EACH ROW EXECUTE FUNCTION ntm_harvest_lot_area_rules()")
    for table in ("public.harvest_lots", "public.harvest_lot_areas", "private.harvest_lot_private"):
        events = "INSERT OR UPDATE" if table == "public.harvest_lots" else "INSERT OR UPDATE OR DELETE"
        op.execute(f"CREATE CONSTRAINT TRIGGER ntm_harvest_lot_complete AFTER {events} ON {table} "
                   "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ntm_harvest_lot_complete()")


def downgrade() -> None:
    op.drop_table("harvest_lot_private", schema="private")
    op.drop_table("harvest_lot_areas")
    op.drop_table("harvest_lots")
    for function in FUNCTIONS:
        op.execute(f"DROP FUNCTION {function}")
    op.drop_constraint(op.f("uq_ocop_products_id_cooperative_id"), "ocop_products")
    op.drop_constraint(op.f("uq_ocop_products_gtin"), "ocop_products")
    op.drop_constraint(op.f("ck_ocop_products_gtin"), "ocop_products")
    op.drop_column("ocop_products", "gtin")
    op.execute("DROP FUNCTION ntm_gtin_valid(text)")
    op.execute("DELETE FROM private.users WHERE role = 'cooperative'")  # the old schema has no such account
    op.drop_constraint(op.f("ck_users_cooperative_scope"), "users", schema="private")
    op.drop_constraint(op.f("ck_users_role"), "users", schema="private")
    op.create_check_constraint(op.f("ck_users_role"), "users", _in("role", OLD_ROLES), schema="private")
    op.execute("DROP TRIGGER ntm_cooperative_accounts ON public.cooperatives")
    op.execute("DROP TRIGGER ntm_user_cooperative ON private.users")
    op.execute("DROP FUNCTION ntm_cooperative_accounts()")
    op.execute("DROP FUNCTION ntm_user_cooperative()")
    op.drop_column("users", "cooperative_id", schema="private")
