"""Household addresses kept by commune staff in field campaigns (issue 16).

Revision ID: 0014
Revises: 0013

* `households.status` (`active` | `retired`), `verified_at` (a staff member checked the point and
  the code on the ground), `retired_at`, `successor_code` (the code that replaces a retired one:
  a merge or a replacement; a foreign key to `households.address_code`), `row_version` (If-Match;
  bumped by the trigger of migration 0005).
* A retired code is never reused: the rules trigger refuses to change an address code (NT020),
  to bring a retired household back or change it in any way (NT021), to delete a retired household
  (NT021, even in bulk loads) and, outside bulk loads, to delete any household (NT022: retire it).
  Codes are unique and their rows stay, so a serial is never handed out twice
  (`layers.write.households.codes` numbers after the highest serial of the cell, retired included).
* History: the existing triggers (migration 0001) write the public columns' changes to
  `public.change_history` and the personal ones (`private.household_private`) to
  `private.change_history`; this adds no personal column to `households`.
* The public layer shows active households only (`layers.read.registry` public filter): the
  version triggers become the public-row ones of migration 0007, so editing a retired row
  changes no public ETag.
* `private.household_access`: every read, edit or export of households' personal fields (who,
  when, which households), as Decree 13/2023/NĐ-CP expects; rows are never changed or deleted.
* `private.household_requests`: the request ids of field edits already applied, so an offline
  edit sent twice is applied once (the second gets the first's answer).
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

RULES_FUNCTION = """
CREATE FUNCTION ntm_household_rules() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status = 'retired' THEN
      RAISE EXCEPTION 'household % holds the retired code %, which is never reused: it is never deleted',
        OLD.id, OLD.address_code USING ERRCODE = 'NT021';
    END IF;
    IF current_setting('ntm.bulk_load', true) IS DISTINCT FROM 'on' THEN
      RAISE EXCEPTION 'household % holds code %: retire it instead of deleting it', OLD.id, OLD.address_code
        USING ERRCODE = 'NT022';
    END IF;
    RETURN OLD;
  END IF;
  IF NEW.address_code IS DISTINCT FROM OLD.address_code THEN
    RAISE EXCEPTION 'the address code % of household % never changes', OLD.address_code, OLD.id
      USING ERRCODE = 'NT020';
  END IF;
  IF OLD.status = 'retired' AND (NEW.status, NEW.geom, NEW.successor_code, NEW.retired_at, NEW.verified_at,
                                 NEW.village_id, NEW.commune_code, NEW.plus_code)
       IS DISTINCT FROM (OLD.status, OLD.geom, OLD.successor_code, OLD.retired_at, OLD.verified_at,
                         OLD.village_id, OLD.commune_code, OLD.plus_code) THEN
    RAISE EXCEPTION 'household % holds the retired code %: it never changes and the code is never reused',
      OLD.id, OLD.address_code USING ERRCODE = 'NT021';
  END IF;
  RETURN NEW;
END $$;
"""

REFUSE_CHANGES = """
CREATE FUNCTION ntm_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows are a record: never changed or deleted', TG_TABLE_NAME USING ERRCODE = 'NT023';
END $$;
"""

EVENTS = {
    "insert": ("INSERT", "NEW TABLE AS ntm_new_rows"),
    "update": ("UPDATE", "OLD TABLE AS ntm_old_rows NEW TABLE AS ntm_new_rows"),
    "delete": ("DELETE", "OLD TABLE AS ntm_old_rows"),
}


def upgrade() -> None:
    op.add_column("households", sa.Column("status", sa.Text(), server_default="active", nullable=False))
    op.add_column("households", sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("households", sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("households", sa.Column("successor_code", sa.String(length=16), nullable=True))
    op.add_column("households", sa.Column("row_version", sa.Integer(), server_default="1", nullable=False))
    op.create_check_constraint(op.f("ck_households_status"), "households", "status IN ('active', 'retired')")
    op.create_check_constraint(op.f("ck_households_retired"), "households",
                               "(status = 'retired') = (retired_at IS NOT NULL) "
                               "AND (successor_code IS NULL OR status = 'retired')")
    op.create_check_constraint(op.f("ck_households_successor_not_self"), "households",
                               "successor_code IS DISTINCT FROM address_code")
    op.create_foreign_key(op.f("fk_households_successor_code_households"), "households", "households",
                          ["successor_code"], ["address_code"])
    op.create_index("ix_households_successor_code", "households", ["successor_code"],
                    postgresql_where=sa.text("successor_code IS NOT NULL"))
    op.execute(RULES_FUNCTION)
    op.execute(REFUSE_CHANGES)
    op.execute("CREATE TRIGGER ntm_row_version BEFORE UPDATE ON public.households "
               "FOR EACH ROW EXECUTE FUNCTION ntm_bump_row_version()")
    op.execute("CREATE TRIGGER ntm_household_rules BEFORE UPDATE OR DELETE ON public.households "
               "FOR EACH ROW EXECUTE FUNCTION ntm_household_rules()")
    # Public rows only (layers.read.registry: households' public_filter {"status": ("active",)}).
    op.execute("DROP TRIGGER ntm_version ON public.households")
    op.execute("CREATE TRIGGER ntm_version AFTER TRUNCATE ON public.households "
               "FOR EACH STATEMENT EXECUTE FUNCTION ntm_bump_layer_version()")
    for name, (event, referencing) in EVENTS.items():
        op.execute(f"CREATE TRIGGER ntm_version_{name} AFTER {event} ON public.households "
                   f"REFERENCING {referencing} FOR EACH STATEMENT "
                   "EXECUTE FUNCTION ntm_bump_public_version('status', 'active')")

    op.create_table(
        "household_access",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("household_ids", postgresql.ARRAY(sa.BigInteger()), nullable=False),
        sa.Column("what", sa.Text(), nullable=True),
        sa.CheckConstraint("action IN ('read', 'edit', 'export')", name=op.f("ck_household_access_action")),
        sa.ForeignKeyConstraint(["user_id"], ["private.users.id"], name=op.f("fk_household_access_user_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_access")),
        schema="private",
    )
    op.create_index("ix_household_access_at", "household_access", ["at"], schema="private")
    op.create_index("ix_household_access_household_ids", "household_access", ["household_ids"],
                    schema="private", postgresql_using="gin")
    op.execute("CREATE TRIGGER ntm_append_only BEFORE UPDATE OR DELETE ON private.household_access "
               "FOR EACH ROW EXECUTE FUNCTION ntm_append_only()")

    op.create_table(
        "household_requests",
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("household_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("result", postgresql.JSONB(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["private.users.id"], name=op.f("fk_household_requests_user_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_household_requests")),
        schema="private",
    )


def downgrade() -> None:
    op.drop_table("household_requests", schema="private")
    op.drop_table("household_access", schema="private")
    op.execute("DROP FUNCTION ntm_append_only()")
    for name in EVENTS:
        op.execute(f"DROP TRIGGER ntm_version_{name} ON public.households")
    op.execute("DROP TRIGGER ntm_version ON public.households")
    op.execute("CREATE TRIGGER ntm_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON public.households "
               "FOR EACH STATEMENT EXECUTE FUNCTION ntm_bump_layer_version()")
    op.execute("DROP TRIGGER ntm_household_rules ON public.households")
    op.execute("DROP TRIGGER ntm_row_version ON public.households")
    op.execute("DROP FUNCTION ntm_household_rules()")
    op.drop_index("ix_households_successor_code", table_name="households")
    op.drop_constraint(op.f("fk_households_successor_code_households"), "households", type_="foreignkey")
    for name in ("successor_not_self", "retired", "status"):
        op.drop_constraint(op.f(f"ck_households_{name}"), "households", type_="check")
    for column in ("row_version", "successor_code", "retired_at", "verified_at", "status"):
        op.drop_column("households", column)
